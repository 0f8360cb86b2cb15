// The platform contract: one set of scenarios every chat platform passes, run against the
// console, the fake Slack and the fake Discord through a small driver each, with the real app
// pipeline and commands (real Redis). A new platform passes these or is not done.
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INSIDE_ADDRESSES, PRIVATE_NAMES } from "../../lab/zones.js";
import { REDIS_URL } from "../engine/support.js";
import { startTestApp, type TestApp } from "./app.js";
import { consoleDriver } from "./console-driver.js";
import { discordDriver } from "./discord-driver.js";
import type { PlatformDriver } from "./driver.js";
import { slackDriver } from "./slack-driver.js";

const LIMITS = { perUser: 3, perChannel: 100, windowSeconds: 60 };

describe.each([
  ["console", consoleDriver],
  ["slack", slackDriver],
  ["discord", discordDriver],
] as const)("platform contract: %s", (name, makeDriver) => {
  let app: TestApp;
  let driver: PlatformDriver;
  /** `/rdns <ip> [helo]` as this platform writes it. */
  const check = (ip: string) => (driver.syntax.kind === "options" ? `/rdns check ip:${ip}` : `/rdns ${ip}`);

  beforeEach(async () => {
    app = await startTestApp(name, LIMITS);
    driver = makeDriver();
    await driver.start(app);
  });
  afterEach(async () => {
    await driver.stop();
    await app.close();
  });

  it("acknowledges in time and opens a thread for a check", async () => {
    const ackMs = await driver.send(check("203.0.113.5"));
    // Slack and Discord allow 3 s; leave room for a loaded machine, not for a slow path.
    expect(ackMs).toBeLessThan(1500);
    await expect.poll(() => driver.threadsOpened(), { timeout: 10_000 }).toBe(1);
    expect(driver.publicMessages().join("\n")).toMatch(/Checking 203\.0\.113\.5/);
    expect(driver.privateAnswers()).toEqual([]);
  });

  it("answers a usage error privately, with an example in this platform's syntax", async () => {
    await driver.send(check("192.168.1.1"));
    await driver.waitForPrivate(1);
    const [answer] = driver.privateAnswers();
    expect(answer).toMatch(/192\.168\.1\.1 is private/);
    const example =
      driver.syntax.kind === "options"
        ? "/rdns check ip:203.0.113.5 helo:mail.example.com"
        : "/rdns 203.0.113.5 mail.example.com";
    expect(answer).toContain(example);
    expect(driver.accepts(app, example)).toBe(true);
    expect(driver.threadsOpened()).toBe(0);
    expect(driver.publicMessages()).toEqual([]);
  });

  it("answers a failing handler in one wording with a reference the log line carries", async () => {
    await driver.send("/rdns explode");
    await driver.waitForPrivate(1);
    const [answer] = driver.privateAnswers();
    const reference =
      /^Sorry, that failed on our side \(reference ([0-9a-f]{8})\); please try again in a minute\.$/.exec(
        answer ?? "",
      )?.[1];
    expect(reference, answer).toBeDefined();
    const logged = app.logs.find((line) => line.reference === reference);
    expect(logged?.msg).toBe("command failed");
    expect((logged?.err as { message?: string } | undefined)?.message).toBe("exploded on purpose");
  });

  it("limits a user politely, counts under the queue prefix, and never limits help", async () => {
    for (let i = 0; i < LIMITS.perUser + 1; i++) await driver.send(check("203.0.113.5"));
    await driver.waitForPrivate(1);
    const answers = driver.privateAnswers();
    expect(
      answers.filter((text) => /You've run 3 checks in the last minute; try again in \d+ s\./.test(text)),
    ).toHaveLength(1);
    await driver.send("/rdns help");
    await driver.waitForPrivate(2);
    expect(driver.privateAnswers().at(-1)).toMatch(/show these commands/);
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`${app.prefix}:${name}:limit:user:*`)).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it("counts only what makes DNS work, and says which limit was hit and when it resets", async () => {
    const stop = driver.syntax.kind === "options" ? "/rdns stop ip:203.0.113.5" : "/rdns stop 203.0.113.5";
    // None of these asks DNS: lists, stop, help, and an address the check refuses.
    for (const line of ["/rdns watches", "/rdns watches", stop, "/rdns help", check("192.168.1.1")]) {
      await driver.send(line);
    }
    await driver.waitForPrivate(5);
    for (let i = 0; i < LIMITS.perUser; i++) await driver.send(check("203.0.113.5"));
    await expect.poll(() => driver.threadsOpened(), { timeout: 10_000 }).toBe(LIMITS.perUser);
    await driver.send(check("203.0.113.5"));
    await driver.waitForPrivate(6);
    expect(driver.privateAnswers().slice(0, 5).join("\n")).not.toMatch(/You've run/);
    expect(driver.privateAnswers()[5]).toMatch(
      /^You've run 3 checks in the last minute; try again in \d+ s\. That is your own limit \(3 per minute\); only checks, re-checks and watches count\.$/,
    );
    expect(driver.threadsOpened()).toBe(LIMITS.perUser);
  });

  it("a button press is acknowledged in time and spends the same per-user allowance as a command", async () => {
    if (driver.pressWatch === undefined) return; // the console has commands, not buttons
    for (let i = 0; i < LIMITS.perUser; i++) await driver.send(check("203.0.113.5"));
    await expect.poll(() => driver.threadsOpened(), { timeout: 10_000 }).toBe(LIMITS.perUser);
    const ackMs = await driver.pressWatch("203.0.113.7");
    expect(ackMs).toBeLessThan(1500);
    await driver.waitForPrivate(1);
    expect(driver.privateAnswers().at(-1)).toMatch(
      /You've run 3 checks in the last minute; try again in \d+ s\./,
    );
    // Limited, so nothing was watched.
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`${app.prefix}:s:watches:*`)).toHaveLength(0);
    } finally {
      redis.disconnect();
    }
  });

  it("shows help in this platform's own syntax, and every example it shows is accepted", async () => {
    await driver.send("/rdns help");
    await driver.waitForPrivate(1);
    const [help] = driver.privateAnswers();
    const examples = [...(help ?? "").matchAll(/\(e\.g\. ([^)]+)\)/g)].map((match) => match[1] as string);
    // Every command with options shows an example; the check's shows both of its options.
    expect(examples.length).toBeGreaterThanOrEqual(3);
    if (driver.syntax.kind === "options") {
      expect(help).toContain("/rdns check ip:<ip> [helo:<helo>]");
      expect(help).not.toMatch(/\/rdns <ip>/);
    } else {
      expect(help).toContain("/rdns <ip> [helo]");
      expect(help).not.toMatch(/ ip:/);
    }
    for (const example of examples) {
      expect(driver.accepts(app, example), example).toBe(true);
      const parsed = driver.syntax.parse(app.commands, example);
      expect(parsed.ok, `${example}: ${parsed.ok ? "" : parsed.problem}`).toBe(true);
    }
    // And the platform itself takes them: sent back, none is refused as a usage error.
    // Mute, then unwatch, last: they refuse (rightly) what the channel does not watch yet.
    // Not probe: it would connect to port 25 of a documentation address (nothing listens; the
    // engine's probe test has its own server), and its DNS work would pass the per-user limit of
    // 3 the other examples (check, recheck, watch) use up.
    const last = (example: string) => (/unwatch/.test(example) ? 2 : /mute/.test(example) ? 1 : 0);
    const sendable = examples
      .filter((example) => !/explode|help|probe/.test(example))
      .sort((a, b) => last(a) - last(b));
    const answered = () => driver.privateAnswers().length + driver.publicMessages().length;
    const redis = new Redis(REDIS_URL);
    for (const example of sendable) {
      // One at a time, each answered before the next (a watch is stored before unwatch comes).
      // The per-user allowance starts afresh for each: there are more examples of commands that
      // count (check, recheck, watch, mailtest) than LIMITS allows, and a limit is not a refusal.
      const counted = await redis.keys(`${app.prefix}:*:limit:*`);
      if (counted.length > 0) await redis.del(...counted);
      const before = answered();
      await driver.send(example);
      await expect.poll(answered, { timeout: 10_000 }).toBeGreaterThan(before);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    redis.disconnect();
    const refused = driver
      .privateAnswers()
      .slice(1)
      .filter((text) =>
        /unknown command|missing |too many words|has no option|too long|Example|Try:/.test(text),
      );
    expect(refused).toEqual([]);
  });

  it("checks each address of a host name with the name as HELO, and says so", async () => {
    await driver.send(check("mail.example.test"));
    await expect
      .poll(() => driver.publicMessages().join("\n"), { timeout: 10_000 })
      .toMatch(/Checking 203\.0\.113\.10.*HELO mail\.example\.test/);
    expect(driver.publicMessages().join("\n")).toContain(
      "mail.example.test has 1 address (203.0.113.10); checking it with the name as HELO (no HELO given).",
    );
    // Discord opens the thread on the "Checking" message after posting it: wait for it too.
    await expect.poll(() => driver.threadsOpened(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    // A name with no address is an answer about the name, not a check.
    await driver.send(check("nothere.example.test"));
    await driver.waitForPrivate(1);
    expect(driver.privateAnswers()[0]).toMatch(
      /nothere\.example\.test does not exist \(NXDOMAIN\).*nothing to check/,
    );
  });

  it("refuses a host name that resolves only inside without naming an address; checks a mixed one's public address", async () => {
    await driver.send(check(PRIVATE_NAMES.inside));
    await driver.waitForPrivate(1);
    expect(driver.privateAnswers()[0]).toMatch(
      /inside\.example\.test resolves only to 4 non-public addresses .*not shown.*nothing to check/,
    );
    await driver.send(check(PRIVATE_NAMES.mixed));
    await expect
      .poll(() => driver.publicMessages().join("\n"), { timeout: 10_000 })
      .toMatch(/Checking 203\.0\.113\.37/);
    const said = [...driver.publicMessages(), ...driver.privateAnswers()].join("\n");
    expect(said).toContain("mixed.example.test has 1 public address (203.0.113.37)");
    expect(said).toContain("mixed.example.test also has a non-public address, not checked and not shown");
    for (const address of INSIDE_ADDRESSES) expect(said).not.toContain(address);
    expect(said.match(/Checking /g)).toHaveLength(1);
  });

  it("with SHOW_PRIVATE_ADDRESSES lists a name's non-public addresses, still checking none of them", async () => {
    await driver.stop();
    await app.close();
    app = await startTestApp(name, LIMITS, { check: { showPrivateAddresses: true } });
    driver = makeDriver();
    await driver.start(app);
    await driver.send(check(PRIVATE_NAMES.inside));
    await expect
      .poll(() => driver.publicMessages().join("\n"), { timeout: 10_000 })
      .toMatch(/Not checking: fd00::1 is unique-local/);
    const said = driver.publicMessages().join("\n");
    for (const address of INSIDE_ADDRESSES) expect(said).toContain(address);
    expect(said).not.toMatch(/Checking /);
  });

  it("takes an SMTP address literal as the address, and answers a zone id with the parser's word", async () => {
    await driver.send(check("[IPv6:2001:db8::1]"));
    await expect
      .poll(() => driver.publicMessages().join("\n"), { timeout: 10_000 })
      .toMatch(/Checking 2001:db8::1\b/);
    await driver.send(check("fe80::1%eth0"));
    await driver.waitForPrivate(1);
    expect(driver.privateAnswers()[0]).toMatch(
      /zone ids \(%eth0\) are local to a host; give the address alone/,
    );
    expect(driver.privateAnswers()[0]).not.toMatch(/unknown command/);
  });

  it("answers a host name to watch clearly: watches follow addresses and ranges", async () => {
    await driver.send(
      driver.syntax.kind === "options"
        ? "/rdns watch range:mail.example.test"
        : "/rdns watch mail.example.test",
    );
    await driver.waitForPrivate(1);
    expect(driver.privateAnswers()[0]).toMatch(
      /mail\.example\.test is a host name: watches follow addresses and ranges/,
    );
    expect(driver.threadsOpened()).toBe(0);
  });

  it("fails to start with a message naming the variable to fix", async () => {
    const message = await driver.failedStart();
    if (name === "console") {
      // The console reads no setting and opens no connection: there is nothing to get wrong.
      expect(message).toBeNull();
      return;
    }
    expect(message).toMatch(name === "slack" ? /SLACK_BOT_TOKEN/ : /DISCORD_TOKEN/);
    expect(message?.split("\n")).toHaveLength(1);
  });
});

describe.each([
  ["console", consoleDriver],
  ["slack", slackDriver],
  ["discord", discordDriver],
] as const)("platform contract, Redis unreachable: %s", (name, makeDriver) => {
  let app: TestApp;
  let driver: PlatformDriver;
  const check = (ip: string) => (driver.syntax.kind === "options" ? `/rdns check ip:${ip}` : `/rdns ${ip}`);

  beforeEach(async () => {
    // Nothing listens on port 1: every Redis command fails as in an outage.
    app = await startTestApp(name, null, { redisUrl: "redis://127.0.0.1:1" });
    driver = makeDriver();
    await driver.start(app);
  });
  afterEach(async () => {
    await driver.stop();
    await app.close();
  });

  it("replaces its Checking message and tells the asker the queue is unreachable and nothing was lost", async () => {
    await driver.send(check("203.0.113.99"));
    await driver.waitForPrivate(1);
    expect(driver.privateAnswers()[0]).toMatch(
      /^Sorry, the bot cannot reach its queue \(Redis\) right now, so nothing was started and nothing was lost; please ask again in a minute \(reference [0-9a-f]{8}\)\.$/,
    );
    await expect
      .poll(() => driver.publicNow().join("\n"), { timeout: 10_000 })
      .toMatch(/Could not check 203\.0\.113\.99: the check could not be queued .* nothing was checked/);
    expect(driver.publicNow().join("\n")).not.toMatch(/Checking/);
  });

  it("says the same for any command that needs the queue", async () => {
    await driver.send("/rdns watches");
    await driver.waitForPrivate(1);
    expect(driver.privateAnswers()[0]).toMatch(/cannot reach its queue \(Redis\).*nothing was lost/);
    expect(driver.publicNow()).toEqual([]);
  });
});

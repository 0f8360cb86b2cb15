// Test mail end to end, with nothing faked but the chat services: `/rdns mailtest` through the real
// Bolt and discord.js against their loopback fakes, the address stored in Redis, a message sent
// to it with swaks through a PROXY header naming a lab address (so the check is of a
// documentation IP the DNS lab serves), the check worker on the lab, and the notice and the
// report delivered into the thread that asked. The engine also answers an unknown token 550.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/log.js";
import { type Runtime, startRuntime } from "../../../src/runtime.js";
import { type EngineSettings, settingsFromConfig } from "../../../src/settings.js";
import { FakeDiscord } from "../../fakes/discord/index.js";
import { createSlackHarness, SIGNING_SECRET, type SlackHarness } from "../../fakes/slack/harness.js";
import { postSigned, slashCommandForm } from "../../fakes/slack/requests.js";
import { CASES } from "../../lab/zones.js";
import { until } from "../../support/until.js";
import { cleanupPrefix } from "../engine/support.js";
import { DOMAIN, swaks } from "./support.js";

const lab = inject("lab");
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
const ADDRESS = new RegExp(`check-[a-z2-7]{26}@${DOMAIN.replace(/\./g, "\\.")}`);
const SMTP_ENV = {
  SMTP_PORT: "0",
  SMTP_HOST: "127.0.0.1",
  SMTP_DOMAIN: DOMAIN,
  SMTP_PROXY_FROM: "127.0.0.1",
};

let runtime: Runtime | null = null;
let prefix: string | null = null;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  await runtime?.stop();
  for (const stop of stops.splice(0)) await stop();
  if (prefix !== null) await cleanupPrefix(prefix);
  runtime = null;
  prefix = null;
});

function engineSettings(config: ReturnType<typeof loadConfig>): EngineSettings {
  return {
    ...settingsFromConfig(config),
    check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 },
    checkRetryDelayMs: 200,
    deliveryRetryDelayMs: 200,
  };
}

/** swaks to the runtime's listener, through a PROXY v1 header naming `ip`. */
function sendThroughProxy(to: string, ip: string, helo: string) {
  const port = runtime?.mailListener?.address.port ?? 0;
  return swaks("127.0.0.1", port, [
    "--to",
    to,
    "--helo",
    helo,
    "--proxy-version",
    "1",
    "--proxy-family",
    ip.includes(":") ? "TCP6" : "TCP4",
    "--proxy-source",
    ip,
    "--proxy-source-port",
    "40000",
    "--proxy-dest",
    ip.includes(":") ? "2001:db8::1" : "192.0.2.1",
    "--proxy-dest-port",
    "25",
  ]);
}

describe("test mail end to end", () => {
  it("Slack: /rdns mailtest, swaks through a PROXY header, the notice and the report in the thread", async () => {
    const harness: SlackHarness = await createSlackHarness({ mode: "http" });
    stops.push(() => harness.close());
    const config = loadConfig({
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      ...SMTP_ENV,
      QUEUE_PREFIX: `mt-slack-${randomUUID().slice(0, 8)}`,
    });
    const settings = engineSettings(config);
    prefix = settings.prefix;
    runtime = await startRuntime({
      config,
      logger,
      bot: true,
      worker: true,
      settings,
      platforms: [harness.platform],
    });
    const form = slashCommandForm({
      text: `mailtest ${CASES.pass}`,
      responseUrl: `${harness.fake.url}/response/mt`,
    });
    expect(
      (
        await postSigned(harness.eventsUrl, form, {
          secret: SIGNING_SECRET,
          contentType: "application/x-www-form-urlencoded",
        })
      ).status,
    ).toBe(200);
    const update = await until("the address on the parent", () =>
      harness.fake.callsTo("chat.update").find((call) => ADDRESS.test(String(call.args.text))),
    );
    const parentTs = String(update.args.ts);
    const address = ADDRESS.exec(String(update.args.text))?.[0] as string;
    expect(String(update.args.text)).toContain("from the server you want checked");

    const sent = await sendThroughProxy(address, CASES.pass, "mail.example.test");
    expect(sent.code, sent.stdout).toBe(0);
    const replies = () =>
      harness.fake.callsTo("chat.postMessage").filter((call) => call.args.thread_ts === parentTs);
    await until("the notice and the report in the thread", () => replies().length >= 2, 30_000);
    const texts = replies().map((call) => JSON.stringify(call.args));
    expect(
      texts.some(
        (text) => text.includes(`Test mail received from ${CASES.pass}`) && text.includes("without TLS"),
      ),
    ).toBe(true);
    const report = replies().find((call) =>
      JSON.stringify(call.args.blocks ?? "").includes(`${CASES.pass} passes`),
    );
    expect(report, texts.join("\n")).toBeDefined();
    expect(JSON.stringify(report?.args.blocks)).toContain("mail.example.test");
    // The parent keeps the instructions: no verdict replaced them.
    expect(harness.fake.callsTo("chat.update").filter((call) => call.args.ts === parentTs)).toHaveLength(1);

    // A second message, from another address (the same server over IPv6), is a second report,
    // and it says plainly that it is not the address asked about.
    const second = await sendThroughProxy(address, CASES.ipv6Pass, "mail6.example.test");
    expect(second.code, second.stdout).toBe(0);
    await until("the second report", () => replies().length >= 4, 30_000);
    const all = replies()
      .map((call) => JSON.stringify(call.args))
      .join("\n");
    expect(all).toContain(`This is not ${CASES.pass}, the address you asked about`);
    expect(all).toContain(`${CASES.ipv6Pass} passes`);
    // Documentation addresses are checked as public (src/check/ip.ts): the notice agrees.
    expect(all).not.toContain("not a public address");

    // An address the bot never made is refused at RCPT.
    const unknown = await sendThroughProxy(
      `check-${"a".repeat(26)}@${DOMAIN}`,
      CASES.pass,
      "mail.example.test",
    );
    expect(unknown.stdout).toMatch(/<\*\* 550 5\.1\.1 /);
  });

  it("Discord: /rdns mailtest, swaks, the notice and the report in the thread", async () => {
    const fake = await new FakeDiscord().start();
    stops.push(() => fake.stop());
    const config = loadConfig({
      QUEUE_PREFIX: `mt-discord-${randomUUID().slice(0, 8)}`,
      DISCORD_TOKEN: "fake-token",
      DISCORD_API_URL: fake.apiUrl,
      LOG_LEVEL: "silent",
      ...SMTP_ENV,
    });
    const settings = engineSettings(config);
    prefix = settings.prefix;
    runtime = await startRuntime({ config, logger, bot: true, worker: true, settings });
    fake.slashCommand("mailtest");
    const thread = await until("the thread", () =>
      [...fake.channels.values()].find((channel) => channel.type === 11),
    );
    const address = await until(
      "the address",
      () => ADDRESS.exec(JSON.stringify(fake.rest.requests.map((r) => r.body)))?.[0],
    );
    const sent = await sendThroughProxy(address, CASES.brokenPair, "mail.example.test");
    expect(sent.code, sent.stdout).toBe(0);
    const inThread = () =>
      fake.rest.botMessages(thread.id as string).map((message) => JSON.stringify(message));
    await until(
      "the notice and the report",
      () => inThread().some((text) => text.includes(`Report for ${CASES.brokenPair}`)),
      30_000,
    );
    expect(inThread().some((text) => text.includes(`Test mail received from ${CASES.brokenPair}`))).toBe(
      true,
    );
    expect(inThread().join("\n")).toContain("BROKEN_PAIR");
  });

  it("without a listener, /rdns mailtest says so plainly", async () => {
    const fake = await new FakeDiscord().start();
    stops.push(() => fake.stop());
    const config = loadConfig({
      QUEUE_PREFIX: `mt-off-${randomUUID().slice(0, 8)}`,
      DISCORD_TOKEN: "fake-token",
      DISCORD_API_URL: fake.apiUrl,
      LOG_LEVEL: "silent",
    });
    const settings = engineSettings(config);
    prefix = settings.prefix;
    runtime = await startRuntime({ config, logger, bot: true, worker: true, settings });
    expect(runtime.mailListener).toBeNull();
    fake.slashCommand("mailtest");
    await until("the answer", () =>
      JSON.stringify(fake.rest.requests.map((r) => r.body)).includes("runs no mail listener"),
    );
  });
});

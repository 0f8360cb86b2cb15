// Issue 28 point 1: nothing internal leaks. Names in the lab resolve to 127.0.0.1, 10.1.2.3,
// 169.254.169.254 and fd00::1 (test/lab/zones.ts PRIVATE_NAMES); checked against the real Knot
// and Unbound, the reports and every renderer (plain text, Slack blocks, Discord embeds, a watch
// notice on each, the JSON) never carry those addresses, and the setting brings them back.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { OutboundMessage } from "../../src/chat/types.js";
import { confirmFix } from "../../src/check/confirm.js";
import { runCheck } from "../../src/check/index.js";
import { pollTargetOf } from "../../src/check/poll.js";
import { resolveHostAddresses } from "../../src/check/resolve-host.js";
import type { CheckOptions, CheckReport } from "../../src/check/types.js";
import { renderMessage as renderDiscord } from "../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../src/platforms/slack/render.js";
import { renderReportText } from "../../src/render/check-text.js";
import { renderText } from "../../src/render/text.js";
import { deliveredMessage } from "../../src/render/views.js";
import { CASES, INSIDE_ADDRESSES, PRIVATE_NAMES } from "../lab/zones.js";

const run = promisify(execFile);
const lab = inject("lab");
const servers = { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 };

beforeAll(async () => {
  // `npm test` builds first; build here when the test runs alone.
  if (!existsSync("dist/src/cli/main.js")) await run("npm", ["run", "-s", "build"]);
});

/**
 * Every inside address that appears in `text`. 127.0.0.1 is also where the lab's own servers
 * listen ("127.0.0.1:5301", configured by the operator and shown as such): only a 127.0.0.1 that
 * is not a configured server's counts.
 */
function leaked(text: string): string[] {
  return INSIDE_ADDRESSES.filter((address) =>
    address === "127.0.0.1" ? /127\.0\.0\.1(?!:\d)/.test(text) : text.includes(address),
  );
}

/** What each renderer makes of the report, as the thread's report and as a watch notice. */
function everyRendering(report: CheckReport): Record<string, string> {
  const messages: OutboundMessage[] = [
    { kind: "report", report },
    { kind: "watch-change", target: report.ip, change: "broke", report, previousNames: [] },
  ];
  const out: Record<string, string> = { json: JSON.stringify(report), cliText: renderReportText(report) };
  for (const [index, message] of messages.entries()) {
    out[`text${index}`] = renderText(deliveredMessage("console", message));
    out[`slack${index}`] = JSON.stringify(renderSlackMessage(deliveredMessage("slack", message)));
    out[`discord${index}`] = JSON.stringify(renderDiscord(deliveredMessage("discord", message)));
  }
  return out;
}

function check(ip: string, options: Partial<CheckOptions> = {}): Promise<CheckReport> {
  return runCheck({ ip, helo: null, ...servers, ...options });
}

describe("addresses inside a network are named, never shown", () => {
  it("a PTR name whose A are all non-public: a broken pair, 'resolves to 3 private addresses', in every renderer", async () => {
    const report = await check(CASES.privateForward);
    expect(report.verdict).toBe("fail");
    expect(report.fcrdns).toBe("fail");
    expect(report.forward).toEqual([
      expect.objectContaining({
        name: PRIVATE_NAMES.inside,
        status: "found",
        addresses: [],
        privateAddresses: 3,
        confirms: false,
      }),
    ]);
    const pair = report.problems.find((problem) => problem.code === "BROKEN_PAIR");
    expect(pair?.message).toContain(
      `${PRIVATE_NAMES.inside} resolves to 3 private addresses, not ${CASES.privateForward}`,
    );
    for (const [where, text] of Object.entries(everyRendering(report))) {
      expect(leaked(text), where).toEqual([]);
    }
    expect(everyRendering(report).cliText).toContain(`${PRIVATE_NAMES.inside} -> 3 private addresses`);
  });

  it("SHOW_PRIVATE_ADDRESSES brings them back, marked, with the same verdict", async () => {
    const report = await check(CASES.privateForward, { showPrivateAddresses: true });
    expect(report.verdict).toBe("fail");
    expect(report.forward[0]?.addresses.sort()).toEqual(["10.1.2.3", "127.0.0.1", "169.254.169.254"]);
    expect(report.forward[0]?.privateAddresses).toBeUndefined();
    const rendered = everyRendering(report);
    for (const where of ["json", "cliText", "slack0", "discord0"]) {
      expect(leaked(rendered[where] ?? ""), where).toEqual(["127.0.0.1", "10.1.2.3", "169.254.169.254"]);
    }
    expect(rendered.cliText).toContain("10.1.2.3 (private)");
  });

  it("IPv6: a PTR name whose AAAA is unique-local (fd00::1)", async () => {
    const hidden = await check(CASES.ipv6PrivateForward);
    expect(hidden.forward[0]).toMatchObject({ addresses: [], privateAddresses: 1, confirms: false });
    expect(hidden.problems.map((problem) => problem.message).join(" ")).toContain(
      "resolves to a private address, not 2001:db8::36",
    );
    for (const [where, text] of Object.entries(everyRendering(hidden)))
      expect(leaked(text), where).toEqual([]);
    const shown = await check(CASES.ipv6PrivateForward, { showPrivateAddresses: true });
    expect(shown.forward[0]?.addresses).toEqual(["fd00::1"]);
  });

  it("a public address beside a private one: confirms, and the private one is counted", async () => {
    const report = await check(CASES.mixedForward);
    expect(report.fcrdns).toBe("pass");
    expect(report.forward[0]).toMatchObject({
      addresses: [CASES.mixedForward],
      privateAddresses: 1,
      confirms: true,
    });
    const rendered = everyRendering(report);
    for (const [where, text] of Object.entries(rendered)) expect(leaked(text), where).toEqual([]);
    expect(rendered.cliText).toContain(
      `${CASES.mixedForward}, a private address (confirms ${CASES.mixedForward})`,
    );
  });

  it("a HELO name resolving inside: HELO_IP_MISMATCH without the addresses", async () => {
    const report = await check(CASES.pass, { helo: PRIVATE_NAMES.inside });
    expect(report.helo).toMatchObject({ resolves: true, resolvesToIp: false });
    expect(report.helo?.lookup).toMatchObject({ addresses: [], privateAddresses: 3 });
    const mismatch = report.problems.find((problem) => problem.code === "HELO_IP_MISMATCH");
    expect(mismatch?.message).toContain(`HELO ${PRIVATE_NAMES.inside} resolves to 3 private addresses, not`);
    for (const [where, text] of Object.entries(everyRendering(report)))
      expect(leaked(text), where).toEqual([]);
    const shown = await check(CASES.pass, { helo: PRIVATE_NAMES.inside, showPrivateAddresses: true });
    expect(leaked(JSON.stringify(shown))).toEqual(["127.0.0.1", "10.1.2.3", "169.254.169.254"]);
  });

  it("a chain's confirmation look reports the broken pair the same way", async () => {
    const report = await check(CASES.privateForward);
    const target = pollTargetOf(report);
    expect(target?.forward).toBe(true);
    const input = {
      ip: CASES.privateForward,
      helo: null,
      target: target as NonNullable<typeof target>,
      resolvers: [lab.resolver],
      allResolvers: [lab.resolver],
      authorities: [lab.authority],
      timeoutMs: 1000,
    };
    const confirmed = await confirmFix(input);
    expect(confirmed.report.forward[0]).toMatchObject({ addresses: [], privateAddresses: 3 });
    expect(leaked(JSON.stringify(confirmed.report))).toEqual([]);
    const shown = await confirmFix({ ...input, showPrivateAddresses: true });
    expect(leaked(JSON.stringify(shown.report))).toHaveLength(3);
  });

  it("a typed host name: only non-public addresses is its own status, counted; mixed keeps the public ones", async () => {
    const inside = await resolveHostAddresses(PRIVATE_NAMES.inside, servers);
    expect(inside).toEqual({
      status: "private",
      name: PRIVATE_NAMES.inside,
      privateAddresses: 4,
      failed: [],
    });
    const mixed = await resolveHostAddresses(PRIVATE_NAMES.mixed, servers);
    expect(mixed).toMatchObject({ status: "found", addresses: [CASES.mixedForward], privateAddresses: 1 });
    const shown = await resolveHostAddresses(PRIVATE_NAMES.inside, {
      ...servers,
      showPrivateAddresses: true,
    });
    expect(shown).toMatchObject({ status: "found", privateAddresses: 0 });
    expect(shown.status === "found" ? [...shown.addresses].sort() : []).toEqual(
      ["10.1.2.3", "127.0.0.1", "169.254.169.254", "fd00::1"].sort(),
    );
  });
});

async function rdns(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("node", ["bin/rdns.js", ...args], {
      env: { ...process.env, RESOLVERS: "", AUTHORITIES: "", SHOW_PRIVATE_ADDRESSES: "", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const flags = ["--resolver", lab.resolver, "--authority", lab.authority];

describe("rdns check (built CLI): inside addresses", () => {
  it("refuses a host name with only non-public addresses in one line that names none of them (exit 1)", async () => {
    for (const json of [[], ["--json"]]) {
      const { code, stdout, stderr } = await rdns(["check", PRIVATE_NAMES.inside, ...flags, ...json]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toContain(`${PRIVATE_NAMES.inside} resolves only to 4 non-public addresses`);
      expect(leaked(stderr)).toEqual([]);
    }
  });

  it("checks a mixed name's public address only, and says how many others it left out", async () => {
    const text = await rdns(["check", PRIVATE_NAMES.mixed, ...flags]);
    expect(text.stdout).toContain(`${PRIVATE_NAMES.mixed} has 1 public address (${CASES.mixedForward})`);
    expect(text.stdout).toContain("also has a non-public address, not checked and not shown");
    expect(leaked(text.stdout + text.stderr)).toEqual([]);
    const json = await rdns(["check", PRIVATE_NAMES.mixed, ...flags, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ip: CASES.mixedForward,
      forward: [{ privateAddresses: 1 }],
    });
    expect(json.stderr).toContain("also has a non-public address");
    expect(leaked(json.stdout + json.stderr)).toEqual([]);
  });

  it("text and JSON of a PTR name resolving inside; --show-private-addresses and SHOW_PRIVATE_ADDRESSES=1 show them", async () => {
    for (const json of [[], ["--json"]]) {
      const hidden = await rdns(["check", CASES.privateForward, ...flags, ...json]);
      expect(hidden.code).toBe(1);
      expect(hidden.stdout).toContain("3 private addresses");
      expect(leaked(hidden.stdout + hidden.stderr)).toEqual([]);
    }
    const flag = await rdns(["check", CASES.privateForward, ...flags, "--show-private-addresses"]);
    expect(leaked(flag.stdout)).toEqual(["127.0.0.1", "10.1.2.3", "169.254.169.254"]);
    const env = await rdns(["check", CASES.privateForward, ...flags, "--json"], {
      SHOW_PRIVATE_ADDRESSES: "1",
    });
    expect(leaked(env.stdout)).toEqual(["127.0.0.1", "10.1.2.3", "169.254.169.254"]);
    // The operator's own flag also lists (and checks) a name's non-public addresses.
    const named = await rdns(["check", PRIVATE_NAMES.inside, ...flags, "--show-private-addresses"]);
    expect(named.stdout).toContain("10.1.2.3");
    expect(named.stdout).toContain("NOT_PUBLIC");
  });

  it("rdns sweep: ndjson without them, --show-private-addresses with them (one thread and two)", async () => {
    const range = ["203.0.113.36", "203.0.113.37"];
    for (const threads of ["1", "2"]) {
      const args = ["sweep", ...range, ...flags, "--format", "ndjson", "--threads", threads];
      const hidden = await rdns(args);
      expect(hidden.stdout.trim().split("\n")).toHaveLength(2);
      expect(leaked(hidden.stdout), threads).toEqual([]);
      const shown = await rdns([...args, "--show-private-addresses"]);
      expect(leaked(shown.stdout), threads).toEqual(["127.0.0.1", "10.1.2.3", "169.254.169.254"]);
    }
  });

  it("a HELO resolving inside, as the CLI prints it", async () => {
    const { stdout } = await rdns(["check", CASES.pass, "--helo", PRIVATE_NAMES.inside, ...flags]);
    expect(stdout).toContain("HELO_IP_MISMATCH");
    expect(leaked(stdout)).toEqual([]);
  });
});

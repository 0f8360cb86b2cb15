// Every OutboundMessage kind renders within Discord's limits, with the verdict's colour.
import { describe, expect, it } from "vitest";
import { loadCommands } from "../../../src/app/load-commands.js";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { parseAddress } from "../../../src/platforms/discord/addresses.js";
import { buildRdnsCommand } from "../../../src/platforms/discord/commands.js";
import { BOT_PERMISSIONS, inviteUrl } from "../../../src/platforms/discord/register.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { makeReport } from "../../fixtures/check-report.js";
import { assertWithinLimits } from "./within-limits.js";

const report = makeReport();
const every: OutboundMessage[] = [
  { kind: "notice", text: "hello" },
  { kind: "checking", ip: "203.0.113.5", helo: "mail.example.test" },
  { kind: "verdict", report },
  { kind: "report", report },
  {
    kind: "bounce",
    findings: [
      {
        file: null,
        ip: "203.0.113.5",
        helo: null,
        receiver: "gmail",
        smtpCode: 550,
        enhancedCode: "5.7.25",
        category: "rdns",
        rdnsRelated: true,
        diagnostic: "550-5.7.25 [203.0.113.5] no PTR",
        recipient: "bob@example.com",
      },
    ],
    truncated: false,
  },
  { kind: "cleared", report: makeReport({ verdict: "pass" }), elapsedSeconds: 320, rechecks: 2 },
  { kind: "still-failing", report, elapsedSeconds: 86_400, rechecks: 9 },
  { kind: "could-not-tell", ip: "198.51.100.7", detail: "127.0.0.1:5301: SERVFAIL", attempts: 4 },
  {
    kind: "watch-change",
    target: "203.0.113.0/28",
    change: "drifted",
    report,
    previousNames: ["old.example.test"],
  },
  { kind: "watches", channel: "1", targets: ["203.0.113.0/28", "198.51.100.7"] },
  { kind: "usage-error", problem: '"x" is not an IP address', example: "/rdns 203.0.113.5 mail.example.com" },
];

describe("renderMessage", () => {
  it.each(every.map((m) => [m.kind, m] as const))("renders %s within the limits", (_kind, message) => {
    const payloads = renderMessage(message);
    expect(payloads.length).toBeGreaterThan(0);
    assertWithinLimits(payloads);
    for (const p of payloads) expect((p.content ?? "").length + p.embeds.length).toBeGreaterThan(0);
  });

  it("says when re-checks gave up, and names resolvers left out of a 'cleared'", () => {
    const all = (message: OutboundMessage) => JSON.stringify(renderMessage(message));
    const base = { report, elapsedSeconds: 172_800, rechecks: 12 };
    expect(all({ kind: "still-failing", ...base, final: true })).toContain("Gave up");
    expect(all({ kind: "still-failing", ...base, final: true })).toContain("no more re-checks");
    expect(all({ kind: "still-failing", ...base })).toContain("re-checks go on");
    const cleared = all({
      kind: "cleared",
      report: makeReport({ verdict: "pass" }),
      elapsedSeconds: 60,
      rechecks: 1,
      silentResolvers: ["127.0.0.1:5399"],
    });
    expect(cleared).toContain("127.0.0.1:5399");
    expect(cleared).toContain("did not answer");
  });

  it("colours the verdict: red fail, green pass, amber inconclusive", () => {
    const colour = (verdict: "pass" | "fail" | "inconclusive") =>
      renderMessage({ kind: "verdict", report: makeReport({ verdict }) })[0]?.embeds[0]?.color;
    expect([colour("fail"), colour("pass"), colour("inconclusive")]).toEqual([0xe74c3c, 0x2ecc71, 0xf1c40f]);
  });

  it("has fields for PTR, FCrDNS, HELO, caches with time left, the receivers and the fix", () => {
    const embed = renderMessage({ kind: "verdict", report })[0]?.embeds[0];
    expect(embed?.fields?.map((f) => f.name)).toEqual([
      "PTR",
      "FCrDNS",
      "HELO",
      "Owner",
      "Blocklists",
      "Caches (time left)",
      "Gmail",
      "Microsoft 365",
      "Yahoo",
      "Fix",
    ]);
    expect(embed?.fields?.find((f) => f.name === "Caches (time left)")?.value).toContain(
      "cached for 4 s more",
    );
  });

  it("splits a huge report into several messages, each within the limits, without cutting a line", () => {
    const resolvers = Array.from({ length: 300 }, (_, i) => ({
      ...(report.resolvers[0] as (typeof report.resolvers)[number]),
      server: `10.0.${Math.floor(i / 250)}.${i % 250}:53`,
    }));
    const payloads = renderMessage({ kind: "report", report: makeReport({ resolvers }) });
    expect(payloads.length).toBeGreaterThan(1);
    assertWithinLimits(payloads);
    const lines = payloads.flatMap((p) =>
      p.embeds.flatMap((e) => (e.fields ?? []).flatMap((f) => f.value.split("\n"))),
    );
    for (const r of resolvers) expect(lines).toContain(`${r.server}: nxdomain, cached for 4 s more`);
  });

  it("keeps the verdict in one message whatever the report holds", () => {
    const names = Array.from({ length: 200 }, (_, i) => `host-${i}.${"a".repeat(60)}.example`);
    const payloads = renderMessage({
      kind: "verdict",
      report: makeReport({ ptr: { status: "found", names }, summary: "s".repeat(5000) }),
    });
    expect(payloads).toHaveLength(1);
    assertWithinLimits(payloads);
  });
});

describe("addresses, the command definition and the invite", () => {
  it("parses the addresses it makes and refuses others", () => {
    expect(parseAddress("discord:1200000000000000003")).toEqual({
      kind: "channel",
      channelId: "1200000000000000003",
    });
    expect(parseAddress("discord:1200000000000000003:1300000000000000001")).toEqual({
      kind: "message",
      channelId: "1200000000000000003",
      messageId: "1300000000000000001",
    });
    expect(parseAddress("1200000000000000003").kind).toBe("channel");
    expect(() => parseAddress("slack:C1:1.2")).toThrow(/not a Discord address/);
  });

  it("defines /rdns with one subcommand per command and the declared length limits", async () => {
    const json = buildRdnsCommand(await loadCommands()).toJSON();
    expect(json.name).toBe("rdns");
    const subs = json.options as {
      name: string;
      options?: { name: string; required?: boolean; min_length?: number; max_length?: number }[];
    }[];
    expect(subs.map((s) => s.name)).toEqual([
      "check",
      "mailtest",
      "mute",
      "probe",
      "recheck",
      "status",
      "stop",
      "unwatch",
      "watch",
      "watches",
      "help",
    ]);
    expect(subs[0]?.options).toMatchObject([
      // The ip option takes a host name too (`ip:mail.example.com`), so a name's length.
      { name: "ip", required: true, min_length: 2, max_length: 253 },
      { name: "helo", required: false, max_length: 253 },
    ]);
    expect(subs.find((s) => s.name === "watch")?.options).toMatchObject([
      { name: "range", required: true, max_length: 52 },
      { name: "helo", required: false, max_length: 253 },
      { name: "every", required: false, max_length: 16 },
      { name: "probe", required: false, min_length: 5, max_length: 5 },
    ]);
    expect(subs.find((s) => s.name === "probe")?.options).toMatchObject([
      { name: "ip", required: true, max_length: 52 },
      { name: "helo", required: false, max_length: 253 },
    ]);
    expect(json.contexts).toEqual([0, 1]);
    expect(json.integration_types).toEqual([0, 1]);
  });

  it("asks for exactly the permissions the README lists", () => {
    expect(BOT_PERMISSIONS.bitfield).toBe(309237730304n);
    expect(inviteUrl("123")).toBe(
      "https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands&permissions=309237730304&integration_type=0",
    );
  });
});

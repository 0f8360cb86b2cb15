// What a delivery job carries of a report (src/render/views.ts): the fields its message renders
// and nothing the renderers need is lost; a view of a view is the same view; an old job's whole
// report is projected to the same view.
import { describe, expect, it } from "vitest";
import type { OutboundMessage, PlatformName } from "../../../src/chat/types.js";
import type { CheckReport } from "../../../src/check/types.js";
import { renderMessage as renderDiscord } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { resultDeliveries, threadReply } from "../../../src/queue/deliveries.js";
import { renderText } from "../../../src/render/text.js";
import { deliveredMessage, reportView, verdictView } from "../../../src/render/views.js";
import { makeReport } from "../../fixtures/check-report.js";

/** A passing report with every optional part filled: forward lookups, authority answers, a HELO lookup. */
function fullReport(): CheckReport {
  const lookup = {
    name: "mail.example.test",
    status: "found" as const,
    addresses: ["203.0.113.5"],
    cnames: ["alias.example.test"],
    server: "127.0.0.1:5301",
    ttl: 300,
    confirms: true,
  };
  const answer = {
    server: "127.0.0.1:5300",
    status: "found" as const,
    names: ["mail.example.test"],
    cnames: ["5.sub.113.0.203.in-addr.arpa"],
    ttl: 3600,
    negativeTtlRemaining: null,
    rttMs: 3,
    error: null,
  };
  return makeReport({
    verdict: "pass",
    summary: "PASS: PTR mail.example.test, and its A points back.",
    ptr: { status: "found", names: ["mail.example.test"] },
    fcrdns: "pass",
    forward: [lookup],
    helo: {
      name: "mail.example.test",
      fqdn: true,
      addressLiteral: false,
      resolves: true,
      resolvesToIp: true,
      matchesPtr: true,
      lookup,
    },
    resolvers: [{ ...answer, server: "127.0.0.1:5301", ttl: 3500, rttMs: 1 }],
    authority: {
      servers: ["127.0.0.1:5300"],
      zone: "113.0.203.in-addr.arpa",
      status: "found",
      names: ["mail.example.test"],
      cnames: ["5.sub.113.0.203.in-addr.arpa"],
      answers: [answer],
      soa: { ttl: 5, minimum: 5 },
    },
    negativeCache: null,
    provider: "hetzner",
    problems: [],
    fixSteps: [],
  });
}

const REPORTS: [string, CheckReport][] = [
  ["a failing report", makeReport()],
  ["a passing report with every part", fullReport()],
  ["a report without HELO or authority", makeReport({ helo: null, authority: null })],
];

function messages(report: CheckReport): OutboundMessage[] {
  return [
    { kind: "verdict", report, chainId: "chain-1" },
    { kind: "verdict", report, reusedSeconds: 7 },
    { kind: "report", report, chainId: null },
    { kind: "cleared", report, elapsedSeconds: 300, rechecks: 2, silentResolvers: ["127.0.0.1:5302"] },
    { kind: "still-failing", report, elapsedSeconds: 90_000, rechecks: 9, chainId: "chain-1" },
    { kind: "still-failing", report, elapsedSeconds: 90_000, rechecks: 9, final: true },
    {
      kind: "watch-change",
      target: "203.0.113.0/24",
      change: "drifted",
      report,
      previousNames: ["old.example.test"],
    },
    { kind: "watch-change", target: "203.0.113.5", change: "helo-broke", report, previousNames: [] },
  ];
}

/** As the job goes through Redis: JSON, then the delivery worker's projection again. */
const throughRedis = (platform: PlatformName, message: OutboundMessage): OutboundMessage =>
  deliveredMessage(platform, JSON.parse(JSON.stringify(deliveredMessage(platform, message))));

const RENDERERS: [PlatformName, (message: OutboundMessage) => unknown][] = [
  ["console", renderText],
  ["slack", renderSlackMessage],
  ["discord", renderDiscord],
];

describe("delivery views", () => {
  for (const [name, report] of REPORTS) {
    for (const [platform, render] of RENDERERS) {
      it(`render ${name} on ${platform} as the whole report does, for every kind`, () => {
        for (const message of messages(report)) {
          expect(render(throughRedis(platform, message)), message.kind).toEqual(render(message));
        }
      });
    }
  }

  it("leave out only what no renderer reads", () => {
    const report = fullReport();
    const view = reportView(report);
    const { rttMs: _a, ...authorityAnswer } = report.authority?.answers[0] ?? { rttMs: null };
    const { rttMs: _r, ...resolverAnswer } = report.resolvers[0] ?? { rttMs: null };
    const { cnames: _c, ...forward } = report.forward[0] ?? { cnames: [] };
    const { lookup: _l, ...helo } = report.helo ?? { lookup: null };
    const { soa: _s, ...authority } = report.authority ?? { soa: null };
    expect(view).toEqual({
      ...report,
      resolvers: [resolverAnswer],
      authority: { ...authority, answers: [authorityAnswer] },
      forward: [forward],
      helo,
    });
    expect(JSON.stringify(view)).not.toMatch(/rttMs|"soa"|"lookup"/);
  });

  it("carry only the line's facts on a verdict for Slack and the console, the report's on Discord", () => {
    const report = fullReport();
    const verdict: OutboundMessage = { kind: "verdict", report, chainId: "chain-1" };
    for (const platform of ["slack", "console"] as const) {
      expect(deliveredMessage(platform, verdict)).toEqual({
        kind: "verdict",
        chainId: "chain-1",
        report: {
          ip: report.ip,
          verdict: "pass",
          summary: report.summary,
          helo: { name: "mail.example.test" },
        },
      });
    }
    expect(deliveredMessage("discord", verdict)).toEqual({ ...verdict, report: reportView(report) });
  });

  it("are the same view when applied again (a job made by this version, posted by it)", () => {
    for (const [, report] of REPORTS) {
      expect(reportView(reportView(report))).toEqual(reportView(report));
      expect(verdictView(verdictView(report))).toEqual(verdictView(report));
      for (const platform of ["console", "slack", "discord"] as const) {
        for (const message of messages(report)) {
          const once = deliveredMessage(platform, message);
          expect(deliveredMessage(platform, once)).toEqual(once);
        }
      }
    }
  });

  it("are what the delivery jobs are made with", () => {
    const report = fullReport();
    const origin = {
      platform: "slack" as const,
      channel: "C1",
      thread: "slack:C1:1.0",
      parent: "slack:C1:1.0",
    };
    const [parent, thread] = resultDeliveries("check-1", report, origin, "chain-1");
    expect(parent?.message).toEqual({ kind: "verdict", report: verdictView(report), chainId: "chain-1" });
    expect(thread?.message).toEqual({ kind: "report", report: reportView(report), chainId: "chain-1" });
    const watch: OutboundMessage = {
      kind: "watch-change",
      target: "203.0.113.5",
      change: "broke",
      report,
      previousNames: [],
    };
    expect(threadReply("check-1", { ...origin, platform: "discord" }, watch, "watch").message).toEqual({
      ...watch,
      report: reportView(report),
    });
  });

  it("pass messages without a report unchanged", () => {
    const notice: OutboundMessage = { kind: "notice", text: "Fixed at the authority." };
    expect(deliveredMessage("slack", notice)).toBe(notice);
  });
});

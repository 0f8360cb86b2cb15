// The fix seen at the authority (issue 10 item 2), planned without asking any resolver: each
// resolver's let-go predicted from its last observation, who is asked once and when, what the
// notice says; and, when a resolver still held the old answer at that one look, one more look
// at that resolver alone (not a full check), bounded by maxQuickRechecks.
import { describe, expect, it } from "vitest";
import type { PollResult, PollTarget } from "../../../src/check/poll.js";
import { loadConfig } from "../../../src/config.js";
import { type CheckJob, newCheckJob, type ResolverSeen } from "../../../src/queue/jobs.js";
import { settingsFromConfig } from "../../../src/settings.js";
import { planCheckResult } from "../../../workers/check-plan.js";
import { fixSeenNoticeText, outlookOf, planFixSeen, resolversSeen } from "../../../workers/poll-fix-plan.js";
import { planFollowUp } from "../../../workers/recheck.js";
import { makeReport } from "../../fixtures/check-report.js";

const settings = settingsFromConfig(loadConfig({}));
const IP = "203.0.113.5";
const SEEN_AT = "2026-11-27T12:00:00.000Z";
const R1 = "127.0.0.1:5301";
const R2 = "127.0.0.1:5302";
const target: PollTarget = {
  ip: IP,
  family: 4,
  name: "5.113.0.203.in-addr.arpa",
  servers: ["127.0.0.1:5300"],
  forward: false,
};
const fixed: PollResult = {
  status: "found",
  names: ["mail.example.test"],
  server: "127.0.0.1:5300",
  forward: null,
  moved: false,
  questions: 1,
};
const seen = (overrides: Partial<ResolverSeen>): ResolverSeen => ({
  server: R1,
  status: "nxdomain",
  names: [],
  ttl: null,
  negativeTtlRemaining: 30,
  at: SEEN_AT,
  ...overrides,
});
const at = (iso: string) => Date.parse(iso);

describe("the fix seen at the authority", () => {
  it("keeps what each resolver served at the full check, and when", () => {
    const report = makeReport({ checkedAt: SEEN_AT });
    expect(resolversSeen(report)).toEqual([
      // At the end of the check (42 ms): no earlier than the answer.
      {
        server: R1,
        status: "nxdomain",
        names: [],
        ttl: null,
        negativeTtlRemaining: 4,
        at: "2026-11-27T12:00:00.042Z",
      },
    ]);
  });

  it("a cached NXDOMAIN seen at T with R s left lets go by T + R + 1 s (RFC 2308 5; whole-second TTLs)", () => {
    expect(outlookOf(seen({}), target, fixed.names, at("2026-11-27T12:00:10Z"))).toEqual({
      server: R1,
      kind: "lets-go",
      holds: "no PTR",
      seenAt: new Date(SEEN_AT),
      at: new Date("2026-11-27T12:00:31Z"),
    });
  });

  it("an old PTR seen at T with TTL R lets go by T + R + 1 s (RFC 1035 7.3)", () => {
    const old = seen({ status: "found", names: ["old.example.test"], ttl: 60, negativeTtlRemaining: null });
    expect(outlookOf(old, target, fixed.names, at("2026-11-27T12:00:10Z"))).toMatchObject({
      kind: "lets-go",
      holds: "old.example.test",
      at: new Date("2026-11-27T12:01:01Z"),
    });
  });

  it("a prediction already past, a resolver that served the fix, and a broken pair's untimed answer", () => {
    const nowMs = at("2026-11-27T12:05:00Z");
    expect(outlookOf(seen({}), target, fixed.names, nowMs)).toMatchObject({
      kind: "expired",
      at: new Date("2026-11-27T12:00:31Z"),
    });
    const serving = seen({
      status: "found",
      names: ["mail.example.test"],
      ttl: 60,
      negativeTtlRemaining: null,
    });
    expect(outlookOf(serving, target, fixed.names, nowMs)).toEqual({ server: R1, kind: "serving" });
    expect(
      outlookOf(seen({ status: "timeout", negativeTtlRemaining: null }), target, fixed.names, nowMs),
    ).toEqual({ server: R1, kind: "unknown" });
    expect(outlookOf(seen({}), { ...target, forward: true }, fixed.names, nowMs)).toEqual({
      server: R1,
      kind: "unknown",
    });
  });

  it("asks every resolver not already serving it once, at the last let-go still ahead plus the margin", () => {
    const nowMs = at("2026-11-27T12:00:10Z");
    const plan = planFixSeen(
      target,
      fixed,
      [seen({}), seen({ server: R2, negativeTtlRemaining: 5 })],
      [R1, R2, "127.0.0.1:5303"],
      nowMs,
      500,
    );
    expect(plan.outlook.map((item) => item.kind)).toEqual(["lets-go", "expired", "unknown"]);
    expect(plan.confirm).toEqual([R1, R2, "127.0.0.1:5303"]);
    expect(plan.confirmAt).toEqual(new Date(at("2026-11-27T12:00:31Z") + 500));
    // Nothing ahead: confirm at once (plus the margin).
    const late = planFixSeen(target, fixed, [seen({})], [R1], at("2026-11-27T12:05:00Z"), 500);
    expect(late.confirmAt).toEqual(new Date(at("2026-11-27T12:05:00Z") + 500));
  });

  it("the notice says what the authority serves and, honestly, what is known of each resolver", () => {
    const nowMs = at("2026-11-27T12:00:10Z");
    const plan = planFixSeen(
      target,
      fixed,
      [seen({}), seen({ server: R2, negativeTtlRemaining: 5 })],
      [R1, R2],
      nowMs,
      500,
    );
    expect(fixSeenNoticeText("5.113.0.203.in-addr.arpa", target, fixed, plan, new Date(nowMs))).toBe(
      [
        "Fixed at the authority: 5.113.0.203.in-addr.arpa now has PTR mail.example.test (seen 12:00:10 UTC).",
        "127.0.0.1:5301 still holds no PTR (seen 12:00:00 UTC); it lets go at 12:00:31 UTC (in 21 s).",
        "127.0.0.1:5302 held no PTR until 12:00:06 UTC at my last look: it should already serve it; confirming at 12:00:31 UTC.",
        "I will ask each of them once at 12:00:31 UTC and say cleared once every resolver that answers serves it.",
      ].join("\n"),
    );
  });
});

describe("after the one look", () => {
  const chainJob = (overrides: Partial<CheckJob> = {}): CheckJob => ({
    ...newCheckJob({
      ip: IP,
      helo: null,
      origins: [],
      originsKey: null,
      reason: "command",
      chainId: "chk-1",
    }),
    reason: "recheck",
    recheck: 3,
    firstFailureAt: "2026-11-27T11:00:00.000Z",
    fixSeenAt: "2026-11-27T12:00:00.000Z",
    questions: 40,
    ...overrides,
  });
  const authority = {
    servers: ["127.0.0.1:5300"],
    zone: "113.0.203.in-addr.arpa",
    status: "found" as const,
    names: ["mail.example.test"],
    cnames: [],
    answers: [],
    soa: { ttl: 5, minimum: 5 },
  };
  const stillCached = makeReport({
    checkedAt: "2026-11-27T12:00:30.000Z",
    authority,
    problems: [{ code: "CACHED_NEGATIVE", severity: "error", message: "cached", fix: "" }],
    negativeCache: { ttl: 5, clearsBy: "2026-11-27T12:00:34.000Z" },
  });
  const now = new Date("2026-11-27T12:00:30.000Z");

  it("a resolver still holding the old answer gets one more look of its own at its new TTL, not a full check", () => {
    const followUp = planFollowUp(chainJob(), stillCached, now, settings);
    expect(followUp.next).toEqual({
      delayMs: 4000 + settings.recheckMarginMs,
      quick: true,
      poll: { slot: -1 },
      confirm: true,
    });
    const plan = planCheckResult({
      job: chainJob(),
      jobId: "rc-chk-1-3",
      attempt: 1,
      report: stillCached,
      origins: [],
      now,
      settings,
    });
    expect(plan.next?.job.reason).toBe("poll");
    expect(plan.next?.job.poll?.confirm).toEqual({ resolvers: [R1], fixSeenAt: "2026-11-27T12:00:00.000Z" });
    expect(plan.next?.jobId).toMatch(/^poll-.*-fix$/);
  });

  it("never loops fast forever: past maxQuickRechecks it falls back to the back-off", () => {
    const followUp = planFollowUp(
      chainJob({ quickRechecks: settings.maxQuickRechecks }),
      stillCached,
      now,
      settings,
    );
    expect(followUp.next?.confirm).toBeUndefined();
    expect(followUp.next?.quick).toBe(false);
  });

  it("cleared says the time since the fix was seen and the questions the chain asked", () => {
    const passing = makeReport({
      verdict: "pass",
      ptr: { status: "found", names: ["mail.example.test"] },
      fcrdns: "pass",
      problems: [],
      negativeCache: null,
      authority,
      resolvers: [
        {
          server: R1,
          status: "found",
          names: ["mail.example.test"],
          cnames: [],
          ttl: 5,
          negativeTtlRemaining: null,
          rttMs: 1,
          error: null,
        },
      ],
    });
    const plan = planCheckResult({
      job: chainJob(),
      jobId: "rc-chk-1-3",
      attempt: 1,
      report: passing,
      origins: [{ platform: "console", channel: "main", thread: "console:main:1", parent: null }],
      now,
      settings,
    });
    const cleared = plan.deliveries.find((delivery) => delivery.message.kind === "cleared")?.message;
    expect(cleared).toMatchObject({
      kind: "cleared",
      elapsedSeconds: 3630,
      sinceFixSeconds: 30,
      questions: 40,
    });
  });
});

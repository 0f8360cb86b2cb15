// A broken pair's fix seen at the authority, timed like a PTR's: the resolver's wrong answer was
// the PTR name's A/AAAA, and the TTL it came with (ForwardLookup.ttl, the time left in its cache,
// RFC 1035 7.3; a cached "no address" by its SOA TTL, RFC 2308 5) predicts its let-go. The one
// look at the resolvers comes then (plus a second for whole-second TTLs, plus the margin), and a
// resolver still holding the old A at that look gets one more at its new TTL, not one per poll.
import { describe, expect, it } from "vitest";
import { lastToLetGo } from "../../../src/check/confirm.js";
import type { PollResult, PollTarget } from "../../../src/check/poll.js";
import type { CheckReport, ForwardLookup } from "../../../src/check/types.js";
import { loadConfig } from "../../../src/config.js";
import { type CheckJob, newCheckJob, type ResolverSeen } from "../../../src/queue/jobs.js";
import { settingsFromConfig } from "../../../src/settings.js";
import { planCheckResult } from "../../../workers/check-plan.js";
import { fixSeenNoticeText, outlookOf, planFixSeen, resolversSeen } from "../../../workers/poll-fix-plan.js";
import { planFollowUp } from "../../../workers/recheck.js";
import { makeReport } from "../../fixtures/check-report.js";

const settings = settingsFromConfig(loadConfig({}));
const IP = "203.0.113.13";
const NAME = "broken.example.test";
const R1 = "127.0.0.1:5301";
const R2 = "127.0.0.1:5302";
const SEEN_AT = "2026-11-27T12:00:00.000Z";
const at = (iso: string) => Date.parse(iso);

const target: PollTarget = {
  ip: IP,
  family: 4,
  name: "13.113.0.203.in-addr.arpa",
  servers: ["127.0.0.1:5300"],
  forward: true,
};
const fixed: PollResult = {
  status: "found",
  names: [NAME],
  server: "127.0.0.1:5300",
  forward: { name: NAME, status: "found", addresses: [IP], confirms: true },
  moved: false,
  questions: 2,
};

function lookup(overrides: Partial<ForwardLookup> = {}): ForwardLookup {
  return {
    name: NAME,
    status: "found",
    addresses: ["203.0.113.99"],
    cnames: [],
    server: R1,
    ttl: 60,
    confirms: false,
    ...overrides,
  };
}

const seen = (forward: ResolverSeen["forward"], overrides: Partial<ResolverSeen> = {}): ResolverSeen => ({
  server: R1,
  status: "found",
  names: [NAME],
  ttl: 300,
  negativeTtlRemaining: null,
  ...(forward === undefined ? {} : { forward }),
  at: SEEN_AT,
  ...overrides,
});

/** A broken pair's report: the authority has the PTR, the resolver's A/AAAA does not point back. */
function brokenPair(overrides: Partial<CheckReport> = {}): CheckReport {
  return makeReport({
    ip: IP,
    reverseName: "13.113.0.203.in-addr.arpa",
    ptr: { status: "found", names: [NAME] },
    forward: [lookup()],
    helo: null,
    resolvers: [],
    authority: {
      servers: ["127.0.0.1:5300"],
      zone: "113.0.203.in-addr.arpa",
      status: "found",
      names: [NAME],
      cnames: [],
      answers: [],
      soa: null,
    },
    negativeCache: null,
    problems: [{ code: "BROKEN_PAIR", severity: "error", message: "broken", fix: "" }],
    checkedAt: SEEN_AT,
    ...overrides,
  });
}

describe("a broken pair's fix seen at the authority", () => {
  it("keeps each resolver's A/AAAA answers, with their TTL, from the chain's last full check", () => {
    const report = brokenPair({
      resolvers: [R1, R2].map((server) => ({
        server,
        status: "found" as const,
        names: [NAME],
        cnames: [],
        ttl: 300,
        negativeTtlRemaining: null,
        rttMs: 1,
        error: null,
      })),
    });
    const kept = resolversSeen(report);
    expect(kept[0]?.forward).toEqual([
      { name: NAME, status: "found", addresses: ["203.0.113.99"], ttl: 60, confirms: false },
    ]);
    // The full check keeps one resolver's answer per name: the other's is not invented.
    expect(kept[1]).not.toHaveProperty("forward");
  });

  it("an old A seen at T with TTL R lets go by T + R + 1 s; a cached 'no A' by its SOA TTL", () => {
    const nowMs = at("2026-11-27T12:00:10Z");
    expect(outlookOf(seen([lookup()]), target, fixed.names, nowMs)).toEqual({
      server: R1,
      kind: "lets-go",
      holds: `${NAME} A 203.0.113.99`,
      seenAt: new Date(SEEN_AT),
      at: new Date("2026-11-27T12:01:01Z"),
    });
    const negative = lookup({ status: "nxdomain", addresses: [], ttl: 30 });
    expect(outlookOf(seen([negative]), target, fixed.names, nowMs)).toMatchObject({
      kind: "lets-go",
      holds: `no A for ${NAME}`,
      at: new Date("2026-11-27T12:00:31Z"),
    });
    expect(outlookOf(seen([lookup({ ttl: 5 })]), target, fixed.names, nowMs)).toMatchObject({
      kind: "expired",
      at: new Date("2026-11-27T12:00:06Z"),
    });
  });

  it("untimed or beside the point: unknown; already pointing back: serving", () => {
    const nowMs = at("2026-11-27T12:00:10Z");
    const kind = (forward: ResolverSeen["forward"]) =>
      outlookOf(seen(forward), target, fixed.names, nowMs).kind;
    expect(kind(undefined)).toBe("unknown");
    expect(kind([lookup({ ttl: null })])).toBe("unknown");
    expect(kind([lookup({ status: "timeout", addresses: [], ttl: null })])).toBe("unknown");
    // An answer for a name the authority no longer serves says nothing of the fixed one.
    expect(kind([lookup({ name: "old.example.test" })])).toBe("unknown");
    expect(kind([lookup({ addresses: [IP], confirms: true })])).toBe("serving");
  });

  it("asks each resolver not serving it once, at the timed let-go plus the margin; the notice says when", () => {
    const nowMs = at("2026-11-27T12:00:10Z");
    const plan = planFixSeen(
      target,
      fixed,
      [seen([lookup()]), seen(undefined, { server: R2 })],
      [R1, R2],
      nowMs,
      500,
    );
    expect(plan.outlook.map((item) => item.kind)).toEqual(["lets-go", "unknown"]);
    expect(plan.confirm).toEqual([R1, R2]);
    expect(plan.confirmAt).toEqual(new Date(at("2026-11-27T12:01:01Z") + 500));
    expect(fixSeenNoticeText(target.name, target, fixed, plan, new Date(nowMs))).toBe(
      [
        `Fixed at the authority: 13.113.0.203.in-addr.arpa now has PTR ${NAME} and ${NAME} resolves back to ${IP} at its zone's servers (seen 12:00:10 UTC).`,
        `${R1} still holds ${NAME} A 203.0.113.99 (seen 12:00:00 UTC); it lets go at 12:01:01 UTC (in 51 s).`,
        `${R2}: I have no timed answer from it; confirming at 12:01:01 UTC.`,
        "I will ask each of them once at 12:01:01 UTC and say cleared once every resolver that answers serves it.",
      ].join("\n"),
    );
  });
});

describe("after the one look at a broken pair's resolvers", () => {
  const now = new Date("2026-11-27T12:01:02.000Z");
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
    fixSeenAt: "2026-11-27T12:00:10.000Z",
    ...overrides,
  });
  // The confirmation's report: the resolver still held the old A (re-filled after the chain's
  // last look), 20 s left.
  const stillHeld = brokenPair({ checkedAt: now.toISOString(), forward: [lookup({ ttl: 20 })] });

  it("a resolver still holding the old A gets one more look at its new TTL (+1 s, + margin), not a poll", () => {
    expect(planFollowUp(chainJob(), stillHeld, now, settings).next).toEqual({
      delayMs: 21_000 + settings.recheckMarginMs,
      quick: true,
      poll: { slot: -1 },
      confirm: true,
    });
    const plan = planCheckResult({
      job: chainJob(),
      jobId: "rc-chk-1-3",
      attempt: 1,
      report: stillHeld,
      origins: [],
      now,
      settings,
    });
    expect(plan.next?.jobId).toMatch(/^poll-.*-fix$/);
    expect(plan.next?.delayMs).toBe(21_000 + settings.recheckMarginMs);
    // No resolver PTR answers in the report: an empty list means every resolver (workers/poll.ts).
    expect(plan.next?.job.poll).toMatchObject({
      target: { ip: IP, forward: true },
      confirm: { resolvers: [], fixSeenAt: "2026-11-27T12:00:10.000Z" },
    });
  });

  it("times the look by the answer held longest", () => {
    const two = brokenPair({
      forward: [lookup({ ttl: 20 }), lookup({ name: "b.example.test", server: R2, ttl: 45 })],
    });
    expect(planFollowUp(chainJob(), two, now, settings).next?.delayMs).toBe(
      46_000 + settings.recheckMarginMs,
    );
  });

  it("polls the authority instead before the fix was seen, when untimed, and past maxQuickRechecks", () => {
    const polls = (job: CheckJob, report: CheckReport) => {
      const next = planFollowUp(job, report, now, settings).next;
      return next?.confirm === undefined && (next?.poll?.slot ?? -1) >= 0;
    };
    expect(polls(chainJob({ fixSeenAt: undefined }), stillHeld)).toBe(true);
    expect(polls(chainJob(), brokenPair({ forward: [lookup({ ttl: null })] }))).toBe(true);
    expect(polls(chainJob(), brokenPair({ forward: [lookup({ status: "timeout", ttl: null })] }))).toBe(true);
    expect(polls(chainJob({ quickRechecks: settings.maxQuickRechecks }), stillHeld)).toBe(true);
  });
});

describe("the confirmation reports the answer held longest", () => {
  it("a real answer before a failure, then the longest TTL; nothing when every answer points back", () => {
    const short = lookup({ ttl: 5 });
    const long = lookup({ server: R2, ttl: 50 });
    const failed = lookup({ server: "127.0.0.1:5303", status: "timeout", addresses: [], ttl: null });
    const back = lookup({ addresses: [IP], confirms: true, ttl: 300 });
    expect(lastToLetGo([back, short, failed, long])).toBe(long);
    expect(lastToLetGo([failed, lookup({ ttl: null }), short])).toBe(short);
    expect(lastToLetGo([failed, back])).toBe(failed);
    expect(lastToLetGo([back])).toBeUndefined();
  });
});

// The pure decisions of a chain that watches the authority (workers/poll-plan.ts) and what a
// failing report makes it poll (src/check/poll.ts pollTargetOf).
import { describe, expect, it } from "vitest";
import { type PollResult, pollTargetOf } from "../../../src/check/poll.js";
import {
  authorityLacksFix,
  fullCheckDue,
  jitterOffsetMs,
  nextPollSlot,
  pollSawFix,
  predictLetGo,
} from "../../../workers/poll-plan.js";
import { makeReport } from "../../fixtures/check-report.js";

const HOUR = 3_600_000;
const settings = { safetyCheckMs: 6 * HOUR, recheckMaxMs: 48 * HOUR, stillFailingAfterMs: 24 * HOUR };
const failing = makeReport(); // NO_PTR at the authority, the resolver caches the NXDOMAIN for 4 s
const fixed = makeReport({
  authority: {
    ...(failing.authority as NonNullable<typeof failing.authority>),
    status: "found",
    names: ["mail.example.test"],
  },
  problems: [{ code: "CACHED_NEGATIVE", severity: "error", message: "cached", fix: "" }],
});
const result = (fields: Partial<PollResult>): PollResult => ({
  status: "nxdomain",
  names: [],
  server: "127.0.0.1:5300",
  forward: null,
  moved: false,
  questions: 1,
  ...fields,
});

describe("jitter and the poll slot grid", () => {
  it("spreads addresses over the interval, the same offset for the same IP every time", () => {
    const offsets = Array.from({ length: 200 }, (_, i) => jitterOffsetMs(`198.51.100.${i}`, 300_000));
    expect(jitterOffsetMs("198.51.100.7", 300_000)).toBe(offsets[7]);
    expect(offsets.every((offset) => offset >= 0 && offset < 300_000)).toBe(true);
    // Not bunched: 200 addresses fall into at least 8 of 10 equal parts of the interval.
    expect(new Set(offsets.map((offset) => Math.floor(offset / 30_000))).size).toBeGreaterThanOrEqual(8);
  });

  it("puts every chain of one IP on the same next slot, at least the minimum gap away", () => {
    const now = 1_800_000_000_000;
    const a = nextPollSlot("192.0.2.7", now, 300_000);
    const b = nextPollSlot("192.0.2.7", now + 1234, 300_000);
    expect(a.slot).toBe(b.slot);
    expect(a.atMs).toBe(b.atMs);
    expect(a.delayMs).toBeGreaterThanOrEqual(1000);
    expect(a.delayMs).toBeLessThanOrEqual(301_000);
    expect((a.atMs - jitterOffsetMs("192.0.2.7", 300_000)) % 300_000).toBe(0);
    const later = nextPollSlot("192.0.2.7", a.atMs, 300_000);
    expect(later.slot).toBe(a.slot + 1);
  });
});

describe("what a chain polls and when it has seen the fix", () => {
  it("polls the name the full check ended on at the servers that answered it", () => {
    const target = pollTargetOf(failing);
    expect(target).toEqual({
      ip: "203.0.113.5",
      family: 4,
      name: "5.113.0.203.in-addr.arpa",
      servers: ["127.0.0.1:5300"],
      forward: false,
    });
    const delegated = makeReport({
      authority: {
        ...(failing.authority as NonNullable<typeof failing.authority>),
        cnames: ["5.0-63.113.0.203.in-addr.arpa"],
      },
    });
    expect(pollTargetOf(delegated)?.name).toBe("5.0-63.113.0.203.in-addr.arpa");
    expect(pollTargetOf(makeReport({ authority: null }))).toBeNull();
  });

  it("needs the forward name to point back when the pair was broken", () => {
    const target = { ip: "203.0.113.5", family: 4 as const, name: "x", servers: ["s"], forward: true };
    expect(pollSawFix(target, result({ status: "found", names: ["mail.example.test"] }))).toBe(false);
    const back = {
      name: "mail.example.test",
      status: "found" as const,
      addresses: ["203.0.113.5"],
      confirms: true,
    };
    expect(pollSawFix(target, result({ status: "found", names: ["mail.example.test"], forward: back }))).toBe(
      true,
    );
    expect(pollSawFix({ ...target, forward: false }, result({ status: "nxdomain" }))).toBe(false);
  });

  it("runs a full check on the fix, a moved answer, the safety interval or the chain's deadline", () => {
    const target = pollTargetOf(failing);
    if (target === null) throw new Error("no target");
    const now = Date.parse("2026-11-27T12:00:00Z");
    const chain = { firstFailureAt: "2026-11-27T11:00:00Z", stillFailingSent: false };
    const recent = now - 60_000;
    expect(fullCheckDue(target, result({}), [chain], recent, now, settings)).toBeNull();
    expect(
      fullCheckDue(target, result({ status: "found", names: ["m"] }), [chain], recent, now, settings),
    ).toBe("fixed");
    expect(fullCheckDue(target, result({ moved: true }), [chain], recent, now, settings)).toBe("moved");
    expect(fullCheckDue(target, result({}), [chain], now - 6 * HOUR, now, settings)).toBe("safety");
    const old = { firstFailureAt: "2026-11-25T11:00:00Z", stillFailingSent: true };
    expect(fullCheckDue(target, result({}), [old], recent, now, settings)).toBe("deadline");
    expect(fullCheckDue(target, result({ status: "timeout" }), [chain], recent, now, settings)).toBeNull();
  });

  it("polls only while the authority itself shows the failure", () => {
    expect(authorityLacksFix(failing)).toBe(true);
    expect(authorityLacksFix(fixed)).toBe(false);
    expect(authorityLacksFix(makeReport({ verdict: "inconclusive" }))).toBe(false);
  });
});

describe("predicted let-go", () => {
  const seenAt = new Date("2026-11-27T12:00:00Z");

  it("predicts from the SOA TTL of a negative answer and the remaining TTL of an old PTR", () => {
    const stale = makeReport({
      authority: fixed.authority,
      resolvers: [
        ...fixed.resolvers,
        {
          server: "127.0.0.1:5302",
          status: "found",
          names: ["old.example.test"],
          cnames: [],
          ttl: 600,
          negativeTtlRemaining: null,
          rttMs: 1,
          error: null,
        },
        {
          server: "127.0.0.1:5303",
          status: "found",
          names: ["mail.example.test"],
          cnames: [],
          ttl: 300,
          negativeTtlRemaining: null,
          rttMs: 1,
          error: null,
        },
      ],
    });
    expect(predictLetGo(stale, seenAt)).toEqual([
      { server: "127.0.0.1:5301", holds: "no PTR", at: new Date("2026-11-27T12:00:04Z") },
      { server: "127.0.0.1:5302", holds: "old.example.test", at: new Date("2026-11-27T12:10:00Z") },
    ]);
    expect(predictLetGo(failing, seenAt)).toEqual([]); // nothing to predict before the fix
  });
});

import { describe, expect, it } from "vitest";
import type { CheckReport, LookupStatus, Problem, ProblemCode } from "../../../src/check/types.js";
import { loadConfig } from "../../../src/config.js";
import { type CheckJob, newCheckJob } from "../../../src/queue/jobs.js";
import { settingsFromConfig } from "../../../src/settings.js";
import { isCleared, planFollowUp, silentResolvers } from "../../../workers/recheck.js";

const policy = settingsFromConfig(loadConfig({}));
const NOW = new Date("2026-11-27T12:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;

function report(codes: ProblemCode[], clearsInSeconds: number | null = null): CheckReport {
  const failing = codes.some((code) => code !== "GENERIC_PTR");
  const problems: Problem[] = codes.map((code) => ({ code, severity: "error", message: code, fix: "" }));
  return {
    ip: "192.0.2.51",
    family: 4,
    reverseName: "51.2.0.192.in-addr.arpa",
    verdict: failing ? "fail" : "pass",
    summary: "",
    ptr: failing ? { status: "nxdomain", names: [] } : { status: "found", names: ["a.example.test"] },
    fcrdns: failing ? "fail" : "pass",
    forward: [],
    helo: null,
    owner: { zone: null, nameservers: [], contact: null, provider: null, network: null },
    smtp: null,
    blocklists: [],
    resolvers: [
      {
        server: "r",
        status: failing ? "nxdomain" : "found",
        names: [],
        cnames: [],
        ttl: null,
        negativeTtlRemaining: null,
        rttMs: 1,
        error: null,
      },
    ],
    authority: null,
    negativeCache:
      clearsInSeconds === null
        ? null
        : { ttl: 3600, clearsBy: new Date(NOW.getTime() + clearsInSeconds * 1000).toISOString() },
    provider: null,
    receivers: {
      gmail: { outcome: "accept", bounce: null, reason: "" },
      microsoft: { outcome: "accept", bounce: null, reason: "" },
      yahoo: { outcome: "accept", bounce: null, reason: "" },
    },
    problems,
    fixSteps: [],
    checkedAt: NOW.toISOString(),
    durationMs: 1,
  };
}

function job(fields: Partial<CheckJob> = {}): CheckJob {
  return {
    ...newCheckJob({
      ip: "192.0.2.51",
      helo: null,
      origins: [],
      originsKey: null,
      reason: "command",
      chainId: "c",
    }),
    ...fields,
  };
}

describe("planFollowUp", () => {
  it("does nothing for a first check that passes", () => {
    expect(planFollowUp(job(), report([]), NOW, policy)).toMatchObject({ cleared: false, next: null });
  });

  it("re-checks first at the predicted cache expiry plus the margin", () => {
    const plan = planFollowUp(job(), report(["NO_PTR"], 1800), NOW, policy);
    expect(plan.next).toEqual({ delayMs: 1800 * 1000 + policy.recheckMarginMs, quick: true });
    expect(plan.firstFailureAt).toBe(NOW.toISOString());
  });

  it("then backs off 5 min, 15 min, 1 h, 3 h, 6 h, 6 h ...", () => {
    const first = NOW.toISOString();
    const delays = [1, 2, 3, 4, 5, 6].map(
      (recheck) =>
        planFollowUp(
          job({ reason: "recheck", recheck, quickRechecks: 1, firstFailureAt: first }),
          report(["NO_PTR"]),
          NOW,
          policy,
        ).next?.delayMs,
    );
    expect(delays).toEqual([5 * MIN, 15 * MIN, HOUR, 3 * HOUR, 6 * HOUR, 6 * HOUR]);
  });

  it("follows a resolver's cached NXDOMAIN to its expiry when the authority already has the PTR", () => {
    const plan = planFollowUp(
      job({ reason: "recheck", recheck: 3, quickRechecks: 1, firstFailureAt: NOW.toISOString() }),
      report(["CACHED_NEGATIVE"], 120),
      NOW,
      policy,
    );
    expect(plan.next).toEqual({ delayMs: 120_000 + policy.recheckMarginMs, quick: true });
  });

  it("says cleared once the failure is gone, with the time it took", () => {
    const firstFailureAt = new Date(NOW.getTime() - 90_000).toISOString();
    const plan = planFollowUp(
      job({ reason: "recheck", recheck: 2, firstFailureAt }),
      report([]),
      NOW,
      policy,
    );
    expect(plan).toMatchObject({ cleared: true, next: null, elapsedSeconds: 90 });
  });

  it("says still failing once after 24 h, and stops at the limit", () => {
    const at = (hours: number) => new Date(NOW.getTime() - hours * HOUR).toISOString();
    const day = planFollowUp(
      job({ reason: "recheck", recheck: 9, firstFailureAt: at(24) }),
      report(["NO_PTR"]),
      NOW,
      policy,
    );
    expect(day.stillFailing).toBe(true);
    const told = planFollowUp(
      job({ reason: "recheck", recheck: 10, firstFailureAt: at(30), stillFailingSent: true }),
      report(["NO_PTR"]),
      NOW,
      policy,
    );
    expect(told.stillFailing).toBe(false);
    expect(told.next?.delayMs).toBe(6 * HOUR);
    const late = planFollowUp(
      job({ reason: "recheck", recheck: 10, firstFailureAt: at(47) }),
      report(["NO_PTR"]),
      NOW,
      policy,
    );
    expect(late.next?.delayMs).toBe(HOUR); // the last look lands on the 48 h limit
    const over = planFollowUp(
      job({ reason: "recheck", recheck: 11, firstFailureAt: at(48) }),
      report(["NO_PTR"]),
      NOW,
      policy,
    );
    expect(over.next).toBeNull();
  });

  it("never plans anything for a watch run (its scheduler does)", () => {
    expect(planFollowUp(job({ reason: "watch" }), report(["NO_PTR"], 60), NOW, policy).next).toBeNull();
  });

  it("does not call a generic-but-working PTR a failure to re-check", () => {
    expect(planFollowUp(job(), report(["GENERIC_PTR"]), NOW, policy).next).toBeNull();
    expect(isCleared(report(["GENERIC_PTR"]))).toBe(true);
  });

  it("gives up once, with a final message, when the chain runs out (even under 24 h)", () => {
    const short = { ...policy, recheckMaxMs: 6 * HOUR };
    const at = (hours: number) => new Date(NOW.getTime() - hours * HOUR).toISOString();
    const before = planFollowUp(
      job({ reason: "recheck", recheck: 5, quickRechecks: 1, firstFailureAt: at(5.5) }),
      report(["NO_PTR"]),
      NOW,
      short,
    );
    expect(before).toMatchObject({ gaveUp: false, stillFailing: false });
    expect(before.next?.delayMs).toBe(HOUR / 2); // the last look lands on the limit
    const end = planFollowUp(
      job({ reason: "recheck", recheck: 6, quickRechecks: 1, firstFailureAt: at(6) }),
      report(["NO_PTR"]),
      NOW,
      short,
    );
    expect(end).toMatchObject({ gaveUp: true, stillFailing: false, next: null, elapsedSeconds: 6 * 3600 });
    // At the default 48 h limit, after the 24 h notice: the final word still comes.
    const over = planFollowUp(
      job({ reason: "recheck", recheck: 11, firstFailureAt: at(48), stillFailingSent: true }),
      report(["NO_PTR"]),
      NOW,
      policy,
    );
    expect(over).toMatchObject({ gaveUp: true, stillFailing: false, next: null });
    // A limit of exactly 24 h: one message at the end, the final one.
    const day = planFollowUp(
      job({ reason: "recheck", recheck: 9, firstFailureAt: at(24) }),
      report(["NO_PTR"]),
      NOW,
      { ...policy, recheckMaxMs: 24 * HOUR },
    );
    expect(day).toMatchObject({ gaveUp: true, stillFailing: false });
  });
});

describe("isCleared", () => {
  function withResolvers(statuses: LookupStatus[], dnsError: "warning" | "error" | null): CheckReport {
    const base = report([]);
    return {
      ...base,
      verdict: dnsError === "error" ? "inconclusive" : "pass",
      authority: {
        servers: ["a"],
        status: "found",
        names: ["a.example.test"],
        answers: [],
      } as unknown as CheckReport["authority"],
      resolvers: statuses.map((status, index) => ({
        ...(base.resolvers[0] as CheckReport["resolvers"][number]),
        server: `10.0.0.${index + 1}:53`,
        status,
      })),
      problems:
        dnsError === null
          ? []
          : [{ code: "DNS_ERROR", severity: dnsError, message: "servfail", fix: "" } as Problem],
    };
  }

  it("clears while one resolver is broken, and names it", () => {
    const oneDown = withResolvers(["found", "servfail", "found"], "warning");
    expect(isCleared(oneDown)).toBe(true);
    expect(silentResolvers(oneDown)).toEqual(["10.0.0.2:53"]);
    expect(isCleared(withResolvers(["found", "timeout"], "warning"))).toBe(true);
  });

  it("does not clear while a resolver that answered still serves the negative answer", () => {
    expect(isCleared(withResolvers(["found", "nxdomain"], null))).toBe(false);
    expect(isCleared(withResolvers(["found", "nodata", "servfail"], "warning"))).toBe(false);
  });

  it("does not clear when the DNS failure left the answer unknown", () => {
    expect(isCleared(withResolvers(["servfail", "timeout"], "error"))).toBe(false);
  });

  it("does not clear while the authority lacks the PTR", () => {
    const stale = withResolvers(["found"], null);
    expect(
      isCleared({
        ...stale,
        authority: { ...stale.authority, status: "nxdomain" } as CheckReport["authority"],
      }),
    ).toBe(false);
  });

  it("ends a failing chain with cleared when only a resolver stays silent", () => {
    const firstFailureAt = new Date(NOW.getTime() - 600_000).toISOString();
    const plan = planFollowUp(
      job({ reason: "recheck", recheck: 2, firstFailureAt }),
      withResolvers(["found", "servfail"], "warning"),
      NOW,
      policy,
    );
    expect(plan).toMatchObject({ cleared: true, next: null });
  });
});

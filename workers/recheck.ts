// The re-check policy: after a check, what happens next in its chain. Pure (no Redis, no clock
// of its own) so the schedule can be tested to the millisecond; workers/check.ts carries it out
// with BullMQ delayed jobs (deterministic ids, src/queue/ids.ts recheckJobId).
//
// Why the first re-check is at the predicted expiry: a negative answer is cached for
// min(SOA MINIMUM, SOA TTL) (RFC 2308 section 5), and the SOA TTL a resolver returns is the time
// left in its cache, so src/check predicts `negativeCache.clearsBy`; asking before then would
// only be told the same cached NXDOMAIN again. After that, a back-off (5 min, 15 min, 1 h, 3 h,
// ...) waits for the person (or the IP's owner) to fix the record, up to RECHECK_MAX_HOURS.

import type { EngineSettings } from "../src/app/settings.js";
import type { CheckReport, ProblemCode } from "../src/check/types.js";
import type { CheckJob } from "../src/queue/jobs.js";

/** The failures a re-check can see go away; the others need a person to change something first. */
export const RECHECKABLE: ReadonlySet<ProblemCode> = new Set(["NO_PTR", "BROKEN_PAIR", "CACHED_NEGATIVE"]);

export function needsRecheck(report: CheckReport): boolean {
  return (
    report.verdict !== "inconclusive" && report.problems.some((problem) => RECHECKABLE.has(problem.code))
  );
}

/** "Cleared": the authority and every resolver give the PTR, and its name leads back to the IP. */
export function isCleared(report: CheckReport): boolean {
  if (report.verdict === "inconclusive" || needsRecheck(report)) return false;
  if (report.problems.some((problem) => problem.code === "DNS_ERROR")) return false;
  if (report.authority !== null && report.authority.status !== "found") return false;
  return report.resolvers.every((answer) => answer.status === "found") && report.fcrdns === "pass";
}

export interface FollowUp {
  /** Tell the chain's threads the failure has cleared (once: the chain ends here). */
  cleared: boolean;
  /** Tell them it is still failing (once per chain). */
  stillFailing: boolean;
  /** The next re-check, or null when the chain ends. */
  next: { delayMs: number; quick: boolean } | null;
  firstFailureAt: string | null;
  elapsedSeconds: number;
}

type Policy = Pick<
  EngineSettings,
  "recheckMaxMs" | "stillFailingAfterMs" | "recheckMarginMs" | "recheckBackoffMs" | "maxQuickRechecks"
>;

/**
 * Decides the follow-up of a conclusive (or persistently inconclusive) check in a chain.
 * Watch runs have no chain: their schedule is the watch's job scheduler.
 */
export function planFollowUp(job: CheckJob, report: CheckReport, now: Date, policy: Policy): FollowUp {
  const none: FollowUp = {
    cleared: false,
    stillFailing: false,
    next: null,
    firstFailureAt: job.firstFailureAt,
    elapsedSeconds: 0,
  };
  if (job.reason === "watch") return none;
  const failing = needsRecheck(report) || (job.firstFailureAt !== null && !isCleared(report));
  if (!failing) {
    if (job.firstFailureAt === null) return none;
    const elapsedSeconds = Math.round((now.getTime() - Date.parse(job.firstFailureAt)) / 1000);
    return { ...none, cleared: true, elapsedSeconds };
  }
  const firstFailureAt = job.firstFailureAt ?? now.toISOString();
  const elapsedMs = now.getTime() - Date.parse(firstFailureAt);
  const stillFailing = !job.stillFailingSent && elapsedMs >= policy.stillFailingAfterMs;
  const base = { ...none, firstFailureAt, stillFailing, elapsedSeconds: Math.round(elapsedMs / 1000) };
  const leftMs = policy.recheckMaxMs - elapsedMs;
  if (leftMs <= 0) return base;

  const clearsBy = report.negativeCache === null ? null : Date.parse(report.negativeCache.clearsBy);
  const cachedNegative = report.problems.some((problem) => problem.code === "CACHED_NEGATIVE");
  const untilExpiry =
    clearsBy === null || Number.isNaN(clearsBy) ? null : Math.max(0, clearsBy - now.getTime());
  let next: { delayMs: number; quick: boolean };
  if (
    untilExpiry !== null &&
    job.quickRechecks < policy.maxQuickRechecks &&
    (job.recheck === 0 || cachedNegative)
  ) {
    // At the predicted expiry: the first re-check, and again while a resolver still serves the
    // cached NXDOMAIN the authority no longer gives (its TTL is whole seconds, so it may let go
    // up to a second after the prediction: the margin covers that).
    next = { delayMs: untilExpiry + policy.recheckMarginMs, quick: true };
  } else {
    const step = Math.max(0, job.recheck - job.quickRechecks);
    const backoff = policy.recheckBackoffMs;
    const delayMs = backoff[Math.min(step, backoff.length - 1)] ?? 5 * 60_000;
    next = { delayMs, quick: false };
  }
  // One last look at the limit rather than none past it.
  next.delayMs = Math.min(next.delayMs, leftMs);
  return { ...base, next };
}

// The re-check policy: after a check, what happens next in its chain. Pure (no Redis, no clock
// of its own) so the schedule can be tested to the millisecond; workers/check-plan.ts puts it in
// the check's plan and workers/apply-report.ts carries it out with BullMQ delayed jobs
// (deterministic ids, src/queue/ids.ts recheckJobId).
//
// Why the first re-check is at the predicted expiry: a negative answer is cached for
// min(SOA MINIMUM, SOA TTL) (RFC 2308 section 5), and the SOA TTL a resolver returns is the time
// left in its cache, so src/check predicts `negativeCache.clearsBy`; asking before then would
// only be told the same cached NXDOMAIN again. After that, a back-off (5 min, 15 min, 1 h, 3 h,
// ...) waits for the person (or the IP's owner) to fix the record, up to RECHECK_MAX_HOURS.

import { RECHECKABLE_CODES } from "../src/check/problems.js";
import { type CheckReport, CONCLUSIVE_STATUSES, type ProblemCode } from "../src/check/types.js";
import type { CheckJob } from "../src/queue/jobs.js";
import type { EngineSettings } from "../src/settings.js";
import { authorityLacksFix, nextPollSlot, predictForwardLetGo, predictLetGo } from "./poll-plan.js";

/**
 * The failures a re-check can see go away; the others need a person to change something first.
 * Read from each code's `rechecks` in src/check/problems.ts (STALE_PTR is a warning the chain
 * follows too, until every resolver serves what the authority serves).
 */
export const RECHECKABLE: ReadonlySet<ProblemCode> = RECHECKABLE_CODES;

export function needsRecheck(report: CheckReport): boolean {
  return (
    report.verdict !== "inconclusive" && report.problems.some((problem) => RECHECKABLE.has(problem.code))
  );
}

/** Resolvers that gave no conclusive answer (SERVFAIL, timeout, refused): "cleared" cannot speak for them. */
export function silentResolvers(report: CheckReport): string[] {
  return report.resolvers
    .filter((answer) => !CONCLUSIVE_STATUSES.has(answer.status))
    .map((answer) => answer.server);
}

/**
 * "Cleared", judged on the PTR facts: nothing a re-check waits for (NO_PTR, BROKEN_PAIR,
 * CACHED_NEGATIVE) is left, no DNS failure left the answer unknown (a warning-level DNS_ERROR,
 * one resolver down while the others answered, does not hold the notice back), the authority has
 * the PTR, and every resolver that answered conclusively serves it. A resolver that stays silent
 * would otherwise keep the chain from ever clearing; the notice names it instead.
 */
export function isCleared(report: CheckReport): boolean {
  if (report.verdict === "inconclusive" || needsRecheck(report)) return false;
  if (report.problems.some((problem) => problem.code === "DNS_ERROR" && problem.severity === "error"))
    return false;
  if (report.authority !== null && report.authority.status !== "found") return false;
  const answered = report.resolvers.filter((answer) => CONCLUSIVE_STATUSES.has(answer.status));
  if (!answered.every((answer) => answer.status === "found")) return false;
  if (report.authority === null && answered.length === 0) return false; // nobody said "found"
  return report.fcrdns !== "fail";
}

export interface FollowUp {
  /** Tell the chain's threads the failure has cleared (once: the chain ends here). */
  cleared: boolean;
  /** Tell them it is still failing (once per chain). */
  stillFailing: boolean;
  /**
   * The chain has run out (RECHECK_MAX_HOURS) while still failing: tell them once that the bot
   * gave up. Sent whatever the limit, even under 24 h, so a thread is never left without an end.
   */
  gaveUp: boolean;
  /**
   * The next step, or null when the chain ends: a full re-check, or (`poll`) a poll of the
   * authority on the IP's slot `slot` (workers/poll-plan.ts nextPollSlot).
   */
  next: { delayMs: number; quick: boolean; poll?: { slot: number }; confirm?: boolean } | null;
  firstFailureAt: string | null;
  elapsedSeconds: number;
}

type Policy = Pick<
  EngineSettings,
  | "recheckMaxMs"
  | "stillFailingAfterMs"
  | "recheckMarginMs"
  | "recheckBackoffMs"
  | "maxQuickRechecks"
  | "recheckPollMs"
>;

/**
 * Decides the follow-up of a conclusive (or persistently inconclusive) check in a chain.
 * Watch runs have no chain: their schedule is the watch's job scheduler.
 */
export function planFollowUp(job: CheckJob, report: CheckReport, now: Date, policy: Policy): FollowUp {
  const none: FollowUp = {
    cleared: false,
    stillFailing: false,
    gaveUp: false,
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
  // The last word of the chain; it replaces a "still failing" due at the same time.
  if (leftMs <= 0) return { ...base, stillFailing: false, gaveUp: true };

  const clearsBy = report.negativeCache === null ? null : Date.parse(report.negativeCache.clearsBy);
  const cachedNegative = report.problems.some((problem) => problem.code === "CACHED_NEGATIVE");
  const untilExpiry =
    clearsBy === null || Number.isNaN(clearsBy) ? null : Math.max(0, clearsBy - now.getTime());
  let next: NonNullable<FollowUp["next"]>;
  const letGo = predictLetGo(report, now);
  // A broken pair's report cannot show the authority's A/AAAA (its resolver look asks only the
  // resolvers), so the fix seen by the chain's poll is taken as still in.
  const forwardLetGo = job.fixSeenAt === undefined ? [] : predictForwardLetGo(report, now);
  if (forwardLetGo.length > 0 && job.quickRechecks < policy.maxQuickRechecks) {
    // The fix was seen at the authority and a resolver still held the old A/AAAA at its
    // confirmation: one more look at the resolvers when the last of those entries runs out, not
    // a poll that sees the fix again and asks them at once (issue 10: one question per look).
    const last = Math.max(...forwardLetGo.map((item) => item.at.getTime()));
    next = {
      delayMs: Math.max(0, last - now.getTime()) + policy.recheckMarginMs,
      quick: true,
      poll: { slot: -1 },
      confirm: true,
    };
  } else if (authorityLacksFix(report)) {
    // Watch the authority, not the clock: the fix is seen on the first poll after it is made.
    const slot = nextPollSlot(job.ip, now.getTime(), policy.recheckPollMs);
    next = { delayMs: slot.delayMs, quick: false, poll: { slot: slot.slot } };
    // The first look comes no later than the predicted expiry of the cached "no PTR": a fix made
    // right after the first check is then seen as the caches let go (slot -1: the chain's own).
    if (job.recheck === 0 && untilExpiry !== null && untilExpiry + policy.recheckMarginMs < slot.delayMs)
      next = { delayMs: untilExpiry + policy.recheckMarginMs, quick: false, poll: { slot: -1 } };
  } else if (
    job.fixSeenAt !== undefined &&
    job.quickRechecks < policy.maxQuickRechecks &&
    (untilExpiry !== null || letGo.length > 0)
  ) {
    // The fix was seen and a resolver still held the old answer at its confirmation (something
    // asked it again after the chain's last look): one more look at that resolver alone when
    // its new TTL runs out, not a full check (issue 10: one resolver question per look).
    const last = Math.max(untilExpiry ?? 0, ...letGo.map((item) => item.at.getTime() - now.getTime()));
    next = { delayMs: last + policy.recheckMarginMs, quick: true, poll: { slot: -1 }, confirm: true };
  } else if (
    untilExpiry !== null &&
    job.quickRechecks < policy.maxQuickRechecks &&
    (job.recheck === 0 || cachedNegative)
  ) {
    // At the predicted expiry: the first re-check, and again while a resolver still serves the
    // cached NXDOMAIN the authority no longer gives (its TTL is whole seconds, so it may let go
    // up to a second after the prediction: the margin covers that).
    next = { delayMs: untilExpiry + policy.recheckMarginMs, quick: true };
  } else if (letGo.length > 0 && job.quickRechecks < policy.maxQuickRechecks) {
    // The authority has the fix and resolvers hold an old answer: ask again when the last of
    // them is predicted to let go (an old PTR's remaining TTL, or a negative answer's SOA TTL).
    const last = Math.max(...letGo.map((item) => item.at.getTime()));
    next = { delayMs: Math.max(0, last - now.getTime()) + policy.recheckMarginMs, quick: true };
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

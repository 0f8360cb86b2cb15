// What a finished check leads to for its chain, decided without Redis or a clock of its own: the
// answer kept for late askers, what to say to which of the chain's threads, and when the chain's
// next re-check or poll runs. workers/apply-report.ts reads the inputs and carries the plan out;
// the channels watching the IP are settled apart (workers/settle.ts, workers/watch-notice.ts).
// Keeping the decisions here lets them be tested to the message without a queue.
import type { Origin, OutboundMessage } from "../src/chat/types.js";
import { pollTargetOf } from "../src/check/poll.js";
import type { CheckReport } from "../src/check/types.js";
import { parentNotice, parentUpdate, resultDeliveries, threadReply } from "../src/queue/deliveries.js";
import { pollJobId, recheckJobId } from "../src/queue/ids.js";
import type { CheckJob, DeliveryJob } from "../src/queue/jobs.js";
import type { EngineSettings } from "../src/settings.js";
import { clearedFigures, resolversSeen, resolversToConfirm } from "./poll-fix-plan.js";
import { type FollowUp, planFollowUp, silentResolvers } from "./recheck.js";

/** Why the answer is "could not tell", in one line, from the failed lookups. */
export function inconclusiveDetail(report: CheckReport): string {
  const failed = [...(report.authority?.answers ?? []), ...report.resolvers].filter(
    (answer) => answer.status === "servfail" || answer.status === "timeout" || answer.status === "refused",
  );
  if (failed.length === 0) return report.summary;
  return failed.map((answer) => `${answer.server}: ${answer.error ?? answer.status}`).join("; ");
}

/**
 * A timeout or SERVFAIL is not an answer: before the last attempt, an inconclusive report is
 * thrown back to BullMQ (its back-off asks again) before anyone is told or anything is saved.
 * Returns the error message to throw, or null to go on with the report.
 */
export function retryBeforeAnswering(report: CheckReport, lastAttempt: boolean): string | null {
  if (report.verdict !== "inconclusive" || lastAttempt) return null;
  return `inconclusive DNS answers: ${inconclusiveDetail(report)}`;
}

export interface CheckPlanInput {
  job: CheckJob;
  jobId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  report: CheckReport;
  /** Every thread of the chain (the first asker, those who joined its window, or the chain's list). */
  origins: Origin[];
  now: Date;
  settings: EngineSettings;
  /**
   * The open chain that adopted this failing check (src/store/chain-adoption.ts: it was asked for
   * in that chain's thread): the chain goes on, so this check schedules nothing of its own and its
   * result's buttons act on that chain.
   */
  adoptedChainId?: string | null;
  /** The follow-up, when the caller already decided it (to resolve adoption first); else decided here. */
  followUp?: FollowUp;
}

export interface CheckPlan {
  /** The first check's answer, kept for askers who join its window after it finished. */
  chainResult: { report: CheckReport; ttlMs: number } | null;
  /** The answers and notices for the chain's threads (sent while the chain goes on). */
  deliveries: DeliveryJob[];
  followUp: FollowUp;
  /**
   * The chain's next step (deterministic id: a re-run of this job schedules it once): a re-check,
   * or a poll shared with the IP's other chains. `chainJob` is the chain's own state after this
   * check (kept in the chain registry, where a shared poll finds it).
   */
  next: { job: CheckJob; jobId: string; delayMs: number; chainJob: CheckJob } | null;
}

/** Decides everything a check that produced `report` leads to. */
export function planCheckResult(input: CheckPlanInput): CheckPlan {
  const { job, report, settings } = input;
  const asked = job.reason === "command" || job.reason === "paste";
  const followUp = input.followUp ?? planFollowUp(job, report, input.now, settings);
  const adopted = input.adoptedChainId ?? null;
  // The result's buttons can stop the chain only while it goes on.
  const openChainId = followUp.next !== null ? (adopted ?? job.chainId) : null;
  return {
    chainResult:
      asked && report.verdict !== "inconclusive" ? { report, ttlMs: settings.dedupWindowMs + 60_000 } : null,
    deliveries: [
      ...(asked ? answerDeliveries(input, openChainId) : []),
      ...endDeliveries(input, followUp, openChainId),
    ],
    followUp,
    // An adopted check's chain goes on in the chain that adopted it: nothing of its own.
    next: followUp.next !== null && adopted === null ? nextStep(job, report, followUp, followUp.next) : null,
  };
}

/** The answer to whoever asked (a command or a paste): the result, or "could not tell", in each thread. */
function answerDeliveries(input: CheckPlanInput, openChainId: string | null): DeliveryJob[] {
  const { job, jobId, report } = input;
  return input.origins.flatMap((origin) => {
    if (report.verdict !== "inconclusive") return resultDeliveries(jobId, report, origin, openChainId);
    const message: OutboundMessage = {
      kind: "could-not-tell",
      ip: job.ip,
      detail: inconclusiveDetail(report),
      attempts: input.attempt,
    };
    return [...parentUpdate(jobId, origin, report), threadReply(jobId, origin, message, "could-not-tell")];
  });
}

/** The chain's end, or its one "still failing" notice: cleared, still failing, or given up. */
function endDeliveries(input: CheckPlanInput, followUp: FollowUp, openChainId: string | null): DeliveryJob[] {
  const { job, jobId, report } = input;
  if (!(followUp.cleared || followUp.stillFailing || followUp.gaveUp)) return [];
  return input.origins.flatMap((origin) => {
    if (followUp.cleared) {
      const silent = silentResolvers(report);
      const message: OutboundMessage = {
        kind: "cleared",
        report,
        elapsedSeconds: followUp.elapsedSeconds,
        rechecks: job.recheck,
        ...(silent.length > 0 ? { silentResolvers: silent } : {}),
        ...clearedFigures(job, input.now),
      };
      return [...parentUpdate(jobId, origin, report), threadReply(jobId, origin, message, "cleared")];
    }
    const message: OutboundMessage = {
      kind: "still-failing",
      report,
      elapsedSeconds: followUp.elapsedSeconds,
      rechecks: job.recheck,
      // Re-checks go on: the notice's buttons can stop them.
      ...(followUp.gaveUp ? { final: true } : { chainId: openChainId }),
    };
    return [threadReply(jobId, origin, message, followUp.gaveUp ? "gave-up" : "still-failing")];
  });
}

/**
 * The next step of an open chain that adopted a check (src/store/chain-adoption.ts), planned from
 * the adopted check's report as if it were the chain's own re-check: a check someone asks for in
 * the chain's thread moves the chain's schedule (a new negative TTL, a resolver that let go, the
 * fix at the authority) instead of the chain waiting on what its previous check knew. The chain's
 * notices stay with its own steps: "still failing" is left for the next one, and null (nothing
 * moves) when the chain would give up or clear now, which its pending step then says.
 */
export function planAdoptedStep(
  chainJob: CheckJob,
  report: CheckReport,
  now: Date,
  settings: EngineSettings,
): CheckPlan["next"] {
  const followUp = planFollowUp(chainJob, report, now, settings);
  if (followUp.next === null || followUp.cleared || followUp.gaveUp) return null;
  return nextStep(chainJob, report, { ...followUp, stillFailing: false }, followUp.next);
}

type Step = NonNullable<FollowUp["next"]>;

/** The chain's next job: a full re-check, or a poll of the authority when the report names it. */
function nextStep(job: CheckJob, report: CheckReport, followUp: FollowUp, step: Step): CheckPlan["next"] {
  const chainJob: CheckJob = {
    ...job,
    reason: "recheck",
    recheck: job.recheck + 1,
    quickRechecks: job.quickRechecks + (step.quick ? 1 : 0),
    firstFailureAt: followUp.firstFailureAt,
    stillFailingSent: job.stillFailingSent || followUp.stillFailing,
  };
  const target = step.poll === undefined ? null : pollTargetOf(report);
  if (step.poll === undefined || target === null) {
    return {
      job: chainJob,
      jobId: recheckJobId(job.chainId, chainJob.recheck),
      delayMs: step.delayMs,
      chainJob,
    };
  }
  const poll: CheckJob["poll"] = {
    target,
    lastFullAt: report.checkedAt,
    ...(step.confirm === true
      ? { confirm: { resolvers: resolversToConfirm(report), fixSeenAt: job.fixSeenAt ?? report.checkedAt } }
      : { seen: resolversSeen(report) }),
  };
  return {
    job: { ...chainJob, reason: "poll", poll },
    jobId: pollStepId(job, chainJob.recheck, step.confirm === true, step.poll.slot),
    delayMs: step.delayMs,
    chainJob,
  };
}

/**
 * A poll's job id: the chain's own when it confirms a fix or has no shared slot (slot < 0);
 * otherwise the IP's slot, so the IP's chains share one poll.
 */
function pollStepId(job: CheckJob, recheck: number, confirm: boolean, slot: number): string {
  if (confirm) return `poll-${recheckJobId(job.chainId, recheck)}-fix`;
  if (slot < 0) return `poll-${recheckJobId(job.chainId, recheck)}`;
  return pollJobId(job.ip, job.helo, slot);
}

/**
 * A command or paste chain that failed for good: "could not tell" in each thread and on each
 * parent (nothing for re-checks and watch runs, whose threads already have an answer).
 */
export function planFailedCheck(
  job: CheckJob,
  jobId: string,
  origins: Origin[],
  reason: string,
  attempts: number,
): DeliveryJob[] {
  const message: OutboundMessage = {
    kind: "could-not-tell",
    ip: job.ip,
    detail: reason.length > 300 ? `${reason.slice(0, 297)}...` : reason,
    attempts: Math.max(1, attempts),
  };
  return origins.flatMap((origin) => [
    ...parentNotice(jobId, origin, message),
    threadReply(jobId, origin, message, "could-not-tell"),
  ]);
}

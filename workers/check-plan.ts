// What a finished check leads to, decided without Redis or a clock of its own: what to save,
// what to say to which thread, what each watching channel now remembers (and hears), and when
// the chain's next re-check runs. workers/check.ts reads the inputs and carries the plan out;
// keeping the decisions here lets them be tested to the message without a queue.
import type { Origin, OutboundMessage } from "../src/chat/types.js";
import { pollTargetOf } from "../src/check/poll.js";
import type { CheckReport } from "../src/check/types.js";
import { parentNotice, parentUpdate, resultDeliveries, threadReply } from "../src/queue/deliveries.js";
import { pollJobId, recheckJobId } from "../src/queue/ids.js";
import type { CheckJob, DeliveryJob } from "../src/queue/jobs.js";
import type { EngineSettings } from "../src/settings.js";
import { type HistoryEntry, historyEntryFor } from "../src/store/history.js";
import { sameHelo, type WatchRecord, type WatchState } from "../src/store/watches.js";
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

/** One channel watching the checked IP, with what it last saw (the raw text, for the compare-and-set). */
export interface WatchObservation {
  channel: string;
  record: WatchRecord;
  stored: { text: string | null; state: WatchState | null };
}

/** What a watching channel's state becomes after this check, and what it hears. */
export type WatchDecision =
  /** Nothing to write or say (no thread yet, an inconclusive report, or a newer check spoke). */
  | { action: "none" }
  /** This job's earlier attempt already wrote the state: repeat its notice (same delivery id). */
  | { action: "repeat"; notice: DeliveryJob | null }
  /** Write `state` if the stored text is still `expected`; the notice goes out only if it wins. */
  | {
      action: "write";
      expected: string | null;
      state: WatchState;
      notice: DeliveryJob | null;
      /** The history entry written with the state (a change of verdict, PTR names or problems). */
      history: HistoryEntry | null;
    };

type Change = NonNullable<WatchState["notice"]>["change"];

function watchStateOf(report: CheckReport): Required<Pick<WatchState, "verdict" | "names" | "problems">> {
  return {
    verdict: report.verdict === "pass" ? "pass" : "fail",
    names: [...report.ptr.names].sort(),
    problems: [...new Set(report.problems.map((problem) => problem.code))].sort(),
  };
}

/** The HELO_* codes of a state (states written before problems were stored have none). */
function heloProblems(state: WatchState): string[] {
  return (state.problems ?? []).filter((code) => code.startsWith("HELO_"));
}

/** The change between what a channel saw and what it sees now; the first run only sets the baseline. */
export function watchChange(before: WatchState | null, after: WatchState): Change | null {
  if (before === null) return null;
  if (before.verdict !== after.verdict) return after.verdict === "fail" ? "broke" : "recovered";
  if (before.names.join(" ") !== after.names.join(" ")) return "drifted";
  // A HELO problem is often only a warning (HELO_MISMATCH) and leaves the verdict alone, yet the
  // watch was given a HELO name to follow: its problems appearing or going away is news.
  const heloBefore = heloProblems(before).join(" ");
  const heloAfter = heloProblems(after).join(" ");
  if (heloBefore === heloAfter) return null;
  return heloAfter === "" ? "helo-recovered" : "helo-broke";
}

/**
 * Decides one watching channel. Two checks of one IP can finish together (a watch run and a
 * command's check), so the state is written by compare-and-set and only the winner announces;
 * a loser calls this again with what the winner wrote.
 */
export function planWatchNotice(
  jobId: string,
  report: CheckReport,
  watcher: WatchObservation,
): WatchDecision {
  const { channel, record, stored } = watcher;
  const origin = record.origin;
  // Not announced yet (no thread): the first check after its announcement sets the baseline.
  if (report.verdict === "inconclusive" || origin === null) return { action: "none" };
  // A watch with a HELO: a check with another HELO (or none) says nothing about it; comparing it
  // would announce a HELO problem "going away" that was never asked about.
  const watchHelo = record.helo ?? null;
  if (watchHelo !== null && !sameHelo(watchHelo, report.helo?.name ?? null)) return { action: "none" };
  const ip = report.ip;
  const notice = (change: Change, previousNames: string[]): DeliveryJob => {
    const target = record.target === ip ? ip : `${ip} (${record.target})`;
    const message: OutboundMessage = { kind: "watch-change", target, change, report, previousNames };
    return { ...threadReply(jobId, origin, message, `watch|${channel}|${ip}`), watchChannel: channel };
  };
  const before = stored.state;
  if (before?.by === jobId) {
    // A re-run of this job (it died after its write won, before the enqueue): the same notice.
    return {
      action: "repeat",
      notice: before.notice ? notice(before.notice.change, before.notice.previousNames) : null,
    };
  }
  // A newer check already spoke for this channel: this older result has nothing to add.
  if (before?.checkedAt !== undefined && before.checkedAt >= report.checkedAt) return { action: "none" };
  const after = watchStateOf(report);
  const seen = watchChange(before, after);
  // A watch without a HELO follows no HELO: someone's check with one does not make HELO news.
  const change = watchHelo === null && seen?.startsWith("helo-") ? null : seen;
  const previousNames = before?.names ?? [];
  // The history records every change of verdict, PTR names or problem codes (the first run too);
  // the chat hears only of the changes watchChange names.
  const history = historyEntryFor(before, after, report.checkedAt);
  return {
    action: "write",
    expected: stored.text,
    history,
    state: {
      ...after,
      since: history?.at ?? before?.since ?? report.checkedAt,
      checkedAt: report.checkedAt,
      by: jobId,
      notice: change === null ? null : { change, previousNames },
    },
    notice: change === null ? null : notice(change, previousNames),
  };
}

export interface CheckPlanInput {
  job: CheckJob;
  jobId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  report: CheckReport;
  /** Every thread of the chain (the first asker, those who joined its window, or the chain's list). */
  origins: Origin[];
  watchers: WatchObservation[];
  now: Date;
  settings: EngineSettings;
  /**
   * The open chain that adopted this failing check (src/store/chain-adoption.ts: it was asked for
   * in that chain's thread): the chain goes on, so this check schedules nothing of its own and its
   * result's buttons act on that chain.
   */
  adoptedChainId?: string | null;
}

export interface CheckPlan {
  /** The first check's answer, kept for askers who join its window after it finished. */
  chainResult: { report: CheckReport; ttlMs: number } | null;
  /** Deliveries to enqueue whatever happens to the watch writes. */
  deliveries: DeliveryJob[];
  /** One per watching channel. */
  watches: { watcher: WatchObservation; decision: WatchDecision }[];
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
  const { job, jobId, report, origins, settings } = input;
  const deliveries: DeliveryJob[] = [];
  const asked = job.reason === "command" || job.reason === "paste";
  const followUp = planFollowUp(job, report, input.now, settings);
  const adopted = input.adoptedChainId ?? null;
  // The result's buttons can stop the chain only while it goes on.
  const openChainId = followUp.next !== null ? (adopted ?? job.chainId) : null;
  if (asked) {
    for (const origin of origins) {
      if (report.verdict === "inconclusive") {
        const message: OutboundMessage = {
          kind: "could-not-tell",
          ip: job.ip,
          detail: inconclusiveDetail(report),
          attempts: input.attempt,
        };
        deliveries.push(
          ...parentUpdate(jobId, origin, report),
          threadReply(jobId, origin, message, "could-not-tell"),
        );
      } else {
        deliveries.push(...resultDeliveries(jobId, report, origin, openChainId));
      }
    }
  }

  const ends = followUp.cleared || followUp.stillFailing || followUp.gaveUp;
  for (const origin of ends ? origins : []) {
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
      deliveries.push(...parentUpdate(jobId, origin, report), threadReply(jobId, origin, message, "cleared"));
    } else {
      const message: OutboundMessage = {
        kind: "still-failing",
        report,
        elapsedSeconds: followUp.elapsedSeconds,
        rechecks: job.recheck,
        // Re-checks go on: the notice's buttons can stop them.
        ...(followUp.gaveUp ? { final: true } : { chainId: openChainId }),
      };
      deliveries.push(threadReply(jobId, origin, message, followUp.gaveUp ? "gave-up" : "still-failing"));
    }
  }

  let next: CheckPlan["next"] = null;
  if (followUp.next !== null && adopted === null) {
    const nextJob: CheckJob = {
      ...job,
      reason: "recheck",
      recheck: job.recheck + 1,
      quickRechecks: job.quickRechecks + (followUp.next.quick ? 1 : 0),
      firstFailureAt: followUp.firstFailureAt,
      stillFailingSent: job.stillFailingSent || followUp.stillFailing,
    };
    const target = followUp.next.poll === undefined ? null : pollTargetOf(report);
    next =
      followUp.next.poll !== undefined && target !== null
        ? {
            job: {
              ...nextJob,
              reason: "poll",
              poll: {
                target,
                lastFullAt: report.checkedAt,
                ...(followUp.next.confirm === true
                  ? {
                      confirm: {
                        resolvers: resolversToConfirm(report),
                        fixSeenAt: job.fixSeenAt ?? report.checkedAt,
                      },
                    }
                  : { seen: resolversSeen(report) }),
              },
            },
            jobId:
              followUp.next.confirm === true
                ? `poll-${recheckJobId(job.chainId, nextJob.recheck)}-fix`
                : followUp.next.poll.slot < 0
                  ? `poll-${recheckJobId(job.chainId, nextJob.recheck)}`
                  : pollJobId(job.ip, job.helo, followUp.next.poll.slot),
            delayMs: followUp.next.delayMs,
            chainJob: nextJob,
          }
        : {
            job: nextJob,
            jobId: recheckJobId(job.chainId, nextJob.recheck),
            delayMs: followUp.next.delayMs,
            chainJob: nextJob,
          };
  }

  return {
    chainResult:
      asked && report.verdict !== "inconclusive" ? { report, ttlMs: settings.dedupWindowMs + 60_000 } : null,
    deliveries,
    watches: input.watchers.map((watcher) => ({
      watcher,
      decision: planWatchNotice(jobId, report, watcher),
    })),
    followUp,
    next,
  };
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

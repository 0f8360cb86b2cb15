// What the channels watching an IP hear after a check of it: a change (broke, recovered, PTR name
// changed) against what each channel last saw, announced once. Two checks of the same IP can
// finish together (a watch run and a command's check); each channel's state is therefore written
// with a compare-and-set, and only the check whose write wins enqueues the notice.

import type { Redis } from "ioredis";
import type { OutboundMessage } from "../chat/types.js";
import type { CheckReport } from "../check/types.js";
import { threadReply } from "../queue/deliveries.js";
import type { DeliveryJob } from "../queue/jobs.js";
import { historyEntryFor } from "../store/history.js";
import type { StoreKeys } from "../store/keys.js";
import { compareAndSetWatchState, readWatchState, type WatchState, watchersOf } from "../store/watches.js";

const MAX_TRIES = 5;

function watchStateOf(report: CheckReport): WatchState & { problems: string[] } {
  return {
    verdict: report.verdict === "pass" ? "pass" : "fail",
    names: [...report.ptr.names].sort(),
    problems: [...new Set(report.problems.map((problem) => problem.code))].sort(),
  };
}

export function watchChange(
  before: WatchState | null,
  after: WatchState,
): "broke" | "recovered" | "drifted" | null {
  if (before === null) return null; // the first run sets the baseline: channels hear of changes only
  if (before.verdict !== after.verdict) return after.verdict === "fail" ? "broke" : "recovered";
  return before.names.join(" ") === after.names.join(" ") ? null : "drifted";
}

/**
 * Records the report as each watching channel's latest state and returns the change notices to
 * enqueue. Call it before enqueueing: if the job dies after its write won but before the enqueue,
 * its re-run (same job id) finds its own write and returns the same notice again (same delivery id).
 */
export async function claimWatchChanges(
  redis: Redis,
  keys: StoreKeys,
  jobId: string,
  report: CheckReport,
): Promise<DeliveryJob[]> {
  if (report.verdict === "inconclusive") return [];
  const ip = report.ip;
  const deliveries: DeliveryJob[] = [];
  const after = watchStateOf(report);
  for (const { channel, record } of await watchersOf(redis, keys, ip)) {
    const notice = (change: NonNullable<WatchState["notice"]>["change"], previousNames: string[]) => {
      const target = record.target === ip ? ip : `${ip} (${record.target})`;
      const message: OutboundMessage = { kind: "watch-change", target, change, report, previousNames };
      return threadReply(jobId, record.origin, message, `watch|${channel}|${ip}`);
    };
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const { text, state: before } = await readWatchState(redis, keys, channel, ip);
      if (before?.by === jobId) {
        // This job's earlier attempt won the write: repeat its notice (a no-op if it was queued).
        if (before.notice) deliveries.push(notice(before.notice.change, before.notice.previousNames));
        break;
      }
      // A newer check already spoke for this channel: this older result has nothing to add.
      if (before?.checkedAt !== undefined && before.checkedAt >= report.checkedAt) break;
      const change = watchChange(before, after);
      const previousNames = before?.names ?? [];
      // The history records every change of verdict, PTR names or problem codes (the first run
      // too); the chat hears only of the changes watchChange names.
      const entry = historyEntryFor(before, after, report.checkedAt);
      const since = entry?.at ?? before?.since ?? report.checkedAt;
      const next: WatchState = {
        ...after,
        since,
        checkedAt: report.checkedAt,
        by: jobId,
        notice: change === null ? null : { change, previousNames },
      };
      if (await compareAndSetWatchState(redis, keys, channel, ip, text, next, entry)) {
        if (change !== null) deliveries.push(notice(change, previousNames));
        break;
      }
      // Another check wrote first: judge again against what it wrote.
    }
  }
  return deliveries;
}

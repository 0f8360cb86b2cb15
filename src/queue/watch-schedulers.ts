// The job schedulers behind watches: one per channel watch (src/queue/ids.ts watchRunSchedulerId),
// whose runs workers/watch.ts splits into chunks. BullMQ plumbing only; when a scheduler should
// exist is the app's to decide (src/app/watch-schedulers.ts), from the stored watches.
import type { Queue } from "bullmq";
import { firstWatchRunId, watchRunSchedulerId, watchSchedulerId } from "./ids.js";
import type { CheckJob, WatchJob } from "./jobs.js";
import { firstScheduledRunAt, watchPhaseMs } from "./watch-phase.js";

export interface WatchRef {
  /** The channel key (src/store/watches.ts channelKey). */
  channel: string;
  target: string;
  /** The watch's own interval (`every`); absent or null: the deployment's. */
  everyMs?: number | null;
}

/**
 * Creates or updates the watch's scheduler. Its runs fall on the watch's own phase of the interval
 * (src/queue/watch-phase.ts), so many watches do not run in the same second; the first scheduled
 * run is half an interval to an interval and a half away, since a new watch's first run is queued
 * by queueFirstWatchRun once its thread exists (the baseline needs a thread).
 */
export async function upsertWatchRunScheduler(
  queue: Queue<WatchJob>,
  watch: WatchRef,
  everyMs: number,
  now = Date.now(),
): Promise<void> {
  const offset = watchPhaseMs(watch, everyMs);
  await queue.upsertJobScheduler(
    watchRunSchedulerId(watch.channel, watch.target),
    // `offset` keeps the phase when BullMQ catches up a missed run; `startDate` is on that grid.
    { every: everyMs, offset, startDate: firstScheduledRunAt(offset, now, everyMs) },
    { name: "run", data: { kind: "run", channel: watch.channel, target: watch.target } },
  );
}

/** Queues a watch's first run now; once per watch (a deterministic id from when it was made). */
export async function queueFirstWatchRun(
  queue: Queue<WatchJob>,
  watch: WatchRef,
  createdAt: string,
): Promise<void> {
  await queue.add(
    "run",
    { kind: "run", channel: watch.channel, target: watch.target },
    { jobId: firstWatchRunId(watch.channel, watch.target, createdAt) },
  );
}

/** The watches among `watches` that have no scheduler. */
export async function watchesWithoutScheduler(
  queue: Queue<WatchJob>,
  watches: readonly WatchRef[],
): Promise<WatchRef[]> {
  const found = await Promise.all(
    watches.map((watch) => queue.getJobScheduler(watchRunSchedulerId(watch.channel, watch.target))),
  );
  return watches.filter((_, index) => found[index] === undefined);
}

export async function removeWatchRunScheduler(queue: Queue<WatchJob>, watch: WatchRef): Promise<void> {
  await queue.removeJobScheduler(watchRunSchedulerId(watch.channel, watch.target));
}

/** Removes an IP's scheduler of the check queue, from before schedulers were per watch. */
export async function removeLegacyIpScheduler(queue: Queue<CheckJob>, ip: string): Promise<void> {
  await queue.removeJobScheduler(watchSchedulerId(ip));
}

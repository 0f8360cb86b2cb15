// The changes of one watch run, collected while its chunks settle on any worker, so the run says
// what changed once, when its last chunk ends (workers/watch-summary.ts). Keyed by delivery id,
// which each notice derives from its chunk and address: a chunk run again (a crash, a stalled
// job) brings the same ids, and a change is never counted twice. Every change keeps a small row
// (what a summary and its CSV say); the whole notice (a report view of some kilobytes) is kept
// only for the first few of each thread, which is all that is ever sent one by one, so a /16 whose
// every address broke holds ~65,536 rows, not 65,536 reports. The run is closed when its messages
// are planned; a change arriving after that is handed back to be sent on its own.

import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { withScripts } from "./scripts.js";

/**
 * How long a run's changes are kept: longer than any run waits for its last chunk (its run-end
 * job sends them before then); the ids alone stay as long, so a late re-run adds nothing.
 */
export const RUN_NOTICES_TTL_SECONDS = 24 * 3600;

/**
 * How long a run's keys stay once its messages are queued: what a chunk run again (a stalled job,
 * seconds to minutes later) needs to add nothing. Every range watch's run opens them, so a
 * deployment of many small ranges on a 5-minute pace keeps an hour of runs, not a day.
 */
export const RUN_SENT_TTL_SECONDS = 3600;

/** One change as collected: its delivery id, its thread, its row and its notice (JSON texts). */
export interface CollectedChange {
  id: string;
  thread: string;
  row: string;
  notice: string;
}

/**
 * Collects changes into the run (the run's hash must exist: src/store/watch-runs.ts
 * openRunTally), keeping the whole notice of the first `keepWhole` of each thread. Returns the ids
 * the run will not send: none while it is open; once it is closed, those it never saw (a chunk
 * that ended after the run-end job stopped waiting).
 */
export async function collectRunChanges(
  redis: RedisClient,
  keys: StoreKeys,
  runId: string,
  changes: readonly CollectedChange[],
  keepWhole: number,
): Promise<string[]> {
  if (changes.length === 0) return [];
  return withScripts(redis).rdnsWatchRunCollect(
    keys.watchRun(runId),
    keys.watchRunRows(runId),
    keys.watchRunNotices(runId),
    keys.watchRunNoticed(runId),
    RUN_NOTICES_TTL_SECONDS,
    keepWhole,
    ...changes.flatMap((change) => [change.id, change.thread, change.row, change.notice]),
  );
}

/** What a closed run collected: every change's row, and the notices kept whole (by delivery id). */
export interface ClosedRun {
  rows: string[];
  notices: Map<string, string>;
}

/**
 * Closes the run (changes collected from now on are handed back to their chunk) and returns what
 * it collected, or null when its messages were already queued (markRunSent). Called again after a
 * crash before markRunSent, it returns the same: nothing is added once closed, so the same
 * messages (deterministic delivery ids) are planned again.
 */
export async function closeRun(
  redis: RedisClient,
  keys: StoreKeys,
  runId: string,
): Promise<ClosedRun | null> {
  const result = await redis
    .multi()
    .hset(keys.watchRun(runId), "closed", 1)
    .hget(keys.watchRun(runId), "sent")
    .hvals(keys.watchRunRows(runId))
    .hgetall(keys.watchRunNotices(runId))
    .exec();
  for (const [error] of result ?? []) if (error) throw error;
  const sent = result?.[1]?.[1];
  if (sent !== null && sent !== undefined) return null;
  // The run's hash made again by HSET if it had expired: it must not stay forever.
  await redis.expire(keys.watchRun(runId), RUN_NOTICES_TTL_SECONDS);
  const rows = (result?.[2]?.[1] ?? []) as string[];
  const notices = (result?.[3]?.[1] ?? {}) as Record<string, string>;
  return { rows, notices: new Map(Object.entries(notices)) };
}

/**
 * The run's messages are queued: its rows and notices are dropped, and the rest (the ids, for a
 * chunk run again; the run's counts) kept for RUN_SENT_TTL_SECONDS.
 */
export async function markRunSent(redis: RedisClient, keys: StoreKeys, runId: string): Promise<void> {
  const result = await redis
    .multi()
    .hset(keys.watchRun(runId), "sent", 1)
    .del(keys.watchRunRows(runId), keys.watchRunNotices(runId))
    .expire(keys.watchRun(runId), RUN_SENT_TTL_SECONDS)
    .expire(keys.watchRunCounted(runId), RUN_SENT_TTL_SECONDS)
    .expire(keys.watchRunNoticed(runId), RUN_SENT_TTL_SECONDS)
    .exec();
  for (const [error] of result ?? []) if (error) throw error;
}

// The change notices of one watch run, collected while its chunks settle on any worker, so the run
// says what changed once, when its last chunk ends (workers/watch-summary.ts). Keyed by delivery
// id, which each notice derives from its chunk and address: a chunk run again (a crash, a stalled
// job) writes the same ids, and a notice is never counted twice. The run is closed when its
// messages are planned; a notice arriving after that is handed back to be sent on its own.

import { z } from "zod";
import type { StoreKeys } from "../keys.js";
import type { DeliveryJob } from "../queue/jobs.js";
import type { RedisClient } from "../redis-client.js";
import { withScripts } from "./scripts.js";

/**
 * How long a run's notices are kept: longer than any run's wait for its last chunk (its run-end
 * job sends them before then); the ids alone stay as long, so a late re-run adds nothing.
 */
export const RUN_NOTICES_TTL_SECONDS = 24 * 3600;

/**
 * Collects notices into the run (the run's hash must exist: src/store/watch-runs.ts
 * openRunTally). Returns those the run will not send: none while it is open; once it is closed,
 * the ones it never saw (a chunk that ended after the run-end job gave up waiting).
 */
export async function collectRunNotices(
  redis: RedisClient,
  keys: StoreKeys,
  runId: string,
  notices: readonly DeliveryJob[],
): Promise<DeliveryJob[]> {
  if (notices.length === 0) return [];
  const late = await withScripts(redis).rdnsWatchRunCollect(
    keys.watchRun(runId),
    keys.watchRunNotices(runId),
    keys.watchRunNoticed(runId),
    RUN_NOTICES_TTL_SECONDS,
    ...notices.flatMap((notice) => [notice.deliveryId, JSON.stringify(notice)]),
  );
  const lateIds = new Set(late);
  return notices.filter((notice) => lateIds.has(notice.deliveryId));
}

// A notice is this project's own DeliveryJob, written above: the schema checks its identity; one
// that fails it is an error (the run-end is retried), since a summary that silently leaves an
// address out would say it did not change.
const noticeSchema = z.looseObject({
  deliveryId: z.string(),
  platform: z.string(),
  target: z.looseObject({ op: z.string() }),
  message: z.looseObject({ kind: z.string() }),
});

/**
 * Closes the run (notices collected from now on are handed back to their chunk) and returns
 * everything it collected, or null when its messages were already queued (markRunSent). Called
 * again after a crash before markRunSent, it returns the same notices: they do not change once
 * closed, so the same messages (deterministic delivery ids) are planned again.
 */
export async function closeRun(
  redis: RedisClient,
  keys: StoreKeys,
  runId: string,
): Promise<DeliveryJob[] | null> {
  const result = await redis
    .multi()
    .hset(keys.watchRun(runId), "closed", 1)
    .expire(keys.watchRun(runId), RUN_NOTICES_TTL_SECONDS)
    .hget(keys.watchRun(runId), "sent")
    .hvals(keys.watchRunNotices(runId))
    .exec();
  for (const [error] of result ?? []) if (error) throw error;
  const sent = result?.[2]?.[1];
  if (sent !== null && sent !== undefined) return null;
  const texts = (result?.[3]?.[1] ?? []) as string[];
  return texts.map((text) => noticeSchema.parse(JSON.parse(text)) as unknown as DeliveryJob);
}

/** The run's messages are queued: its notices are dropped (their ids stay, for late re-runs). */
export async function markRunSent(redis: RedisClient, keys: StoreKeys, runId: string): Promise<void> {
  const result = await redis
    .multi()
    .hset(keys.watchRun(runId), "sent", 1)
    .del(keys.watchRunNotices(runId))
    .exec();
  for (const [error] of result ?? []) if (error) throw error;
}

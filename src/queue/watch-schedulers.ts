// The job schedulers behind watches: one per watched IP, shared by every channel watching it
// (src/queue/ids.ts watchSchedulerId). Removing one is where races live: "nobody watches this
// IP any more" can stop being true between the check and the removal (a watch from another
// channel lands in between), so the removal re-checks afterwards and restores the scheduler.
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";
import { watchSchedulerId } from "./ids.js";
import { type CheckJob, newCheckJob } from "./jobs.js";

/** Creates or updates the IP's scheduler (commands/watch.ts builds the same one). */
export async function upsertWatchScheduler(
  queue: Queue<CheckJob>,
  ip: string,
  everyMs: number,
): Promise<void> {
  const id = watchSchedulerId(ip);
  await queue.upsertJobScheduler(
    id,
    { every: everyMs },
    {
      name: "watch",
      data: newCheckJob({ ip, helo: null, origins: [], originsKey: null, reason: "watch", chainId: id }),
    },
  );
}

/**
 * Removes the IP's scheduler if no channel watches the IP; returns whether it is gone. The
 * watcher set is read after the removal: a watch added before that read is seen and its scheduler
 * restored, and one added after it upserts the scheduler itself (commands/watch.ts adds the watch
 * before its upsert), so a concurrent watch never ends up without its scheduler.
 */
export async function dropWatchSchedulerIfUnwatched(
  redis: Redis,
  keys: StoreKeys,
  queue: Queue<CheckJob>,
  ip: string,
  everyMs: number,
): Promise<boolean> {
  if ((await redis.scard(keys.watchers(ip))) > 0) return false;
  await queue.removeJobScheduler(watchSchedulerId(ip));
  if ((await redis.scard(keys.watchers(ip))) === 0) return true;
  await upsertWatchScheduler(queue, ip, everyMs);
  return false;
}

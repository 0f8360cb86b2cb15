// When a watch's scheduler exists: exactly while the watch is stored. Creating one is idempotent;
// removing one is where races live: the same watch can be made again between the unwatch's
// removal of the record and its removal of the scheduler, so the removal looks again afterwards
// and restores the scheduler.
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";
import type { Queues } from "../queue/queues.js";
import {
  removeWatchRunScheduler,
  upsertWatchRunScheduler,
  type WatchRef,
  watchesWithoutScheduler,
} from "../queue/watch-schedulers.js";
import type { EngineSettings } from "../settings.js";
import { getWatch, watchIntervalOf } from "../store/watches.js";

/** What scheduling needs: the workers pass these too, so not the whole AppContext. */
export interface SchedulerDeps {
  redis: Redis;
  keys: StoreKeys;
  queues: Pick<Queues, "watch">;
  settings: Pick<EngineSettings, "watchIntervalMs">;
}

/**
 * Creates the schedulers missing for these watches (an existing one is left alone, so its next
 * run keeps its time); returns the watches it had to create. Run for a new watch, and again by
 * every `watch` and `watches` command, which is what repairs a watch whose creation failed
 * half-way.
 */
export async function ensureWatchSchedulers(
  deps: SchedulerDeps,
  watches: readonly WatchRef[],
): Promise<WatchRef[]> {
  const missing = await watchesWithoutScheduler(deps.queues.watch, watches);
  for (const watch of missing)
    await upsertWatchRunScheduler(deps.queues.watch, watch, intervalOf(deps, watch));
  return missing;
}

/** The watch's own interval, else the deployment's. */
function intervalOf(deps: Pick<SchedulerDeps, "settings">, watch: WatchRef): number {
  return watch.everyMs ?? deps.settings.watchIntervalMs;
}

/**
 * Gives a stored watch a new interval (`/rdns watch <target> every 2h` again): its scheduler is
 * replaced, on the watch's own phase of the new interval.
 */
export async function rescheduleWatch(deps: SchedulerDeps, watch: WatchRef): Promise<void> {
  await upsertWatchRunScheduler(deps.queues.watch, watch, intervalOf(deps, watch));
}

/**
 * Removes the watch's scheduler if the watch is not stored; returns whether it is gone. The record
 * is read again after the removal: a watch made again meanwhile gets its scheduler back.
 */
export async function dropWatchSchedulerIfUnwatched(deps: SchedulerDeps, watch: WatchRef): Promise<boolean> {
  const { redis, keys, queues, settings } = deps;
  const stored = () => redis.hexists(keys.watches(watch.channel), watch.target);
  if ((await stored()) === 1) return false;
  await removeWatchRunScheduler(queues.watch, watch);
  if ((await stored()) === 0) return true;
  const record = await getWatch(redis, keys, watch.channel, watch.target);
  await upsertWatchRunScheduler(
    queues.watch,
    watch,
    record === null ? settings.watchIntervalMs : watchIntervalOf(record, settings.watchIntervalMs),
  );
  return false;
}

// When a watched IP's scheduler exists: exactly while some channel watches the IP. Creating one
// is idempotent; removing one is where races live: "nobody watches this IP any more" can stop
// being true between the look and the removal (a watch from another channel lands in between),
// so the removal looks again afterwards and restores the scheduler.
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";
import type { Queues } from "../queue/queues.js";
import {
  ipsWithoutScheduler,
  removeWatchScheduler,
  upsertWatchScheduler,
} from "../queue/watch-schedulers.js";
import type { EngineSettings } from "../settings.js";

/** What scheduling needs: the check worker passes these too, so not the whole AppContext. */
export interface SchedulerDeps {
  redis: Redis;
  keys: StoreKeys;
  queues: Pick<Queues, "check">;
  settings: Pick<EngineSettings, "watchIntervalMs">;
}

/**
 * Creates the schedulers missing for these IPs (an existing one is left alone, so its next run
 * keeps its time); returns the IPs it had to create. Run for a new watch, and again by every
 * `watch` and `watches` command, which is what repairs a watch whose creation failed half-way.
 */
export async function ensureWatchSchedulers(deps: SchedulerDeps, ips: readonly string[]): Promise<string[]> {
  const missing = await ipsWithoutScheduler(deps.queues.check, ips);
  for (const ip of missing) await upsertWatchScheduler(deps.queues.check, ip, deps.settings.watchIntervalMs);
  return missing;
}

/**
 * Removes the IP's scheduler if no channel watches the IP; returns whether it is gone. The
 * watcher set is read after the removal: a watch added before that read is seen and its scheduler
 * restored, and one added after it creates the scheduler itself (a watch is stored before its
 * schedulers), so a concurrent watch never ends up without its scheduler.
 */
export async function dropWatchSchedulerIfUnwatched(deps: SchedulerDeps, ip: string): Promise<boolean> {
  const { redis, keys, queues, settings } = deps;
  if ((await redis.scard(keys.watchers(ip))) > 0) return false;
  await removeWatchScheduler(queues.check, ip);
  if ((await redis.scard(keys.watchers(ip))) === 0) return true;
  await upsertWatchScheduler(queues.check, ip, settings.watchIntervalMs);
  return false;
}

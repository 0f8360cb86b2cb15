// A channel's watch targets as a lexicographic index (a sorted set, every score 0), for
// autocomplete (src/app/complete.ts): the targets that start with what was typed come from
// ZRANGEBYLEX in O(log n + k), however many a channel watches, where the watches hash would have
// to be scanned whole. It is written beside the watches hash (addWatch, removeWatch), not in their
// scripts: it only offers choices, and the command chosen reads the watches hash itself, so a
// stale entry (a crash between the two writes) offers a target the command then calls unknown.
// A channel whose watches predate the index gets it built once, from the hash's field names.
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";

export async function indexWatchTarget(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<void> {
  await redis.zadd(keys.watchTargets(channel), 0, target);
}

export async function unindexWatchTarget(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<void> {
  await redis.zrem(keys.watchTargets(channel), target);
}

/** Builds the index from the watches hash when it is missing (watches made before it existed). */
async function ensureTargetIndex(redis: Redis, keys: StoreKeys, channel: string): Promise<void> {
  if ((await redis.exists(keys.watchTargets(channel))) === 1) return;
  let cursor = "0";
  do {
    // HSCAN, not HKEYS: a channel with 65,536 watches is read in steps, not one huge reply.
    const [next, entries] = await redis.hscan(keys.watches(channel), cursor, "COUNT", 1000);
    cursor = next;
    const members: (string | number)[] = [];
    for (let index = 0; index < entries.length; index += 2) members.push(0, entries[index] as string);
    if (members.length > 0) await redis.zadd(keys.watchTargets(channel), ...members);
  } while (cursor !== "0");
}

/** The channel's targets starting with `prefix` (case as stored), in text order, at most `limit`. */
export async function watchTargetsStartingWith(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  prefix: string,
  limit: number,
): Promise<string[]> {
  await ensureTargetIndex(redis, keys, channel);
  // "[" makes the bounds inclusive; U+FFFF sorts after any character a target holds.
  return redis.zrangebylex(keys.watchTargets(channel), `[${prefix}`, `[${prefix}\uffff`, "LIMIT", 0, limit);
}

// Watches: a channel follows IPs or ranges and hears when one breaks, recovers or drifts.
// Stored as a hash per channel (target -> record, src/store/watch-record.ts), an index of who
// watches (per single address, and one set of every range watch, src/store/watchers.ts), so a
// check of an IP reaches every watching channel. What each channel last saw per IP is
// src/store/watch-states.ts; removing a watch is src/store/watch-removal.ts.

import type { Origin } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { withScripts } from "./scripts.js";
import { targetPrefix } from "./watch-prefixes.js";
import {
  ensurePrefixIndex,
  parseWatchRecord,
  storedWatchText,
  type WatchRecord,
  watcherMember,
  watcherSet,
} from "./watch-record.js";
import { indexWatchTarget } from "./watch-targets.js";

export {
  channelKey,
  listWatches,
  mutedAt,
  sameHelo,
  type WatchRecord,
  watchAddresses,
  watchIntervalOf,
} from "./watch-record.js";
export { removeWatch } from "./watch-removal.js";
export type { WatchState } from "./watch-states.js";
export { watchersOf, watchersOfMany } from "./watchers.js";

/**
 * "cap": the channel's distinct addresses (`watched`) would pass `cap`; "total-cap": every
 * channel's together (`watched` is the deployment's) would pass the total cap.
 */
export type AddWatchResult =
  | { ok: true }
  | { ok: false; reason: "exists" | "cap" | "total-cap"; watched: number };

/**
 * Adds a watch unless it exists, would take the channel past `cap` distinct addresses, or every
 * channel's together past `totalCap` (WATCH_CAP_TOTAL; each channel's distinct addresses added
 * up, since each channel's watches run and keep their states on their own), in one Lua script
 * (atomic in Redis), so concurrent commands can neither both slip under a cap nor both add the
 * same watch.
 */
export async function addWatch(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  record: Omit<WatchRecord, "ips"> & { ips?: readonly string[] },
  cap: number,
  totalCap = Number.MAX_SAFE_INTEGER,
): Promise<AddWatchResult> {
  await ensurePrefixIndex(redis, keys, channel);
  // The index of channels with watches (the servers page reads it). Never removed again: a
  // channel that once watched is a few bytes, and removing it could race a watch being added.
  await redis.sadd(keys.watchChannels(), channel);
  // The watch-add script (src/store/lua/watch-add.lua): look and write in one step, so
  // concurrent commands can neither both slip under the cap nor both add the same watch.
  const [status, watched] = await withScripts(redis).rdnsWatchAdd(
    keys.watches(channel),
    keys.watchPrefixes(channel),
    watcherSet(keys, record.target),
    keys.allWatchPrefixes(),
    record.target,
    storedWatchText(record),
    String(cap),
    watcherMember(channel, record.target),
    targetPrefix(record.target),
    String(totalCap),
  );
  if (status === 1) {
    await indexWatchTarget(redis, keys, channel, record.target);
    return { ok: true };
  }
  return { ok: false, reason: status === 0 ? "exists" : status === -1 ? "cap" : "total-cap", watched };
}

/**
 * Distinct addresses watched by any channel (an address two channels watch counts once). Watches
 * stored before this index existed are counted once their channel's next watch command fills it.
 */
export async function countAllWatchedAddresses(redis: RedisClient, keys: StoreKeys): Promise<number> {
  return Number(await withScripts(redis).rdnsWatchCount(keys.allWatchPrefixes()));
}

/** Distinct addresses the channel watches. */
export async function countWatchedAddresses(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
): Promise<number> {
  await ensurePrefixIndex(redis, keys, channel);
  return Number(await withScripts(redis).rdnsWatchCount(keys.watchPrefixes(channel)));
}

/** One channel watch, or null. */
export async function getWatch(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<WatchRecord | null> {
  const text = await redis.hget(keys.watches(channel), target);
  return text === null ? null : parseWatchRecord(text, `${keys.watches(channel)} ${target}`);
}

/**
 * Changes a stored watch, if it still exists (an unwatch may have removed it meanwhile): the
 * record after the change, or null when it is gone. A compare-and-set script, as in addWatch, so a
 * concurrent removal is not undone and two changes do not overwrite each other.
 */
export async function updateWatch(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  target: string,
  change: (record: WatchRecord) => WatchRecord,
): Promise<WatchRecord | null> {
  const key = keys.watches(channel);
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = await redis.hget(key, target);
    if (text === null) return null;
    const record = change(parseWatchRecord(text, `${key} ${target}`));
    // Compare-and-set (src/store/lua/watch-record-set.lua): written only if still the text read.
    const status = await withScripts(redis).rdnsWatchRecordSet(key, target, text, storedWatchText(record));
    if (status === 1) return record;
    if (status === 0) return null;
  }
  throw new Error("the watch list kept changing while changing the watch; try again");
}

/** Records the thread a watch was announced in, if the watch still exists; true when written. */
export async function setWatchOrigin(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  target: string,
  origin: Origin,
): Promise<boolean> {
  return (await updateWatch(redis, keys, channel, target, (record) => ({ ...record, origin }))) !== null;
}

/**
 * Takes the right to announce one watch (open its thread) for `ms`: of two commands completing
 * the same watch at once, one announces. Released early when the announcement fails.
 */
export async function claimWatchAnnouncement(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  target: string,
  ms: number,
): Promise<boolean> {
  return (await redis.set(keys.watchAnnouncement(channel, target), "1", "PX", ms, "NX")) === "OK";
}

export async function releaseWatchAnnouncement(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<void> {
  await redis.del(keys.watchAnnouncement(channel, target));
}

/**
 * Every channel with watches. Watches written before the channel index existed are found once by
 * a SCAN, which fills the index.
 */
export async function listWatchedChannels(redis: RedisClient, keys: StoreKeys): Promise<string[]> {
  const index = keys.watchChannels();
  if ((await redis.exists(index)) === 0) {
    const marker = keys.watches("");
    let cursor = "0";
    const found: string[] = [];
    do {
      const [next, names] = await redis.scan(cursor, "MATCH", `${marker}*`, "COUNT", 1000);
      found.push(...names.map((name) => name.slice(marker.length)));
      cursor = next;
    } while (cursor !== "0");
    if (found.length > 0) await redis.sadd(index, ...found);
  }
  return (await redis.smembers(index)).sort();
}

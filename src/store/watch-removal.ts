// Removing a watch: the record and its indexes in one script, then what the channel remembers of
// the addresses no other watch of it covers.

import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { withScripts } from "./scripts.js";
import { targetPrefix } from "./watch-prefixes.js";
import {
  ensurePrefixIndex,
  parseWatchRecord,
  type WatchRecord,
  watcherMember,
  watcherSet,
} from "./watch-record.js";
import { unindexWatchTarget } from "./watch-targets.js";

/** Forgets a channel's states and histories of `ips`, in batches. */
async function forgetAddresses(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  ips: readonly string[],
): Promise<void> {
  for (let i = 0; i < ips.length; i += 1000) {
    const batch = ips.slice(i, i + 1000);
    await redis.hdel(keys.watchState(channel), ...batch);
    await redis.del(...batch.map((ip) => keys.watchHistory(channel, ip)));
  }
}

/**
 * Removes a watch atomically and returns it (null when there was none). What the channel
 * remembers of addresses no other watch of it covers is forgotten afterwards, in batches: a
 * /16's 65,536 entries in the same script would hold Redis for seconds, and a state left behind
 * by a crash in between is only an address's last verdict, harmless.
 */
export async function removeWatch(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<{ removed: WatchRecord | null }> {
  await ensurePrefixIndex(redis, keys, channel);
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = await redis.hget(keys.watches(channel), target);
    if (text === null) return { removed: null };
    const record = parseWatchRecord(text, `${keys.watches(channel)} ${target}`);
    // Compare-and-delete (src/store/lua/watch-remove.lua): only the record read goes.
    const status = await withScripts(redis).rdnsWatchRemove(
      keys.watches(channel),
      keys.watchPrefixes(channel),
      watcherSet(keys, record.target),
      keys.allWatchPrefixes(),
      target,
      watcherMember(channel, target),
      text,
    );
    if (status === 0) return { removed: null };
    if (status === 1) {
      await unindexWatchTarget(redis, keys, channel, target);
      const remaining = Object.values(await redis.hgetall(keys.watchPrefixes(channel)));
      const forget = record.ips.filter((ip) => {
        const own = targetPrefix(ip);
        return !remaining.some((prefix) => own.startsWith(prefix));
      });
      await forgetAddresses(redis, keys, channel, forget);
      // The block owners go with the channel's last watch (a later watch offers them again).
      if ((await redis.hlen(keys.watches(channel))) === 0) await redis.del(keys.watchOwners(channel));
      return { removed: record };
    }
  }
  throw new Error("the watch kept changing while removing it; try again");
}

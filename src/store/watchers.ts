// Who watches an IP: single-address watches by the address's own set, range watches by
// containment in the set of every range watch (src/store/watch-prefixes.ts).

import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { targetPrefix } from "./watch-prefixes.js";
import { parseWatchRecord, type WatchRecord } from "./watch-record.js";

/**
 * The watches covering each of `ips`, reading each watch record once however many of the IPs it
 * covers. Single-address watches are found by the address's own set, ranges by containment.
 */
export async function watchersOfMany(
  redis: RedisClient,
  keys: StoreKeys,
  ips: readonly string[],
): Promise<Map<string, { channel: string; record: WatchRecord }[]>> {
  const pipeline = redis.pipeline();
  for (const ip of ips) pipeline.smembers(keys.watchers(ip));
  pipeline.smembers(keys.rangeWatches());
  const replies = ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as string[];
  });
  const ranges = (replies[ips.length] ?? []).map((member) => ({
    member,
    prefix: targetPrefix(member.split("\t")[1] ?? ""),
  }));
  const records = new Map<string, Promise<WatchRecord | null>>();
  const recordOf = (member: string) => {
    let found = records.get(member);
    if (found === undefined) {
      const [channel = "", target = ""] = member.split("\t");
      found = redis
        .hget(keys.watches(channel), target)
        .then((text) =>
          text === null ? null : parseWatchRecord(text, `${keys.watches(channel)} ${target}`),
        );
      records.set(member, found);
    }
    return found;
  };
  const result = new Map<string, { channel: string; record: WatchRecord }[]>();
  for (const [index, ip] of ips.entries()) {
    const own = targetPrefix(ip);
    const members = new Set([
      ...(replies[index] ?? []),
      ...ranges.filter((range) => own.startsWith(range.prefix)).map((range) => range.member),
    ]);
    const list: { channel: string; record: WatchRecord }[] = [];
    for (const member of members) {
      const record = await recordOf(member);
      if (record !== null) list.push({ channel: member.split("\t")[0] ?? "", record });
    }
    result.set(ip, list);
  }
  return result;
}

/** Every channel watch that covers this IP. */
export async function watchersOf(
  redis: RedisClient,
  keys: StoreKeys,
  ip: string,
): Promise<{ channel: string; record: WatchRecord }[]> {
  return (await watchersOfMany(redis, keys, [ip])).get(ip) ?? [];
}

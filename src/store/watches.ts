// Watches: a channel follows IPs or ranges and hears when one breaks, recovers or drifts.
// Stored as a hash per channel (target -> record), an index of who watches (per single address,
// and one set of every range watch), so a check of an IP reaches every watching channel. What
// each channel last saw per IP is src/store/watch-states.ts.
import type { Redis } from "ioredis";
import type { Origin, WatchChange } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import { LUA_UNION, targetPrefix } from "./watch-prefixes.js";

export interface WatchRecord {
  target: string;
  ips: string[];
  /**
   * The watch's own thread in the subscribed channel: changes are posted there. Null between
   * storing the watch and announcing it (the announcement opens the thread), and for a watch
   * whose announcement failed until the next `/rdns watch` of it completes it.
   */
  origin: Origin | null;
  user: string;
  createdAt: string;
  /**
   * The name the watched servers announce in HELO/EHLO: every run checks it too (absent or null:
   * no HELO check; records stored before HELO names existed have none).
   */
  helo?: string | null;
}

/** What a channel last saw for one watched IP. */
export interface WatchState {
  verdict: "pass" | "fail";
  names: string[];
  /** The report's problem codes, sorted (absent on states written before history existed). */
  problems?: string[];
  /** When this state began: the checkedAt of the last change in the history. */
  since?: string;
  /** The report's checkedAt: an older result never overwrites a newer one. */
  checkedAt?: string;
  /** The job that wrote this state, and the change it announced (re-sent if that job is re-run). */
  by?: string;
  notice?: { change: WatchChange; previousNames: string[] } | null;
}

/** HELO names compare as DNS names do: case-insensitive, a trailing dot ignored. */
export function sameHelo(a: string | null, b: string | null): boolean {
  const norm = (name: string | null) => (name === null ? null : name.toLowerCase().replace(/\.$/, ""));
  return norm(a) === norm(b);
}

export function channelKey(platform: string, channel: string): string {
  return `${platform}:${channel}`;
}

export async function listWatches(redis: Redis, keys: StoreKeys, channel: string): Promise<WatchRecord[]> {
  const all = await redis.hgetall(keys.watches(channel));
  // Oldest first; watches made in the same millisecond by target, so the order never depends
  // on Redis's hash layout (a hashtable past 64-byte values iterates in no fixed order).
  return Object.values(all)
    .map((text) => JSON.parse(text) as WatchRecord)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.target.localeCompare(b.target));
}

export type AddWatchResult = { ok: true } | { ok: false; reason: "exists" | "cap"; watched: number };

// One script, so the look (exists? under the cap?) and the write cannot be split by another
// command: WATCH/MULTI on a connection shared by concurrent commands could not promise that (one
// command's EXEC clears every WATCH on the connection). KEYS: the watches hash, the prefixes
// hash, the watcher set (an address's own, or the set of range watches), every channel's
// prefixes. ARGV: target, record
// JSON, cap, watcher member, the target's prefix. Returns {1 added | 0 exists | -1 cap, watched}.
const ADD_WATCH = `${LUA_UNION}
local prefixes = redis.call('HVALS', KEYS[2])
local watched = union(prefixes)
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0, watched} end
table.insert(prefixes, ARGV[5])
local after = union(prefixes)
if after > tonumber(ARGV[3]) then return {-1, watched} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
return {1, after}
`;

function watcherMember(channel: string, target: string): string {
  return `${channel}\t${target}`;
}

/** Where a watch is indexed for "who watches this IP": its address's set, or the range set. */
function watcherSet(keys: StoreKeys, record: Pick<WatchRecord, "target" | "ips">): string {
  return record.target.includes("/") ? keys.rangeWatches() : keys.watchers(record.ips[0] ?? record.target);
}

/**
 * The channel's prefix index, filled from its records when they were stored before it existed
 * (each value follows from its target, so filling it twice at once writes the same thing).
 */
async function ensurePrefixIndex(redis: Redis, keys: StoreKeys, channel: string): Promise<void> {
  if ((await redis.exists(keys.watchPrefixes(channel))) === 1) return;
  const records = await listWatches(redis, keys, channel);
  if (records.length === 0) return;
  const multi = redis.multi();
  for (const record of records) {
    multi.hsetnx(keys.watchPrefixes(channel), record.target, targetPrefix(record.target));
    multi.hsetnx(keys.allWatchPrefixes(), watcherMember(channel, record.target), targetPrefix(record.target));
    if (record.target.includes("/")) multi.sadd(keys.rangeWatches(), watcherMember(channel, record.target));
  }
  await multi.exec();
}

/**
 * Adds a watch unless it exists or would take the channel past `cap` distinct addresses, in one
 * Lua script (atomic in Redis), so concurrent commands can neither both slip under the cap nor
 * both add the same watch.
 */
export async function addWatch(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  record: WatchRecord,
  cap: number,
): Promise<AddWatchResult> {
  await ensurePrefixIndex(redis, keys, channel);
  // The index of channels with watches (the servers page reads it). Never removed again: a
  // channel that once watched is a few bytes, and removing it could race a watch being added.
  await redis.sadd(keys.watchChannels(), channel);
  const [status, watched] = (await redis.eval(
    ADD_WATCH,
    4,
    keys.watches(channel),
    keys.watchPrefixes(channel),
    watcherSet(keys, record),
    keys.allWatchPrefixes(),
    record.target,
    JSON.stringify(record),
    String(cap),
    watcherMember(channel, record.target),
    targetPrefix(record.target),
  )) as [number, number];
  if (status === 1) return { ok: true };
  return { ok: false, reason: status === 0 ? "exists" : "cap", watched };
}

/**
 * Distinct addresses watched by any channel (an address two channels watch counts once). Watches
 * stored before this index existed are counted once their channel's next watch command fills it.
 */
export async function countAllWatchedAddresses(redis: Redis, keys: StoreKeys): Promise<number> {
  return Number(
    await redis.eval(`${LUA_UNION}\nreturn union(redis.call('HVALS', KEYS[1]))`, 1, keys.allWatchPrefixes()),
  );
}

/** Distinct addresses the channel watches. */
export async function countWatchedAddresses(redis: Redis, keys: StoreKeys, channel: string): Promise<number> {
  await ensurePrefixIndex(redis, keys, channel);
  return Number(
    await redis.eval(
      `${LUA_UNION}\nreturn union(redis.call('HVALS', KEYS[1]))`,
      1,
      keys.watchPrefixes(channel),
    ),
  );
}

/** One channel watch, or null. */
export async function getWatch(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<WatchRecord | null> {
  const text = await redis.hget(keys.watches(channel), target);
  return text === null ? null : (JSON.parse(text) as WatchRecord);
}

// Compare-and-set of one watch record: written only if it is still the text the caller read.
const SET_RECORD_IF_UNCHANGED = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if current ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/**
 * Records the thread a watch was announced in, if the watch still exists (an unwatch may have
 * removed it meanwhile); true when written. A compare-and-set script, as in addWatch, so a
 * concurrent removal is not undone.
 */
export async function setWatchOrigin(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
  origin: Origin,
): Promise<boolean> {
  const key = keys.watches(channel);
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = await redis.hget(key, target);
    if (text === null) return false;
    const record: WatchRecord = { ...(JSON.parse(text) as WatchRecord), origin };
    const status = await redis.eval(SET_RECORD_IF_UNCHANGED, 1, key, target, text, JSON.stringify(record));
    if (status === 1) return true;
    if (status === 0) return false;
  }
  throw new Error("the watch list kept changing while recording the watch's thread; try again");
}

/**
 * Takes the right to announce one watch (open its thread) for `ms`: of two commands completing
 * the same watch at once, one announces. Released early when the announcement fails.
 */
export async function claimWatchAnnouncement(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
  ms: number,
): Promise<boolean> {
  return (await redis.set(keys.watchAnnouncement(channel, target), "1", "PX", ms, "NX")) === "OK";
}

export async function releaseWatchAnnouncement(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<void> {
  await redis.del(keys.watchAnnouncement(channel, target));
}

// Removes one watch if it is still the record the caller read (ARGV[3]). KEYS: the watches hash,
// the prefixes hash, the watch's watcher set, every channel's prefixes. Returns 1 removed, 0
// gone already, -1 changed.
const REMOVE_WATCH = `
local text = redis.call('HGET', KEYS[1], ARGV[1])
if not text then return 0 end
if text ~= ARGV[3] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[2])
return 1
`;

/**
 * Removes a watch atomically and returns it (null when there was none). What the channel
 * remembers of addresses no other watch of it covers is forgotten afterwards, in batches: a
 * /16's 65,536 entries in the same script would hold Redis for seconds, and a state left behind
 * by a crash in between is only an address's last verdict, harmless.
 */
export async function removeWatch(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<{ removed: WatchRecord | null }> {
  await ensurePrefixIndex(redis, keys, channel);
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = await redis.hget(keys.watches(channel), target);
    if (text === null) return { removed: null };
    const record = JSON.parse(text) as WatchRecord;
    const status = await redis.eval(
      REMOVE_WATCH,
      4,
      keys.watches(channel),
      keys.watchPrefixes(channel),
      watcherSet(keys, record),
      keys.allWatchPrefixes(),
      target,
      watcherMember(channel, target),
      text,
    );
    if (status === 0) return { removed: null };
    if (status === 1) {
      const remaining = Object.values(await redis.hgetall(keys.watchPrefixes(channel)));
      const forget = record.ips.filter((ip) => {
        const own = targetPrefix(ip);
        return !remaining.some((prefix) => own.startsWith(prefix));
      });
      for (let i = 0; i < forget.length; i += 1000) {
        const batch = forget.slice(i, i + 1000);
        await redis.hdel(keys.watchState(channel), ...batch);
        await redis.del(...batch.map((ip) => keys.watchHistory(channel, ip)));
      }
      return { removed: record };
    }
  }
  throw new Error("the watch kept changing while removing it; try again");
}

/**
 * The watches covering each of `ips`, reading each watch record once however many of the IPs it
 * covers (a range's record lists every address, so reading it per address would not scale).
 * Single-address watches are found by the address's own set, ranges by containment.
 */
export async function watchersOfMany(
  redis: Redis,
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
        .then((text) => (text === null ? null : (JSON.parse(text) as WatchRecord)));
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
  redis: Redis,
  keys: StoreKeys,
  ip: string,
): Promise<{ channel: string; record: WatchRecord }[]> {
  return (await watchersOfMany(redis, keys, [ip])).get(ip) ?? [];
}

/**
 * Every channel with watches. Watches written before the channel index existed are found once by
 * a SCAN, which fills the index.
 */
export async function listWatchedChannels(redis: Redis, keys: StoreKeys): Promise<string[]> {
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

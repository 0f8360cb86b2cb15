// Watches: a channel follows IPs or ranges and hears when one breaks, recovers or drifts.
// Stored as a hash per channel (target -> record), an index per IP (who watches it, so a check
// of that IP reaches every watching channel) and what each channel last saw per IP.
import type { Redis } from "ioredis";
import type { Origin } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";

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
}

/** What a channel last saw for one watched IP. */
export interface WatchState {
  verdict: "pass" | "fail";
  names: string[];
  /** The report's checkedAt: an older result never overwrites a newer one. */
  checkedAt?: string;
  /** The job that wrote this state, and the change it announced (re-sent if that job is re-run). */
  by?: string;
  notice?: { change: "broke" | "recovered" | "drifted"; previousNames: string[] } | null;
}

export function channelKey(platform: string, channel: string): string {
  return `${platform}:${channel}`;
}

export async function listWatches(redis: Redis, keys: StoreKeys, channel: string): Promise<WatchRecord[]> {
  const all = await redis.hgetall(keys.watches(channel));
  return Object.values(all)
    .map((text) => JSON.parse(text) as WatchRecord)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export type AddWatchResult = { ok: true } | { ok: false; reason: "exists" | "cap"; watched: number };

// The per-channel count of watches covering each IP (keys.watchedIps) is derived data: a channel
// whose watches were stored before it existed gets it rebuilt from the records, once, inside the
// script that first needs it. KEYS[1] the watches hash, KEYS[2] the counts.
const REBUILD_COUNTS = `
if redis.call('EXISTS', KEYS[2]) == 0 then
  for _, text in ipairs(redis.call('HVALS', KEYS[1])) do
    for _, ip in ipairs(cjson.decode(text).ips) do redis.call('HINCRBY', KEYS[2], ip, 1) end
  end
end
`;

// One script, so the look (exists? under the cap?) and the write cannot be split by another
// command: WATCH/MULTI on a connection shared by concurrent commands could not promise that (one
// command's EXEC clears every WATCH on the connection). KEYS[3..] are the watcher sets of the
// IPs in ARGV[5..], in the same order. Returns {1 added | 0 exists | -1 cap, addresses watched}.
const ADD_WATCH = `${REBUILD_COUNTS}
local watched = redis.call('HLEN', KEYS[2])
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0, watched} end
local added = 0
for i = 5, #ARGV do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then added = added + 1 end
end
if watched + added > tonumber(ARGV[3]) then return {-1, watched} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 5, #ARGV do
  redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
  redis.call('SADD', KEYS[i - 2], ARGV[4])
end
return {1, watched + added}
`;

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
  const ips = [...new Set(record.ips)];
  const [status, watched] = (await redis.eval(
    ADD_WATCH,
    2 + ips.length,
    keys.watches(channel),
    keys.watchedIps(channel),
    ...ips.map((ip) => keys.watchers(ip)),
    record.target,
    JSON.stringify(record),
    String(cap),
    watcherMember(channel, record.target),
    ...ips,
  )) as [number, number];
  if (status === 1) return { ok: true };
  return { ok: false, reason: status === 0 ? "exists" : "cap", watched };
}

function watcherMember(channel: string, target: string): string {
  return `${channel}\t${target}`;
}

/** Distinct addresses the channel watches. */
export async function countWatchedAddresses(redis: Redis, keys: StoreKeys, channel: string): Promise<number> {
  const counted = await redis.hlen(keys.watchedIps(channel));
  if (counted > 0) return counted;
  return new Set((await listWatches(redis, keys, channel)).flatMap((watch) => watch.ips)).size;
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

// Removes one watch if it is still the record the caller read (ARGV[3]): its watcher entries,
// its share of the counts, and what the channel remembers of IPs no other watch of the channel
// covers. KEYS[3] the channel's watch states, KEYS[4..] the watcher sets of ARGV[4..].
// Returns 1 removed, 0 gone already, -1 changed meanwhile (read again).
const REMOVE_WATCH = `${REBUILD_COUNTS}
local text = redis.call('HGET', KEYS[1], ARGV[1])
if not text then return 0 end
if text ~= ARGV[3] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 4, #ARGV do
  redis.call('SREM', KEYS[i], ARGV[2])
  if redis.call('HINCRBY', KEYS[2], ARGV[i], -1) <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i])
  end
end
return 1
`;

/** Removes a watch atomically; returns it, or null when there was none. */
export async function removeWatch(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<{ removed: WatchRecord | null }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = await redis.hget(keys.watches(channel), target);
    if (text === null) return { removed: null };
    const record = JSON.parse(text) as WatchRecord;
    const ips = [...new Set(record.ips)];
    const status = await redis.eval(
      REMOVE_WATCH,
      3 + ips.length,
      keys.watches(channel),
      keys.watchedIps(channel),
      keys.watchState(channel),
      ...ips.map((ip) => keys.watchers(ip)),
      target,
      watcherMember(channel, target),
      text,
      ...ips,
    );
    if (status === 1) return { removed: record };
    if (status === 0) return { removed: null };
  }
  throw new Error("the watch kept changing while removing it; try again");
}

/**
 * The watches covering each of `ips`, reading each watch record once however many of the IPs it
 * covers (a range's record lists every address, so reading it per address would not scale).
 */
export async function watchersOfMany(
  redis: Redis,
  keys: StoreKeys,
  ips: readonly string[],
): Promise<Map<string, { channel: string; record: WatchRecord }[]>> {
  const pipeline = redis.pipeline();
  for (const ip of ips) pipeline.smembers(keys.watchers(ip));
  const members = ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as string[];
  });
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
    const list: { channel: string; record: WatchRecord }[] = [];
    for (const member of members[index] ?? []) {
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
  const members = await redis.smembers(keys.watchers(ip));
  const found = await Promise.all(
    members.map(async (member) => {
      const [channel = "", target = ""] = member.split("\t");
      const text = await redis.hget(keys.watches(channel), target);
      return text === null ? null : { channel, record: JSON.parse(text) as WatchRecord };
    }),
  );
  return found.filter((item) => item !== null);
}

// Compare-and-set: the state is written only if it is still exactly the one the caller read
// (ARGV[2], '' for none), so of two checks finishing together only one announces the change.
const SET_IF_UNCHANGED = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/** The raw stored state (for compareAndSetWatchState), null the first time. */
export async function readWatchState(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  ip: string,
): Promise<{ text: string | null; state: WatchState | null }> {
  const text = await redis.hget(keys.watchState(channel), ip);
  return { text, state: text === null ? null : (JSON.parse(text) as WatchState) };
}

/** Writes `state` if the stored state is still `expected` (the raw text read); true when written. */
export async function compareAndSetWatchState(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  ip: string,
  expected: string | null,
  state: WatchState,
): Promise<boolean> {
  const written = await redis.eval(
    SET_IF_UNCHANGED,
    1,
    keys.watchState(channel),
    ip,
    expected ?? "",
    JSON.stringify(state),
  );
  return written === 1;
}

// Watches: a channel follows IPs or small ranges and hears when one breaks, recovers or drifts.
// Stored as a hash per channel (target -> record), an index per IP (who watches it, so a check
// of that IP reaches every watching channel) and what each channel last saw per IP.
import type { Redis } from "ioredis";
import type { Origin } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import { HISTORY_LIMIT, type HistoryEntry } from "./history.js";

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
  /** The report's problem codes, sorted (absent on states written before history existed). */
  problems?: string[];
  /** When this state began: the checkedAt of the last change in the history. */
  since?: string;
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

/**
 * Adds a watch unless it exists or would take the channel past `cap` addresses. The check and the
 * write run under WATCH/MULTI so two commands at once cannot both slip under the cap.
 */
export async function addWatch(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  record: WatchRecord,
  cap: number,
): Promise<AddWatchResult> {
  const key = keys.watches(channel);
  for (let attempt = 0; attempt < 5; attempt++) {
    await redis.watch(key);
    const existing = Object.values(await redis.hgetall(key)).map((text) => JSON.parse(text) as WatchRecord);
    const watched = new Set(existing.flatMap((watch) => watch.ips)).size;
    if (existing.some((watch) => watch.target === record.target)) {
      await redis.unwatch();
      return { ok: false, reason: "exists", watched };
    }
    const after = new Set([...existing.flatMap((watch) => watch.ips), ...record.ips]).size;
    if (after > cap) {
      await redis.unwatch();
      return { ok: false, reason: "cap", watched };
    }
    const multi = redis
      .multi()
      .hset(key, record.target, JSON.stringify(record))
      // Never removed again: a channel that once watched is a few bytes, and removing it could
      // race a watch being added in that channel at the same moment.
      .sadd(keys.watchChannels(), channel);
    for (const ip of record.ips) multi.sadd(keys.watchers(ip), `${channel}\t${record.target}`);
    if ((await multi.exec()) !== null) return { ok: true };
  }
  throw new Error("the watch list kept changing while adding to it; try again");
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

/**
 * Records the thread a watch was announced in, if the watch still exists (an unwatch may have
 * removed it meanwhile); true when written. WATCH/MULTI, as in addWatch, so a concurrent removal
 * is not undone.
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
    await redis.watch(key);
    const text = await redis.hget(key, target);
    if (text === null) {
      await redis.unwatch();
      return false;
    }
    const record: WatchRecord = { ...(JSON.parse(text) as WatchRecord), origin };
    if ((await redis.multi().hset(key, target, JSON.stringify(record)).exec()) !== null) return true;
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

/** Removes a watch; returns it (null when there was none) and the IPs nobody watches any more. */
export async function removeWatch(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<{ removed: WatchRecord | null; unwatchedIps: string[] }> {
  const text = await redis.hget(keys.watches(channel), target);
  if (text === null) return { removed: null, unwatchedIps: [] };
  const record = JSON.parse(text) as WatchRecord;
  const multi = redis.multi().hdel(keys.watches(channel), target);
  for (const ip of record.ips) multi.srem(keys.watchers(ip), `${channel}\t${target}`);
  await multi.exec();
  const stillWatched = await Promise.all(record.ips.map((ip) => redis.scard(keys.watchers(ip))));
  const unwatchedIps = record.ips.filter((_, index) => stillWatched[index] === 0);
  // The channel's memory of those IPs goes too, unless another of its watches covers them.
  const remaining = await listWatches(redis, keys, channel);
  const covered = new Set(remaining.flatMap((watch) => watch.ips));
  const forget = record.ips.filter((ip) => !covered.has(ip));
  if (forget.length > 0) {
    await redis.hdel(keys.watchState(channel), ...forget);
    await redis.del(...forget.map((ip) => keys.watchHistory(channel, ip)));
  }
  return { removed: record, unwatchedIps };
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
// A history entry (ARGV[4], '' for none) is appended in the same script, so the history holds
// exactly the changes whose state won, and is cut to the newest ARGV[5].
const SET_IF_UNCHANGED = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[4])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
end
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

/**
 * Writes `state` if the stored state is still `expected` (the raw text read), and appends
 * `change` to the IP's history with it; true when written.
 */
export async function compareAndSetWatchState(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  ip: string,
  expected: string | null,
  state: WatchState,
  change: HistoryEntry | null = null,
): Promise<boolean> {
  const written = await redis.eval(
    SET_IF_UNCHANGED,
    2,
    keys.watchState(channel),
    keys.watchHistory(channel, ip),
    ip,
    expected ?? "",
    JSON.stringify(state),
    change === null ? "" : JSON.stringify(change),
    String(HISTORY_LIMIT),
  );
  return written === 1;
}

/** Every stored state of a channel's watched IPs (ip -> state). */
export async function readWatchStates(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
): Promise<Map<string, WatchState>> {
  const all = await redis.hgetall(keys.watchState(channel));
  return new Map(Object.entries(all).map(([ip, text]) => [ip, JSON.parse(text) as WatchState]));
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

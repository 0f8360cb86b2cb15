// What each channel last saw of each IP it watches (a hash per channel: ip -> WatchState JSON),
// written only by compare-and-set so that of two checks finishing together one announces the
// change, with the IP's history appended in the same script (src/store/history.ts).
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";
import { HISTORY_LIMIT, type HistoryEntry } from "./history.js";
import type { WatchState } from "./watches.js";

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
 * Many channels' raw stored states of many IPs, one HMGET per channel sent together (one round
 * trip), in the order of `pairs`; as readWatchState gives each, for the compare-and-set.
 */
export async function readWatchStatesOf(
  redis: Redis,
  keys: StoreKeys,
  pairs: readonly { channel: string; ip: string }[],
): Promise<{ text: string | null; state: WatchState | null }[]> {
  const byChannel = new Map<string, Set<string>>();
  for (const { channel, ip } of pairs) {
    const ips = byChannel.get(channel) ?? new Set<string>();
    byChannel.set(channel, ips.add(ip));
  }
  const texts = new Map<string, Map<string, string | null>>();
  await Promise.all(
    [...byChannel].map(async ([channel, ipSet]) => {
      const unique = [...ipSet];
      const values = await redis.hmget(keys.watchState(channel), ...unique);
      texts.set(channel, new Map(unique.map((ip, index) => [ip, values[index] ?? null])));
    }),
  );
  return pairs.map(({ channel, ip }) => {
    const text = texts.get(channel)?.get(ip) ?? null;
    return { text, state: text === null ? null : (JSON.parse(text) as WatchState) };
  });
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
  const written = await redis.eval(...setIfUnchanged(keys, { channel, ip, expected, state, change }));
  return written === 1;
}

/** SET_IF_UNCHANGED's arguments for one write (EVAL's, after the script). */
function setIfUnchanged(
  keys: StoreKeys,
  { channel, ip, expected, state, change }: WatchStateWrite,
): [string, number, string, string, string, string, string, string, string] {
  return [
    SET_IF_UNCHANGED,
    2,
    keys.watchState(channel),
    keys.watchHistory(channel, ip),
    ip,
    expected ?? "",
    JSON.stringify(state),
    change === null ? "" : JSON.stringify(change),
    String(HISTORY_LIMIT),
  ];
}

/** One compare-and-set of compareAndSetWatchStates. */
export interface WatchStateWrite {
  channel: string;
  ip: string;
  expected: string | null;
  state: WatchState;
  change: HistoryEntry | null;
}

/**
 * compareAndSetWatchState for many addresses in one pipeline (one write to the socket, one round
 * trip), for a watch chunk's up to 256 addresses. Each is still its own script, so each address
 * wins or loses on its own; the result is in the order of `writes`.
 */
export async function compareAndSetWatchStates(
  redis: Redis,
  keys: StoreKeys,
  writes: readonly WatchStateWrite[],
): Promise<boolean[]> {
  if (writes.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const write of writes) pipeline.eval(...setIfUnchanged(keys, write));
  return ((await pipeline.exec()) ?? []).map(([error, written]) => {
    if (error) throw error;
    return written === 1;
  });
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

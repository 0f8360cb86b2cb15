// One channel's watch of an IP or a range, as stored in the channel's watches hash (target ->
// record JSON): its schema, its upgrades from what older versions wrote, and the indexes every
// watch is entered in (src/store/watches.ts adds, src/store/watch-removal.ts removes).
//
// A record holds its target, never its addresses: a /16's 65,536 addresses in the record made
// every check of any of them read and parse about 1 MB. The addresses follow from the target
// (watchAddresses), computed only where a caller asks for `record.ips`.
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Origin } from "../chat/types.js";
import { addressesOf, parseRange } from "../check/ranges.js";
import type { StoreKeys } from "../keys.js";
import { originSchema } from "./origin.js";
import { parseStoredOrThrow } from "./record.js";
import { targetPrefix } from "./watch-prefixes.js";

export interface WatchRecord {
  target: string;
  /**
   * The target's addresses. Never stored: a record read from Redis derives them from its target
   * on first use; a record built in memory (a test, a planner's input) may give its own.
   */
  ips: string[];
  /**
   * The watch's own thread in the subscribed channel: changes are posted there. Null between
   * storing the watch and announcing it (the announcement opens the thread), and for a watch
   * whose announcement failed until the next `/rdns watch` of it completes it.
   */
  origin: Origin | null;
  user: string;
  createdAt: string;
  /** The name the watched servers announce in HELO/EHLO: every run checks it too (null: none). */
  helo?: string | null;
  /**
   * Every run also reads the SMTP greeting of each address's port 25 (`/rdns watch <ip> probe`),
   * and a changed greeting name is a notice. Absent (older records, and watches without): false.
   */
  probe?: boolean;
  /** The watch's own interval (`/rdns watch ... every 30m`); null or absent: WATCH_INTERVAL_MS. */
  everyMs?: number | null;
  /**
   * The end of a maintenance window (`/rdns mute`, ISO 8601): until then runs go on and their
   * notices wait, summed up when it ends (workers/watch-mute.ts). Null or past: not muted.
   */
  mutedUntil?: string | null;
}

// Upgrades, all here: `ips` (every address, written until records kept only their target) is
// dropped; `helo` is absent on records stored before HELO names existed and reads as null, and
// `everyMs` and `mutedUntil` before watches had their own pace.
const watchRecordSchema = z.object({
  target: z.string().min(1),
  origin: originSchema.nullable(),
  user: z.string(),
  createdAt: z.string(),
  helo: z.string().nullable().default(null),
  probe: z.boolean().optional(),
  everyMs: z.number().int().positive().nullable().default(null),
  mutedUntil: z.string().nullable().default(null),
});

/** Every address of a watch target ("203.0.113.5", "203.0.113.0/24", "2001:db8::/120"). */
export function watchAddresses(target: string): string[] {
  return target.includes("/") ? [...addressesOf(parseRange(target))] : [target];
}

/** The record with `ips` derived from its target on first use (not enumerable: never stored). */
function withDerivedAddresses(record: Omit<WatchRecord, "ips">): WatchRecord {
  let ips: string[] | undefined;
  return Object.defineProperty(record, "ips", {
    get: () => {
      ips ??= watchAddresses(record.target);
      return ips;
    },
    enumerable: false,
  }) as WatchRecord;
}

/**
 * A stored watch record. One that fails its schema is an error, not skipped: a watch is a
 * person's standing request, and treating it as absent would stop it (and let the cap count it
 * wrongly) without anyone hearing why.
 */
export function parseWatchRecord(text: string, where: string): WatchRecord {
  return withDerivedAddresses(parseStoredOrThrow(watchRecordSchema, text, where));
}

/** The text stored for a record: its fields without the addresses. */
export function storedWatchText(record: Omit<WatchRecord, "ips"> & { ips?: unknown }): string {
  const { target, origin, user, createdAt, helo, everyMs, mutedUntil, probe } = record;
  return JSON.stringify({
    target,
    origin,
    user,
    createdAt,
    helo: helo ?? null,
    everyMs: everyMs ?? null,
    mutedUntil: mutedUntil ?? null,
    ...(probe ? { probe } : {}),
  });
}

/** How often the watch runs: its own interval, else the deployment's. */
export function watchIntervalOf(record: Pick<WatchRecord, "everyMs">, defaultMs: number): number {
  return record.everyMs ?? defaultMs;
}

/** Whether the watch's notices wait at `at` (a maintenance window, `/rdns mute`). */
export function mutedAt(record: Pick<WatchRecord, "mutedUntil">, at: string): boolean {
  return record.mutedUntil !== undefined && record.mutedUntil !== null && record.mutedUntil > at;
}

/** HELO names compare as DNS names do: case-insensitive, a trailing dot ignored. */
export function sameHelo(a: string | null, b: string | null): boolean {
  const norm = (name: string | null) => (name === null ? null : name.toLowerCase().replace(/\.$/, ""));
  return norm(a) === norm(b);
}

export function channelKey(platform: string, channel: string): string {
  return `${platform}:${channel}`;
}

/** A watch's member in the watcher indexes: "<channelKey>\t<target>". */
export function watcherMember(channel: string, target: string): string {
  return `${channel}\t${target}`;
}

/** Where a watch is indexed for "who watches this IP": its address's set, or the range set. */
export function watcherSet(keys: StoreKeys, target: string): string {
  return target.includes("/") ? keys.rangeWatches() : keys.watchers(target);
}

export async function listWatches(redis: Redis, keys: StoreKeys, channel: string): Promise<WatchRecord[]> {
  const all = await redis.hgetall(keys.watches(channel));
  // Oldest first; watches made in the same millisecond by target, so the order never depends
  // on Redis's hash layout (a hashtable past 64-byte values iterates in no fixed order).
  return Object.entries(all)
    .map(([target, text]) => parseWatchRecord(text, `${keys.watches(channel)} ${target}`))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.target.localeCompare(b.target));
}

/**
 * The channel's prefix index, filled from its records when they were stored before it existed
 * (each value follows from its target, so filling it twice at once writes the same thing).
 */
export async function ensurePrefixIndex(redis: Redis, keys: StoreKeys, channel: string): Promise<void> {
  if ((await redis.exists(keys.watchPrefixes(channel))) === 1) return;
  const targets = await redis.hkeys(keys.watches(channel));
  if (targets.length === 0) return;
  const multi = redis.multi();
  for (const target of targets) {
    multi.hsetnx(keys.watchPrefixes(channel), target, targetPrefix(target));
    multi.hsetnx(keys.allWatchPrefixes(), watcherMember(channel, target), targetPrefix(target));
    if (target.includes("/")) multi.sadd(keys.rangeWatches(), watcherMember(channel, target));
  }
  await multi.exec();
}

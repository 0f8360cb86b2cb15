// What each channel last saw of each IP it watches (a hash per channel: ip -> WatchState JSON),
// written only by compare-and-set so that of two checks finishing together one announces the
// change, with the IP's history appended in the same script (src/store/history.ts).
import type { Redis } from "ioredis";
import { z } from "zod";
import type { WatchChange } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import { HISTORY_LIMIT, type HistoryEntry } from "./history.js";
import { parseStored } from "./record.js";
import { withScripts } from "./scripts.js";

/** What a channel last saw for one watched IP. */
export interface WatchState {
  verdict: "pass" | "fail";
  names: string[];
  /** The report's problem codes, sorted (absent on states written before history existed). */
  problems?: string[];
  /** When this state began: the checkedAt of the last change in the history. */
  since?: string;
  /**
   * The blocklists that list it (zone names, sorted); a list the last check could not read (or
   * did not ask) keeps what was known. Absent on states written before lists were asked.
   */
  lists?: string[];
  /** The report's checkedAt: an older result never overwrites a newer one. */
  checkedAt?: string;
  /** The job that wrote this state, and the change it announced (re-sent if that job is re-run). */
  by?: string;
  notice?: { change: WatchChange; previousNames: string[]; lists?: string[] } | null;
  /** A probing watch: the last name the SMTP greeting gave (kept through probes that got none). */
  greeting?: string | null;
  /** Since when the zone's name servers have disagreed, and whether the thread was told (issue 29). */
  lag?: { since: string; alerted: boolean } | null;
  /** The lag notice this state's job sent (re-sent if that job is re-run). */
  lagNotice?: string | null;
}

// Older states lack fields, and the absence means something, so it is kept rather than filled:
// no `problems` (written before history existed) makes the next check start the history
// (src/store/history.ts historyEntryFor); no `checkedAt`, `since` or `by` (written before each
// existed) lets any newer report replace it.
const watchStateSchema = z.object({
  verdict: z.enum(["pass", "fail"]),
  names: z.array(z.string()),
  problems: z.array(z.string()).optional(),
  since: z.string().optional(),
  lists: z.array(z.string()).optional(),
  checkedAt: z.string().optional(),
  by: z.string().optional(),
  notice: z
    .object({
      change: z.enum([
        "broke",
        "recovered",
        "drifted",
        "helo-broke",
        "helo-recovered",
        "listed",
        "delisted",
        "greeting-drifted",
      ]),
      previousNames: z.array(z.string()),
      lists: z.array(z.string()).optional(),
    })
    .nullable()
    .optional(),
  greeting: z.string().nullable().optional(),
  lag: z.object({ since: z.string(), alerted: z.boolean() }).nullable().optional(),
  lagNotice: z.string().nullable().optional(),
}) satisfies z.ZodType<WatchState, unknown>;

/**
 * A stored state, or null. One that fails its schema is treated as never seen: the
 * compare-and-set still compares the raw text, so the next check replaces it with a good state
 * (its first sight, no notice) instead of failing every check of that address.
 */
function parseWatchState(text: string | null): WatchState | null {
  return text === null ? null : parseStored(watchStateSchema, text);
}

/** The raw stored state (for compareAndSetWatchState), null the first time. */
export async function readWatchState(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  ip: string,
): Promise<{ text: string | null; state: WatchState | null }> {
  const text = await redis.hget(keys.watchState(channel), ip);
  return { text, state: parseWatchState(text) };
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
    return { text, state: parseWatchState(text) };
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
  const written = await withScripts(redis).rdnsWatchStateSet(
    ...setIfUnchanged(keys, { channel, ip, expected, state, change }),
  );
  return written === 1;
}

/** The watch-state-set script's KEYS and ARGV for one write (src/store/lua/watch-state-set.lua). */
function setIfUnchanged(
  keys: StoreKeys,
  { channel, ip, expected, state, change }: WatchStateWrite,
): [string, string, string, string, string, string, string] {
  return [
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
  const pipeline = withScripts(redis).pipeline();
  for (const write of writes) pipeline.rdnsWatchStateSet(...setIfUnchanged(keys, write));
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
  const states = new Map<string, WatchState>();
  for (const [ip, text] of Object.entries(all)) {
    const state = parseWatchState(text);
    if (state !== null) states.set(ip, state);
  }
  return states;
}

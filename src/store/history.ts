// A channel's history of one watched IP: its last state changes (time, verdict, PTR names,
// problem codes), so the servers page can draw a timeline. Entries are appended by the watch
// state's compare-and-set (src/store/watch-states.ts), in the same Lua script, so a state and its
// history never disagree. Only an address that changed has one (the first sight is the state's
// `since`, not an entry: a /16 would otherwise keep 65,536 lists of one entry each, issue 28), and
// each list expires HISTORY_TTL_SECONDS after its last change; unwatch deletes it sooner.

import { z } from "zod";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { parseStored } from "./record.js";

/** How many state changes each watched IP keeps per channel. */
export const HISTORY_LIMIT = 100;

/** How long a history outlives its last change (30 days): the timeline's bound in time. */
export const HISTORY_TTL_SECONDS = 30 * 24 * 3600;

export interface HistoryEntry {
  /** The checkedAt of the report that showed the change. */
  at: string;
  verdict: "pass" | "fail";
  names: string[];
  problems: string[];
}

/** What a state is compared on to tell whether it changed. */
export interface ComparableState {
  verdict: "pass" | "fail";
  names: string[];
  /** Absent on states written before history existed. */
  problems?: string[];
}

/**
 * The history entry `after` adds, or null when nothing a person would call a change happened.
 * The first sight is no change (its time is the state's `since`). A state written before history
 * existed (no problem codes) counts as a change once, which is where its history starts.
 */
export function historyEntryFor(
  before: ComparableState | null,
  after: Required<ComparableState>,
  at: string,
): HistoryEntry | null {
  const entry: HistoryEntry = { at, verdict: after.verdict, names: after.names, problems: after.problems };
  if (before === null) return null;
  if (before.problems === undefined) return entry;
  const same =
    before.verdict === after.verdict &&
    before.names.join(" ") === after.names.join(" ") &&
    before.problems.join(" ") === after.problems.join(" ");
  return same ? null : entry;
}

const historyEntrySchema = z.object({
  at: z.string(),
  verdict: z.enum(["pass", "fail"]),
  names: z.array(z.string()),
  problems: z.array(z.string()),
}) satisfies z.ZodType<HistoryEntry, unknown>;

/**
 * The entries that parse. One that fails its schema is left out: a timeline missing one point
 * still tells its story, and the list is cut to the newest entries, so it leaves by itself.
 */
function parseEntries(texts: string[]): HistoryEntry[] {
  return texts.flatMap((text) => parseStored(historyEntrySchema, text) ?? []);
}

/** One channel's history of one IP, oldest first (at most `limit`, the newest ones). */
export async function readHistory(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  ip: string,
  limit = HISTORY_LIMIT,
): Promise<HistoryEntry[]> {
  return parseEntries(await redis.lrange(keys.watchHistory(channel, ip), -limit, -1));
}

/** Many histories in one round trip; the result is in the order of `pairs`. */
export async function readHistories(
  redis: RedisClient,
  keys: StoreKeys,
  pairs: readonly { channel: string; ip: string }[],
  limit = HISTORY_LIMIT,
): Promise<HistoryEntry[][]> {
  if (pairs.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const { channel, ip } of pairs) pipeline.lrange(keys.watchHistory(channel, ip), -limit, -1);
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, texts]) => {
    if (error) throw error;
    return parseEntries(texts as string[]);
  });
}

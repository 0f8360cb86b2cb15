// What each channel last saw of each IP it watches (a hash per channel: ip -> WatchState JSON),
// written only by compare-and-set so that of two checks finishing together one announces the
// change, with the IP's history appended in the same script (src/store/history.ts). The state
// also carries the servers page's facts of the check that wrote it (`facts`), and is stored
// without what it does not need (storedStateText), so a watched address costs one entry of a few
// hundred bytes (issue 28); unwatch deletes it (src/store/watch-removal.ts).

import { z } from "zod";
import type { WatchChange } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { HISTORY_LIMIT, HISTORY_TTL_SECONDS, type HistoryEntry } from "./history.js";
import { parseStored } from "./record.js";
import { type ReportRow, type StateFacts, stateFactsSchema } from "./report-rows.js";
import { withScripts } from "./scripts.js";
import { type Owner, ownerBlock, readBlockOwners } from "./watch-owners.js";

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
  /**
   * The rest of the servers page's row, from the check that wrote this state (FCrDNS, HELO,
   * owner, lists, greeting). Absent on states written before it was kept.
   */
  facts?: StateFacts;
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
  facts: stateFactsSchema.optional(),
}) satisfies z.ZodType<WatchState, unknown>;

/**
 * A stored state, or null. One that fails its schema is treated as never seen: the
 * compare-and-set still compares the raw text, so the next check replaces it with a good state
 * (its first sight, no notice) instead of failing every check of that address.
 */
function parseWatchState(text: string | null): WatchState | null {
  return text === null ? null : parseStored(watchStateSchema, text);
}

/**
 * The state with its block's owner filled in where it left its own out (src/store/watch-owners.ts);
 * a block with none known reads as no owner.
 */
function withBlockOwner(
  state: WatchState | null,
  ip: string,
  owners: ReadonlyMap<string, Owner>,
): WatchState | null {
  if (state?.facts === undefined || state.facts.owner !== undefined) return state;
  let block: string;
  try {
    block = ownerBlock(ip);
  } catch {
    return state;
  }
  return { ...state, facts: { ...state.facts, owner: owners.get(block) ?? null } };
}

/** The blocks whose owners the states of `ips` leave out. */
function blocksLeftOut(entries: readonly { ip: string; state: WatchState | null }[]): string[] {
  const blocks = new Set<string>();
  for (const { ip, state } of entries) {
    if (state?.facts === undefined || state.facts.owner !== undefined) continue;
    try {
      blocks.add(ownerBlock(ip));
    } catch {
      // Not an address (a field no writer of this version makes): no block to read.
    }
  }
  return [...blocks];
}

/** The raw stored state (for compareAndSetWatchState), null the first time. */
export async function readWatchState(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  ip: string,
): Promise<{ text: string | null; state: WatchState | null }> {
  const text = await redis.hget(keys.watchState(channel), ip);
  return { text, state: parseWatchState(text) };
}

/**
 * Many channels' raw stored states of many IPs, one HMGET per channel sent together (one round
 * trip), in the order of `pairs`; as readWatchState gives each, for the compare-and-set. With
 * `owners`, the states' block owners are filled in (a second round trip), as the page reads them.
 */
export async function readWatchStatesOf(
  redis: RedisClient,
  keys: StoreKeys,
  pairs: readonly { channel: string; ip: string }[],
  { owners = false }: { owners?: boolean } = {},
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
  const read = pairs.map(({ channel, ip }) => {
    const text = texts.get(channel)?.get(ip) ?? null;
    return { channel, ip, text, state: parseWatchState(text) };
  });
  if (!owners) return read.map(({ text, state }) => ({ text, state }));
  const ownersOf = new Map(
    await Promise.all(
      [...byChannel.keys()].map(
        async (channel) =>
          [
            channel,
            await readBlockOwners(
              redis,
              keys,
              channel,
              blocksLeftOut(read.filter((entry) => entry.channel === channel)),
            ),
          ] as const,
      ),
    ),
  );
  return read.map(({ channel, ip, text, state }) => ({
    text,
    state: withBlockOwner(state, ip, ownersOf.get(channel) ?? new Map()),
  }));
}

/**
 * Writes `state` if the stored state is still `expected` (the raw text read), and appends
 * `change` to the IP's history with it; true when written.
 */
export async function compareAndSetWatchState(
  redis: RedisClient,
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

/**
 * The text stored for a state: what a later check or the page reads of it, and nothing more. The
 * job id (`by`) and the notice are kept only when something was announced, which is all a re-run
 * of that job repeats (workers/watch-notice.ts); without them a re-run decides afresh, which
 * announces nothing twice. No lists is the same as an empty list (listedZones).
 */
export function storedStateText(state: WatchState): string {
  const { by, notice, lagNotice, lists, ...kept } = state;
  const announced = (notice ?? null) !== null || (lagNotice ?? null) !== null;
  return JSON.stringify({
    ...kept,
    ...(lists !== undefined && lists.length > 0 ? { lists } : {}),
    ...(announced ? { by, notice: notice ?? null, ...(lagNotice ? { lagNotice } : {}) } : {}),
  });
}

/**
 * A state's servers-page row (src/store/report-rows.ts ReportRow) from the facts it carries, or
 * undefined for a state written before it kept them (the row then comes from a row key alone).
 */
export function rowOfState(state: WatchState | undefined): ReportRow | undefined {
  if (state?.facts === undefined || state.checkedAt === undefined) return undefined;
  const { facts } = state;
  const row: ReportRow = {
    checkedAt: state.checkedAt,
    verdict: state.verdict,
    ptr: { names: state.names },
    fcrdns: facts.fcrdns,
    helo: facts.helo ?? null,
    // The codes are this project's own, written from a report (as a row's: readReportRows).
    problems: (state.problems ?? []).map((code) => ({ code }) as ReportRow["problems"][number]),
    owner: facts.owner ?? null,
    blocklists: facts.blocklists ?? [],
  };
  if (facts.smtp) row.smtp = facts.smtp;
  return row;
}

/** The watch-state-set script's KEYS and ARGV for one write (src/store/lua/watch-state-set.lua). */
function setIfUnchanged(
  keys: StoreKeys,
  { channel, ip, expected, state, change }: WatchStateWrite,
): [string, string, string, string, string, string, string, string] {
  return [
    keys.watchState(channel),
    keys.watchHistory(channel, ip),
    ip,
    expected ?? "",
    storedStateText(state),
    change === null ? "" : JSON.stringify(change),
    String(HISTORY_LIMIT),
    String(HISTORY_TTL_SECONDS),
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
  redis: RedisClient,
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

/** Every stored state of a channel's watched IPs (ip -> state), their block owners filled in. */
export async function readWatchStates(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
): Promise<Map<string, WatchState>> {
  const [all, owners] = await Promise.all([
    redis.hgetall(keys.watchState(channel)),
    readBlockOwners(redis, keys, channel),
  ]);
  const states = new Map<string, WatchState>();
  for (const [ip, text] of Object.entries(all)) {
    const state = withBlockOwner(parseWatchState(text), ip, owners);
    if (state !== null) states.set(ip, state);
  }
  return states;
}

// The chain registry: which re-check chains are open, for which IP, and how each one ended.
// A chain opens when a failing check schedules its first re-check and ends exactly once: cleared,
// gave up, stopped by a person, or stopped because its job failed for good. Every transition is
// one Lua script, so two bot processes (a double-clicked button, a stop racing a re-check) agree
// on who ended it, and only that caller tells the chain's threads.
//
// Keys (src/keys.ts): the chain's hash, the set of open chains per IP, and one set of every open
// chain, whose SCARD is the O(1) count behind `rdns_open_chains`.
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Origin } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { CheckJob } from "../queue/jobs.js";
import { originsSchema } from "./origin.js";
import { CorruptRecordError } from "./record.js";
import { withScripts } from "./scripts.js";

export type ChainEnd = "cleared" | "gave-up" | "stopped" | "failed";

export interface ChainRecord {
  chainId: string;
  ip: string;
  helo: string | null;
  /** The chain's list of origins in Redis (src/store/dedup-window.ts), or null. */
  originsKey: string | null;
  /** The threads known when the chain opened (the job's own origins). */
  origins: Origin[];
  state: "open" | "ended";
  /** How it ended; null while open. */
  ended: ChainEnd | null;
  /** Who stopped it, for "stopped". */
  by: string | null;
  /** The pending re-check or poll job id, removed when the chain is stopped. */
  next: string | null;
  openedAt: string;
  /** When the chain's failure was first seen (ISO 8601). */
  firstFailureAt: string;
  /** Re-checks (or polls) the chain has scheduled so far. */
  rechecks: number;
  /** The chain's state as its next re-check would carry it (a shared poll applies reports with it). */
  job: CheckJob | null;
}

// Each transition is a script: src/store/lua/chain-open.lua (an ended chain is never re-opened)
// and src/store/lua/chain-end.lua (ends it once), both on the keys chainKeys names.

function chainKeys(keys: StoreKeys, chainId: string, ip: string): string[] {
  return [keys.chain(chainId), keys.chainsOfIp(ip), keys.registeredChains()];
}

/**
 * Opens (or keeps open) a chain and records its next job. Returns false when the chain was
 * already ended: the caller must not schedule anything more for it.
 */
export async function openChain(
  redis: Redis,
  keys: StoreKeys,
  chain: Pick<
    ChainRecord,
    "chainId" | "ip" | "helo" | "originsKey" | "origins" | "firstFailureAt" | "rechecks"
  > & {
    job: CheckJob;
    next: string;
    now: Date;
    keepMs: number;
  },
): Promise<boolean> {
  const opened = await withScripts(redis).rdnsChainOpen(
    ...chainKeys(keys, chain.chainId, chain.ip),
    chain.chainId,
    chain.ip,
    chain.helo ?? "",
    chain.originsKey ?? "",
    JSON.stringify(chain.origins),
    chain.now.toISOString(),
    chain.next,
    String(Math.max(1, Math.round(chain.keepMs))),
    chain.firstFailureAt,
    String(chain.rechecks),
    JSON.stringify(chain.job),
  );
  return opened === 1;
}

/**
 * Ends a chain once. "ended-now" means this caller ended it and must tell its threads;
 * "already-ended" and "unknown" mean there is nothing to say.
 */
export async function endChain(
  redis: Redis,
  keys: StoreKeys,
  chainId: string,
  ip: string,
  how: ChainEnd,
  by: string | null = null,
): Promise<"ended-now" | "already-ended" | "unknown"> {
  const found = await withScripts(redis).rdnsChainEnd(
    ...chainKeys(keys, chainId, ip),
    chainId,
    how,
    by ?? "",
  );
  if (found === "open") return "ended-now";
  return found === "ended" ? "already-ended" : "unknown";
}

const jsonText = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, context) => {
    try {
      return schema.parse(JSON.parse(text)) as z.output<T>;
    } catch {
      context.addIssue({ code: "custom", message: "not the JSON this field holds" });
      return z.NEVER;
    }
  });

// The chain's hash as stored (src/store/lua/chain-open.lua writes it; '' stands for null).
// Upgrades, all here: `firstFailureAt` is absent on chains opened before it existed (their
// opening time is the best guess), `rechecks` and `job` before they existed (0 and none).
const chainHashSchema = z.object({
  ip: z.string().min(1),
  state: z.string().transform((state) => (state === "open" ? "open" : "ended")),
  helo: z.string().default(""),
  originsKey: z.string().default(""),
  origins: z.union([z.literal("").transform(() => []), jsonText(originsSchema)]).default([]),
  ended: z.enum(["cleared", "gave-up", "stopped", "failed", ""]).default(""),
  by: z.string().default(""),
  next: z.string().default(""),
  openedAt: z.string().default(""),
  firstFailureAt: z.string().optional(),
  rechecks: z.coerce.number().int().nonnegative().default(0),
  job: z
    .union([
      z.literal("").transform(() => null),
      jsonText(z.looseObject({ ip: z.string(), chainId: z.string() })),
    ])
    .default(null),
});

/**
 * One chain, or null when there is none. A chain hash that fails its schema is an error, not
 * "none": the chain may be open, and answering "unknown" to a stop, or opening a second chain
 * beside it, would tell its threads the wrong thing.
 */
export async function readChain(redis: Redis, keys: StoreKeys, chainId: string): Promise<ChainRecord | null> {
  const hash = await redis.hgetall(keys.chain(chainId));
  // A check's hash that only records its adopter (src/store/chain-adoption.ts) is no chain.
  if (hash.state === undefined || hash.ip === undefined) return null;
  const parsed = chainHashSchema.safeParse(hash);
  if (!parsed.success)
    throw new CorruptRecordError(`${keys.chain(chainId)} holds a chain this version cannot read`);
  const chain = parsed.data;
  return {
    chainId,
    ip: chain.ip,
    helo: chain.helo === "" ? null : chain.helo,
    originsKey: chain.originsKey === "" ? null : chain.originsKey,
    origins: chain.origins,
    state: chain.state,
    ended: chain.ended === "" ? null : chain.ended,
    by: chain.by === "" ? null : chain.by,
    next: chain.next === "" ? null : chain.next,
    openedAt: chain.openedAt,
    firstFailureAt: chain.firstFailureAt ?? chain.openedAt,
    rechecks: chain.rechecks,
    // The job is this project's own CheckJob, written by openChain: the schema checks its identity.
    job: chain.job as CheckJob | null,
  };
}

/**
 * Why a re-check job should ask no DNS: its chain ended, or a later step replaced it (a check the
 * chain adopted moved its schedule: workers/apply-report.ts); null when it is the chain's step.
 * A chain with no recorded next step (made before `next` existed) is never "superseded".
 */
export async function recheckStale(
  redis: Redis,
  keys: StoreKeys,
  chainId: string,
  jobId: string,
): Promise<"ended" | "superseded" | null> {
  const [state, next] = await redis.hmget(keys.chain(chainId), "state", "next");
  if (state === "ended") return "ended";
  return next !== null && next !== "" && next !== jobId ? "superseded" : null;
}

/** Whether the chain was ended (a re-check or poll of an ended chain asks no DNS). */
export async function chainEnded(redis: Redis, keys: StoreKeys, chainId: string): Promise<boolean> {
  return (await redis.hget(keys.chain(chainId), "state")) === "ended";
}

/** The open chains of one IP. */
export async function openChainsOf(redis: Redis, keys: StoreKeys, ip: string): Promise<string[]> {
  return redis.smembers(keys.chainsOfIp(ip));
}

/** How many chains are open, in O(1) (SCARD): the `rdns_open_chains` gauge. */
export async function countOpenChains(redis: Redis, keys: StoreKeys): Promise<number> {
  return redis.scard(keys.registeredChains());
}

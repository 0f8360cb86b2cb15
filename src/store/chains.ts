// The chain registry: which re-check chains are open, for which IP, and how each one ended.
// A chain opens when a failing check schedules its first re-check and ends exactly once: cleared,
// gave up, stopped by a person, or stopped because its job failed for good. Every transition is
// one Lua script, so two bot processes (a double-clicked button, a stop racing a re-check) agree
// on who ended it, and only that caller tells the chain's threads.
//
// Keys (src/keys.ts): the chain's hash, the set of open chains per IP, and one set of every open
// chain, whose SCARD is the O(1) count behind `rdns_open_chains`.
import type { Redis } from "ioredis";
import type { Origin } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { CheckJob } from "../queue/jobs.js";

export type ChainEnd = "cleared" | "gave-up" | "stopped" | "failed";

export interface ChainRecord {
  chainId: string;
  ip: string;
  helo: string | null;
  /** The chain's list of origins in Redis (src/queue/dedup.ts), or null. */
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

// KEYS: chain hash, the IP's open set, the global open set. ARGV: chain id, ip, helo, originsKey,
// origins JSON, now, next job id, keep ms, first failure, re-checks so far, chain job JSON. An ended chain is never re-opened (a re-check that was
// already running when the chain was stopped must not bring it back).
const OPEN = `
if redis.call('HGET', KEYS[1], 'state') == 'ended' then return 0 end
redis.call('HSETNX', KEYS[1], 'openedAt', ARGV[6])
redis.call('HSET', KEYS[1], 'ip', ARGV[2], 'helo', ARGV[3], 'originsKey', ARGV[4], 'origins', ARGV[5],
  'state', 'open', 'next', ARGV[7], 'firstFailureAt', ARGV[9], 'rechecks', ARGV[10], 'job', ARGV[11])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
`;

// KEYS as OPEN. ARGV: chain id, how it ended, by. Returns the state it found: 'open' means this
// caller ended it (and tells the threads); 'ended' and 'unknown' mean someone else did or never.
const END = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'unknown' end
if state ~= 'open' then return 'ended' end
redis.call('HSET', KEYS[1], 'state', 'ended', 'ended', ARGV[2], 'by', ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return 'open'
`;

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
  const opened = await redis.eval(
    OPEN,
    3,
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
  const found = (await redis.eval(END, 3, ...chainKeys(keys, chainId, ip), chainId, how, by ?? "")) as string;
  if (found === "open") return "ended-now";
  return found === "ended" ? "already-ended" : "unknown";
}

export async function readChain(redis: Redis, keys: StoreKeys, chainId: string): Promise<ChainRecord | null> {
  const hash = await redis.hgetall(keys.chain(chainId));
  if (hash.state === undefined || hash.ip === undefined) return null;
  return {
    chainId,
    ip: hash.ip,
    helo: hash.helo ? hash.helo : null,
    originsKey: hash.originsKey ? hash.originsKey : null,
    origins: hash.origins ? (JSON.parse(hash.origins) as Origin[]) : [],
    state: hash.state === "open" ? "open" : "ended",
    ended: hash.ended ? (hash.ended as ChainEnd) : null,
    by: hash.by ? hash.by : null,
    next: hash.next ? hash.next : null,
    openedAt: hash.openedAt ?? "",
    firstFailureAt: hash.firstFailureAt ?? hash.openedAt ?? "",
    rechecks: Number(hash.rechecks ?? 0),
    job: hash.job ? (JSON.parse(hash.job) as CheckJob) : null,
  };
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

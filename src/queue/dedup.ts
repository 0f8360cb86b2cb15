// De-duplication of identical requests (issue 4 point 6): the same IP and HELO asked many times
// within a short window runs one DNS check, and every asker is answered in its own thread.
//
// BullMQ's own `deduplication` option drops the duplicate job, but then nobody would know who
// else asked; so the askers are collected here, atomically with the window's state, in Lua:
//   open  -> the check has not finished: the asker is appended to the chain's origin list and
//            the worker answers everyone on the list when it finishes;
//   done  -> the check finished: the asker is appended (for later "cleared" notices) and answers
//            itself from the stored result, without DNS.
import type { Redis } from "ioredis";
import type { Origin } from "../chat/types.js";

// ARGV[5], when not empty, is a finished chain the caller found without a result to share (its
// check failed): if the window still names it, the window is re-opened for the new chain
// ARGV[1], so that the re-run and everyone asking after it share one check again.
const JOIN = `
local job = redis.call('HGET', KEYS[1], 'job')
local state = 'joined'
local done = job and redis.call('HGET', KEYS[1], 'state') == 'done'
if (not job) or (done and ARGV[5] ~= '' and job == ARGV[5]) then
  job = ARGV[1]
  redis.call('HSET', KEYS[1], 'job', job, 'state', 'open')
  state = 'new'
  if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PEXPIRE', KEYS[1], 1) end
elseif done then
  state = 'done'
end
local list = KEYS[1] .. ':' .. job
redis.call('RPUSH', list, ARGV[2])
redis.call('PEXPIRE', list, ARGV[4])
return {job, state}
`;

const FINISH = `
if redis.call('HGET', KEYS[1], 'job') == ARGV[1] then redis.call('HSET', KEYS[1], 'state', 'done') end
return redis.call('LRANGE', KEYS[1] .. ':' .. ARGV[1], 0, -1)
`;

// Compare-and-delete: the window goes only if it still names the chain whose job could not be
// queued; a window re-opened by someone else in the meantime is theirs. Returns the askers who
// had joined the abandoned chain.
const ABANDON = `
if redis.call('HGET', KEYS[1], 'job') ~= ARGV[1] then return {} end
local list = KEYS[1] .. ':' .. ARGV[1]
local origins = redis.call('LRANGE', list, 0, -1)
redis.call('DEL', KEYS[1], list)
return origins
`;

export interface JoinResult {
  /** The chain's id (the id of its first check job). */
  chainId: string;
  /** The Redis list holding the chain's origins. */
  originsKey: string;
  state: "new" | "joined" | "done";
}

/** Adds an asker to the window for this IP and HELO; `candidateId` becomes the chain id when new. */
export async function joinCheckWindow(
  redis: Redis,
  dedupKey: string,
  candidateId: string,
  origin: Origin,
  windowMs: number,
  keepMs: number,
  /** Re-open the window if it still names this finished chain (see JOIN). */
  reopenChainId = "",
): Promise<JoinResult> {
  const [chainId, state] = (await redis.eval(
    JOIN,
    1,
    dedupKey,
    candidateId,
    JSON.stringify(origin),
    String(windowMs),
    String(keepMs),
    reopenChainId,
  )) as [string, JoinResult["state"]];
  return { chainId, originsKey: `${dedupKey}:${chainId}`, state };
}

/**
 * Called by the worker when the chain's first check has a result: closes the window (later askers
 * answer themselves from the stored result) and returns everyone who asked so far. Safe to call
 * again after a retry: it returns the same list.
 */
export async function finishCheckWindow(
  redis: Redis,
  originsKey: string,
  chainId: string,
): Promise<Origin[]> {
  const dedupKey = originsKey.slice(0, originsKey.length - chainId.length - 1);
  const items = (await redis.eval(FINISH, 1, dedupKey, chainId)) as string[];
  return items.map((item) => JSON.parse(item) as Origin);
}

/**
 * Called when the chain's first job could not be queued (Redis failed, the process is stopping):
 * without this the window would stay open with no job, and every asker for the rest of the
 * window would join a check that never runs. Returns who had joined it, to tell them.
 */
export async function abandonCheckWindow(redis: Redis, dedupKey: string, chainId: string): Promise<Origin[]> {
  const items = (await redis.eval(ABANDON, 1, dedupKey, chainId)) as string[];
  return items.map((item) => JSON.parse(item) as Origin);
}

/** Everyone on a chain so far (for re-checks). */
export async function chainOrigins(redis: Redis, originsKey: string): Promise<Origin[]> {
  const items = await redis.lrange(originsKey, 0, -1);
  return items.map((item) => JSON.parse(item) as Origin);
}

/** Union by thread address, first occurrence wins, order kept. */
export function uniqueOrigins(origins: readonly Origin[]): Origin[] {
  const seen = new Set<string>();
  return origins.filter((origin) => {
    const key = `${origin.platform}\u0000${origin.thread}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

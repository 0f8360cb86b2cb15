// Which re-check chains are open, for the rdns_open_chains gauge: a sorted set of chain ids scored
// by when each chain's next check is due. Read at scrape time with one ZREMRANGEBYSCORE and one
// ZCARD (no scan of the queue).
//
// The marks come from BullMQ's 'completed' and 'failed' events, after the job that scheduled the
// next re-check has finished; that next re-check may run (and close the chain) before the event
// of the job that scheduled it is handled. So a close leaves a short-lived tombstone with its
// check number, and an open from an older check is ignored. A chain whose next check never runs
// (its job removed by hand, every worker gone for good) drops out once it is overdue by more than
// the grace the reader gives.
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";

/** How long a closed chain's tombstone outlives the close: far longer than any event lag. */
const TOMBSTONE_SECONDS = 3600;

// KEYS[1] open set, KEYS[2] tombstone; ARGV[1] chain id, ARGV[2] check number, ARGV[3] due (ms).
const OPEN = `
local closed = redis.call('GET', KEYS[2])
if closed and tonumber(closed) >= tonumber(ARGV[2]) then return 0 end
-- GT adds a new member, and keeps the later due time when two opens of one chain cross.
redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[1])
return 1
`;

// ARGV[1] chain id, ARGV[2] check number, ARGV[3] tombstone seconds.
const CLOSE = `
local closed = redis.call('GET', KEYS[2])
if (not closed) or tonumber(closed) < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`;

/**
 * Check number `check` of the chain scheduled check `check + 1`, due at `dueAt`. Ignored when a
 * check at or after `check + 1` has already closed the chain.
 */
export async function markChainOpen(
  redis: Redis,
  keys: StoreKeys,
  chainId: string,
  check: number,
  dueAt: number,
): Promise<void> {
  await redis.eval(
    OPEN,
    2,
    keys.openChains,
    keys.closedChain(chainId),
    chainId,
    String(check + 1),
    String(dueAt),
  );
}

/** Check number `check` of the chain ended it (cleared, gave up, or failed for good). */
export async function markChainClosed(
  redis: Redis,
  keys: StoreKeys,
  chainId: string,
  check: number,
): Promise<void> {
  await redis.eval(
    CLOSE,
    2,
    keys.openChains,
    keys.closedChain(chainId),
    chainId,
    String(check),
    String(TOMBSTONE_SECONDS),
  );
}

/** Open chains, forgetting those overdue by more than `graceMs` at `now`. */
export async function countOpenChains(
  redis: Redis,
  keys: StoreKeys,
  now: number,
  graceMs: number,
): Promise<number> {
  const [, count] = (await redis
    .multi()
    .zremrangebyscore(keys.openChains, "-inf", `(${now - graceMs}`)
    .zcard(keys.openChains)
    .exec()) as [[Error | null, number], [Error | null, number]];
  return count[1];
}

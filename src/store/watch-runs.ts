// A watch run split into chunk jobs (workers/watch.ts): what the baseline of a new watch needs
// while its chunks finish on any worker. The run counts its chunks left and its tallies in Redis;
// each chunk is counted once (a chunk job run again after a crash is not counted twice), and the
// chunk that brings the count to zero is told it was the last, so exactly one posts the baseline.
import type { Redis } from "ioredis";
import type { BaselineLine } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";

/** How long a run's tallies are kept: far longer than a run takes. */
const RUN_TTL_SECONDS = 24 * 3600;
/** Opens a run's tally with its number of chunks (kept if the run job runs again). */
export async function openRunTally(
  redis: Redis,
  keys: StoreKeys,
  runId: string,
  chunks: number,
): Promise<void> {
  await redis
    .multi()
    .hsetnx(keys.watchRun(runId), "pending", chunks)
    .expire(keys.watchRun(runId), RUN_TTL_SECONDS)
    .exec();
}

// KEYS: the run's hash, its counted chunks, its findings. ARGV[1] the chunk job's id, ARGV[2..4]
// pass, fail, inconclusive, ARGV[5] chunks this one added (a retry of its inconclusive
// addresses), ARGV[6] the TTL, ARGV[7..] ip and finding JSON pairs. Returns 1 to the last chunk.
const COUNT_CHUNK = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
  if redis.call('HGET', KEYS[1], 'last') == ARGV[1] then return 1 end
  return 0
end
redis.call('HINCRBY', KEYS[1], 'pass', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'fail', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'inconclusive', ARGV[4])
for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
local left = redis.call('HINCRBY', KEYS[1], 'pending', tonumber(ARGV[5]) - 1)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
if left <= 0 then
  redis.call('HSET', KEYS[1], 'last', ARGV[1])
  return 1
end
return 0
`;

export interface ChunkTally {
  pass: number;
  fail: number;
  inconclusive: number;
  /** Addresses that do not pass. */
  lines: BaselineLine[];
  /** Chunks this chunk queued (its retry), which the run now waits for too. */
  added: number;
}

/** Counts one chunk of a run; true when it was the run's last (the one to post the baseline). */
export async function countChunk(
  redis: Redis,
  keys: StoreKeys,
  runId: string,
  chunkId: string,
  tally: ChunkTally,
): Promise<boolean> {
  const last = await redis.eval(
    COUNT_CHUNK,
    3,
    keys.watchRun(runId),
    keys.watchRunCounted(runId),
    keys.watchRunFindings(runId),
    chunkId,
    tally.pass,
    tally.fail,
    tally.inconclusive,
    tally.added,
    RUN_TTL_SECONDS,
    ...tally.lines.flatMap((line) => [line.ip, JSON.stringify(line)]),
  );
  return last === 1;
}

/** A finished run's counts and the lines of every address that did not pass. */
export async function readRunTally(
  redis: Redis,
  keys: StoreKeys,
  runId: string,
): Promise<{ pass: number; fail: number; inconclusive: number; lines: BaselineLine[] }> {
  const [counts, findings] = await Promise.all([
    redis.hgetall(keys.watchRun(runId)),
    redis.hvals(keys.watchRunFindings(runId)),
  ]);
  return {
    pass: Number(counts.pass ?? 0),
    fail: Number(counts.fail ?? 0),
    inconclusive: Number(counts.inconclusive ?? 0),
    lines: findings.map((text) => JSON.parse(text) as BaselineLine),
  };
}

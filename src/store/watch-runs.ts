// A watch run split into chunk jobs (workers/watch.ts): what the baseline of a new watch needs
// while its chunks finish on any worker. The run counts its chunks left and its tallies in Redis;
// each chunk is counted once (a chunk job run again after a crash is not counted twice), and the
// chunk that brings the count to zero is told it was the last, so exactly one posts the baseline.

import { z } from "zod";
import type { BaselineLine } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { parseStoredOrThrow } from "./record.js";
import { withScripts } from "./scripts.js";

/** How long a run's tallies are kept: far longer than a run takes. */
const RUN_TTL_SECONDS = 24 * 3600;
/** Opens a run's tally with its number of chunks (kept if the run job runs again). */
export async function openRunTally(
  redis: RedisClient,
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

// Counting is one script (src/store/lua/watch-run-count-chunk.lua): a chunk counted twice adds
// nothing, and only the chunk that brings the count to zero hears it was the last.

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
  redis: RedisClient,
  keys: StoreKeys,
  runId: string,
  chunkId: string,
  tally: ChunkTally,
): Promise<boolean> {
  const last = await withScripts(redis).rdnsWatchRunCountChunk(
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

const countSchema = z.coerce.number().int().nonnegative().catch(0);
const tallySchema = z.object({ pass: countSchema, fail: countSchema, inconclusive: countSchema });
const lineSchema = z.object({
  ip: z.string(),
  verdict: z.enum(["fail", "inconclusive"]),
  ptr: z.array(z.string()),
  problem: z.string().nullable(),
  detail: z.string(),
}) satisfies z.ZodType<BaselineLine, unknown>;

/**
 * A finished run's counts and the lines of every address that did not pass. A count that is
 * not a number reads as 0 (as a missing one does); a finding that fails its schema is an error
 * (the baseline job is retried, and a baseline that silently leaves out a failing address would
 * tell the channel it passes).
 */
export async function readRunTally(
  redis: RedisClient,
  keys: StoreKeys,
  runId: string,
): Promise<{ pass: number; fail: number; inconclusive: number; lines: BaselineLine[] }> {
  const [counts, findings] = await Promise.all([
    redis.hgetall(keys.watchRun(runId)),
    redis.hvals(keys.watchRunFindings(runId)),
  ]);
  return {
    ...tallySchema.parse(counts),
    lines: findings.map((text) => parseStoredOrThrow(lineSchema, text, keys.watchRunFindings(runId))),
  };
}

/**
 * Drops a run's findings once its baseline is queued: a /16's failing addresses are megabytes,
 * needed only to write the baseline (its delivery's id is the run's, so a chunk run again after
 * this queues nothing twice). The counts stay until they expire.
 */
export async function forgetRunFindings(redis: RedisClient, keys: StoreKeys, runId: string): Promise<void> {
  await redis.del(keys.watchRunFindings(runId));
}

// Many changes, one message (issue 28, point 7): a range watch's run collects its chunks' change
// notices in Redis (src/store/run-notices.ts) and sends them when its last chunk ends, each watch
// thread hearing up to RUN_SUMMARY_AFTER of them one by one or else one summary with a CSV
// (workers/watch-summary-plan.ts decides). The run-end job bounds the wait when a chunk never ends.
//
// Why hold every notice until the run ends, rather than send the first five at once and sum up
// the rest: a thread then hears one message for a run, never five notices and a summary that
// repeats them, and "more than five changed" is known before anything is said. The cost is
// delay: a change waits for the run's last chunk, which a scheduled run starts within half its
// interval (workers/watch-plan.ts SCHEDULED_SPREAD_SHARE); a watch of one chunk (up to 256
// addresses) waits only for its own chunk and its retries. docs/operations.md says so.
import { z } from "zod";
import type { WatchChange } from "../src/chat/types.js";
import type { StoreKeys } from "../src/keys.js";
import { watchRunEndJobId } from "../src/queue/ids.js";
import type { DeliveryJob, WatchChunkJob, WatchRunEndJob } from "../src/queue/jobs.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import type { RedisClient } from "../src/redis-client.js";
import { CHANGE_WORDS, type SummaryCsvRow } from "../src/render/watch-summary.js";
import type { EngineSettings } from "../src/settings.js";
import { parseStoredOrThrow } from "../src/store/record.js";
import { closeRun, collectRunChanges, markRunSent } from "../src/store/run-notices.js";
import { openRunTally } from "../src/store/watch-runs.js";
import type { PlannedChunk } from "./watch-plan.js";
import {
  isChangeNotice,
  planRunChanges,
  RUN_SUMMARY_AFTER,
  type RunChange,
  runChangeOf,
  runEndDelayMs,
  threadKeyOf,
} from "./watch-summary-plan.js";

export interface RunSummaryDeps {
  redis: RedisClient;
  keys: StoreKeys;
  queues: Queues;
  settings: Pick<EngineSettings, "checkAttempts" | "checkRetryDelayMs">;
}

/**
 * A run of a watch of more than RUN_SUMMARY_AFTER addresses collects its notices: its tally is
 * opened (the chunks count down in it), its run-end job queued, and its chunks marked. Returns the
 * chunks to queue. A smaller watch cannot change more than that in a run: its notices go at once.
 */
export async function openRunSummary(
  deps: RunSummaryDeps,
  run: { runId: string; channel: string; target: string; addresses: number },
  chunks: readonly PlannedChunk[],
): Promise<PlannedChunk[]> {
  if (run.addresses <= RUN_SUMMARY_AFTER || chunks.length === 0) return [...chunks];
  await openRunTally(deps.redis, deps.keys, run.runId, chunks.length);
  const lastStart = Math.max(...chunks.map((chunk) => chunk.opts.delay));
  const end: WatchRunEndJob = { kind: "run-end", channel: run.channel, target: run.target, runId: run.runId };
  await deps.queues.watch.add("run-end", end, {
    jobId: watchRunEndJobId(run.runId),
    delay: runEndDelayMs(lastStart, deps.settings),
  });
  return chunks.map((chunk) => ({ ...chunk, data: { ...chunk.data, summary: true } }));
}

/**
 * A chunk's notices: the change notices of a collecting run are kept for its end, and only those
 * it can no longer take (it has ended) come back, planned as this chunk's own. The rest pass.
 */
export async function routeChunkNotices(
  deps: Pick<RunSummaryDeps, "redis" | "keys">,
  chunkId: string,
  chunk: Pick<WatchChunkJob, "runId" | "summary">,
  notices: readonly DeliveryJob[],
): Promise<DeliveryJob[]> {
  if (chunk.summary !== true) return [...notices];
  const changes = notices.filter(isChangeNotice).map(runChangeOf);
  const others = notices.filter((notice) => !isChangeNotice(notice));
  const late = new Set(
    await collectRunChanges(
      deps.redis,
      deps.keys,
      chunk.runId,
      changes.map((change) => ({
        id: change.deliveryId,
        thread: threadKeyOf(change.to),
        row: JSON.stringify({ deliveryId: change.deliveryId, to: change.to, row: change.row }),
        notice: JSON.stringify(change.notice),
      })),
      RUN_SUMMARY_AFTER,
    ),
  );
  return [
    ...others,
    ...planRunChanges(
      chunkId,
      changes.filter((change) => late.has(change.deliveryId)),
    ),
  ];
}

// What routeChunkNotices wrote, read back. A row that fails its schema is an error (the run-end
// is retried): a summary that silently left an address out would say it did not change.
const storedChangeSchema = z.object({
  deliveryId: z.string(),
  to: z.object({
    platform: z.enum(["console", "slack", "discord"]),
    thread: z.string(),
    watchChannel: z.string().optional(),
  }),
  row: z.object({
    ip: z.string(),
    watch: z.string(),
    change: z.enum(Object.keys(CHANGE_WORDS) as [WatchChange, ...WatchChange[]]),
    verdict: z.enum(["pass", "fail", "inconclusive"]),
    ptr: z.array(z.string()),
    previousNames: z.array(z.string()),
    problem: z.string().nullable(),
    problems: z.array(z.string()),
    lists: z.array(z.string()),
    checkedAt: z.string(),
  }) satisfies z.ZodType<SummaryCsvRow, unknown>,
});
// A kept notice is this project's own DeliveryJob: its identity is checked, the rest is the job.
const noticeSchema = z
  .looseObject({
    deliveryId: z.string(),
    platform: z.enum(["console", "slack", "discord"]),
    target: z.looseObject({ op: z.literal("reply") }),
    message: z.looseObject({ kind: z.literal("watch-change") }),
  })
  .transform((job) => job as unknown as DeliveryJob);

/**
 * The run ends (its last chunk counted, or its run-end job's wait is over): what it collected is
 * planned and queued, once. Returns the number of deliveries queued (0 when already sent).
 */
export async function finishRun(
  deps: Pick<RunSummaryDeps, "redis" | "keys" | "queues">,
  runId: string,
): Promise<number> {
  const closed = await closeRun(deps.redis, deps.keys, runId);
  if (closed === null) return 0;
  const where = deps.keys.watchRunRows(runId);
  const changes: RunChange[] = closed.rows.map((text) => {
    const { deliveryId, to, row } = parseStoredOrThrow(storedChangeSchema, text, where);
    const notice = closed.notices.get(deliveryId);
    return {
      deliveryId,
      to,
      row,
      notice: notice === undefined ? null : parseStoredOrThrow(noticeSchema, notice, where),
    };
  });
  const planned = planRunChanges(runId, changes);
  await enqueueDeliveries(deps.queues, planned);
  await markRunSent(deps.redis, deps.keys, runId);
  return planned.length;
}

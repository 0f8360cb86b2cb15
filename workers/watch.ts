// The watch worker: a watch's scheduler fires a run, which is cut into chunk jobs of up to 256
// addresses (workers/watch-plan.ts); a chunk checks its addresses with in-process concurrency and
// settles them as one batch in the module a single check settles through (workers/settle.ts:
// last report and row saved, each watching channel's state by compare-and-set, a notice on a
// change). The last chunk of a new watch's first run posts the baseline; the last chunk of a
// range's run sends the changes the run collected (workers/watch-summary.ts). Reading and writing
// Redis is all that is done here; the decisions are the planners'.

import { type Job, Worker } from "bullmq";
import { gateWatchRun } from "../src/app/paused-watches.js";
import { dropWatchSchedulerIfUnwatched } from "../src/app/watch-schedulers.js";
import { parseRange } from "../src/check/ranges.js";
import { sweepAddresses } from "../src/check/sweep.js";
import type { CheckReport } from "../src/check/types.js";
import { storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { WORKER_RUN_RETRY_DELAY_MS } from "../src/queue/connection.js";
import { threadReply } from "../src/queue/deliveries.js";
import { firstWatchRunId } from "../src/queue/ids.js";
import type { WatchChunkJob, WatchJob, WatchRunJob } from "../src/queue/jobs.js";
import { WATCH_QUEUE } from "../src/queue/names.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import type { RedisClient } from "../src/redis-client.js";
import type { EngineSettings } from "../src/settings.js";
import { countChunk, openRunTally, readRunTally } from "../src/store/watch-runs.js";
import { getWatch, watchIntervalOf } from "../src/store/watches.js";
import type { CheckRunner } from "./check.js";
import { settleChunkReports } from "./settle.js";
import { runUnmute } from "./watch-mute.js";
import { baselineLineOf, planBaseline, planChunkRetry, planWatchRun } from "./watch-plan.js";
import { finishRun, openRunSummary, routeChunkNotices } from "./watch-summary.js";

export interface WatchWorkerDeps {
  /** A connection with `maxRetriesPerRequest: null` (BullMQ's requirement for workers). */
  redis: RedisClient;
  queues: Queues;
  settings: EngineSettings;
  logger: Logger;
  runCheck: CheckRunner;
}

export type WatchOutcome =
  | { kind: "run"; chunks: number; baseline: boolean }
  | { kind: "chunk"; checked: number; retried: number; deliveries: number; baselinePosted: boolean }
  | { kind: "unmute"; summed: number }
  | { kind: "run-end"; sent: number };

export function processWatchJob(job: Job<WatchJob>, deps: WatchWorkerDeps): Promise<WatchOutcome> {
  const id = job.id ?? "";
  const data = job.data;
  if (data.kind === "run") return runWatch(id, data, deps);
  if (data.kind === "unmute") {
    const keys = storeKeys(deps.settings.prefix);
    return runUnmute(id, data, { ...deps, keys }).then((summed) => ({ kind: "unmute", summed }));
  }
  if (data.kind === "run-end") {
    const keys = storeKeys(deps.settings.prefix);
    return finishRun({ ...deps, keys }, data.runId).then((sent) => ({ kind: "run-end", sent }));
  }
  return runChunk(id, data, deps);
}

async function runWatch(runId: string, data: WatchRunJob, deps: WatchWorkerDeps): Promise<WatchOutcome> {
  const { redis, queues, settings } = deps;
  const keys = storeKeys(settings.prefix);
  const record = await getWatch(redis, keys, data.channel, data.target);
  if (record === null) {
    // Unwatched: the scheduler that made this run is an orphan and stops itself, without DNS.
    await dropWatchSchedulerIfUnwatched({ redis, keys, queues, settings }, data);
    return { kind: "run", chunks: 0, baseline: false };
  }
  // A channel that is gone: its watches are paused (no DNS), and removed after 7 days paused.
  const gate = await gateWatchRun(
    { redis, keys, queues, settings, logger: deps.logger },
    data.channel,
    new Date(),
  );
  if (gate !== "run") return { kind: "run", chunks: 0, baseline: false };
  // The baseline is the first run's, which the watch service queues once the watch's thread
  // exists (its id follows from the watch); scheduled runs, and watches made before baselines
  // existed, post none.
  const baseline =
    record.origin !== null && runId === firstWatchRunId(data.channel, data.target, record.createdAt);
  const planned = planWatchRun({
    runId,
    chunkSize: settings.watchChunkSize,
    channel: data.channel,
    record,
    baseline,
    intervalMs: watchIntervalOf(record, settings.watchIntervalMs),
  });
  if (baseline) await openRunTally(redis, keys, runId, planned.length);
  // A range's run collects its change notices for its end (many changes, one message).
  const chunks = await openRunSummary(
    { redis, keys, queues, settings },
    { runId, channel: data.channel, target: data.target, addresses: record.ips.length },
    planned,
  );
  // Deterministic ids: a run job that runs again adds no chunk twice.
  await queues.watch.addBulk(chunks);
  deps.logger.info(
    { watch: data.target, channel: data.channel, chunks: chunks.length, baseline },
    "watch run split",
  );
  return { kind: "run", chunks: chunks.length, baseline };
}

/**
 * Watches of more addresses than this ask no blocklist in their runs. A /24 watched hourly asks
 * each list 256 x 24 = 6,144 times a day; a /16 would ask 1.5 million, five times Spamhaus's
 * free-use volume (under 300,000 queries a day, www.spamhaus.org/organization/dnsblusage/), so a
 * large range must not hammer the lists (`rdns sweep --blocklists` checks one at a capped rate).
 */
export const WATCH_BLOCKLIST_LIMIT = 256;

/** The check's options for a watch run: the lists only for a watch small enough (above). */
export function watchCheckOptions(target: string, check: EngineSettings["check"]): EngineSettings["check"] {
  if (check.blocklists === undefined) return check;
  let size = 1;
  try {
    size = parseRange(target).size;
  } catch {
    // A stored target is always a valid range or address; if not, ask as for one address.
  }
  if (size <= WATCH_BLOCKLIST_LIMIT) return check;
  const { blocklists: _skipped, ...rest } = check;
  return rest;
}

async function checkAll(
  ips: readonly string[],
  helo: string | null,
  probe: boolean,
  deps: WatchWorkerDeps,
  target: string,
): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  const options = watchCheckOptions(target, deps.settings.check);
  await sweepAddresses(ips, {
    concurrency: deps.settings.watchChunkConcurrency,
    // The same options as a single check's job, so each address's report is what `rdns check`
    // (and `/rdns <ip>`) reports for it.
    check: (ip) =>
      deps.runCheck({ ip, helo, ...options, ...(probe ? { smtp: { host: ip, port: 25 } } : {}) }),
    onReport: (report) => {
      reports.push(report);
    },
  });
  return reports;
}

async function runChunk(chunkId: string, data: WatchChunkJob, deps: WatchWorkerDeps): Promise<WatchOutcome> {
  const { redis, queues, settings } = deps;
  const keys = storeKeys(settings.prefix);
  const stillWatched = (await redis.hexists(keys.watches(data.channel), data.target)) === 1;
  const reports = stillWatched
    ? await checkAll(data.ips, data.helo ?? null, data.probe === true, deps, data.target)
    : [];
  const retry = planChunkRetry(
    data,
    reports.filter((report) => report.verdict === "inconclusive").map((report) => report.ip),
    settings,
  );
  const retried = new Set(retry?.data.ips ?? []);
  // Queued before this chunk is counted: a crash in between re-runs this chunk, and the retry's
  // deterministic id keeps it single.
  if (retry !== null) await queues.watch.add(retry.name, retry.data, retry.opts);
  const settled = reports.filter((report) => !retried.has(report.ip));

  const deliveries = await settleChunkReports(redis, keys, chunkId, settled, settings.reportTtlSeconds, {
    ...(settings.authorityLagAlertMs === undefined ? {} : { lagAlertMs: settings.authorityLagAlertMs }),
  });
  await enqueueDeliveries(queues, await routeChunkNotices({ redis, keys }, chunkId, data, deliveries));

  let baselinePosted = false;
  if (data.summary === true && !data.baseline) {
    const tally = { pass: 0, fail: 0, inconclusive: 0, lines: [], added: retry === null ? 0 : 1 };
    if (await countChunk(redis, keys, data.runId, chunkId, tally))
      await finishRun({ redis, keys, queues }, data.runId);
  }
  if (data.baseline) {
    const lines = settled.map(baselineLineOf).filter((line) => line !== null);
    const tally = {
      pass: settled.filter((report) => report.verdict === "pass").length,
      fail: settled.filter((report) => report.verdict === "fail").length,
      inconclusive: settled.filter((report) => report.verdict === "inconclusive").length,
      lines,
      added: retry === null ? 0 : 1,
    };
    if (await countChunk(redis, keys, data.runId, chunkId, tally)) {
      baselinePosted = await postBaseline(data, deps);
      if (data.summary === true) await finishRun({ redis, keys, queues }, data.runId);
    }
  }
  return {
    kind: "chunk",
    checked: reports.length,
    retried: retried.size,
    deliveries: deliveries.length,
    baselinePosted,
  };
}

/** The last chunk of a baseline run: the summary into the watch's thread (once: its id is the run's). */
async function postBaseline(data: WatchChunkJob, deps: WatchWorkerDeps): Promise<boolean> {
  const { redis, queues, settings } = deps;
  const keys = storeKeys(settings.prefix);
  const record = await getWatch(redis, keys, data.channel, data.target);
  if (record?.origin === undefined || record.origin === null) return false;
  const tally = await readRunTally(redis, keys, data.runId);
  const message = planBaseline(record.target, tally, tally.lines);
  await enqueueDeliveries(queues, [
    { ...threadReply(data.runId, record.origin, message, "baseline"), watchChannel: data.channel },
  ]);
  return true;
}

export function createWatchWorker(deps: WatchWorkerDeps): Worker<WatchJob, WatchOutcome> {
  const worker = new Worker<WatchJob, WatchOutcome>(WATCH_QUEUE, (job) => processWatchJob(job, deps), {
    connection: deps.redis,
    prefix: deps.settings.prefix,
    runRetryDelay: WORKER_RUN_RETRY_DELAY_MS,
    concurrency: deps.settings.watchWorkerConcurrency,
    lockDuration: deps.settings.lockDurationMs,
    stalledInterval: deps.settings.stalledIntervalMs,
    maxStalledCount: 2,
  });
  worker.on("failed", (job, error) =>
    deps.logger.warn({ job: job?.id, watch: job?.data.target, err: error.message }, "watch job failed"),
  );
  worker.on("error", (error) => deps.logger.error({ err: error.message }, "watch worker error"));
  return worker;
}

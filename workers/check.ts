// The check worker: runs the DNS check for a job, then carries out what workers/check-plan.ts
// decides from the report (store it, answer every thread that asked and every channel watching
// the IP, schedule the next re-check). Reading and writing Redis is all that is left here.
import { type Job, MetricsTime, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { dropWatchSchedulerIfUnwatched } from "../src/app/watch-schedulers.js";
import type { Origin } from "../src/chat/types.js";
import type { CheckOptions, CheckReport } from "../src/check/types.js";
import { type StoreKeys, storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { chainOrigins, finishCheckWindow, uniqueOrigins } from "../src/queue/dedup.js";
import type { CheckJob, DeliveryJob } from "../src/queue/jobs.js";
import { CHECK_QUEUE } from "../src/queue/names.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import type { EngineSettings } from "../src/settings.js";
import { saveLastReport } from "../src/store/reports.js";
import { compareAndSetWatchState, readWatchState, watchersOf } from "../src/store/watches.js";
import {
  type CheckPlan,
  planCheckResult,
  planFailedCheck,
  planWatchNotice,
  retryBeforeAnswering,
  type WatchObservation,
} from "./check-plan.js";

/** BullMQ's failedReason for a job past maxStalledCount (moveStalledJobsToWait). */
const STALLED_OUT = /stalled more than allowable limit/;

/** Compare-and-set tries per watching channel before leaving it to the next check. */
const MAX_WATCH_WRITES = 5;

export type CheckRunner = (options: CheckOptions) => Promise<CheckReport>;

export interface CheckWorkerDeps {
  /** A connection with `maxRetriesPerRequest: null` (BullMQ's requirement for workers). */
  redis: Redis;
  queues: Queues;
  settings: EngineSettings;
  logger: Logger;
  runCheck: CheckRunner;
  now?: () => Date;
}

export interface CheckOutcome {
  verdict: CheckReport["verdict"];
  deliveries: number;
  nextRecheckMs: number | null;
  cleared: boolean;
  /** No DNS check ran (a watch run nobody watches): metrics leave it out. */
  skipped?: boolean;
}

/**
 * Runs one attempt of a check job. When the attempt fails for the last time (retrying cannot fix
 * it, or the attempts are spent), every asker is told "could not tell" before the error goes back
 * to BullMQ: otherwise their "Checking..." line would stay forever.
 */
export async function processCheckJob(job: Job<CheckJob>, deps: CheckWorkerDeps): Promise<CheckOutcome> {
  try {
    return await runCheckJob(job, deps);
  } catch (error) {
    const unrecoverable = error instanceof UnrecoverableError;
    if (unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      const reason = error instanceof Error ? error.message : String(error);
      // The job's own error is what BullMQ should record; a failure to report it is logged.
      await reportFailedCheck(job, deps, reason, job.attemptsMade + 1).catch((reportError: unknown) =>
        deps.logger.error({ job: job.id, err: String(reportError) }, "could not report a failed check"),
      );
    }
    throw error;
  }
}

/**
 * Tells every asker of a command or paste chain that the check failed for good: closes the
 * de-duplication window (later askers start a new check) and enqueues "could not tell" in each
 * thread and on each parent. Delivery ids are derived from the job, so running this again (a
 * stalled job, the `failed` event after the processor already did it) enqueues nothing new.
 */
export async function reportFailedCheck(
  job: Job<CheckJob>,
  deps: Pick<CheckWorkerDeps, "redis" | "queues">,
  reason: string,
  attempts: number,
): Promise<number> {
  const data = job.data;
  if (data.reason !== "command" && data.reason !== "paste") return 0;
  const jobId = job.id ?? data.chainId;
  const origins = uniqueOrigins(await chainThreads(deps.redis, data));
  const deliveries = planFailedCheck(data, jobId, origins, reason, attempts);
  await enqueueDeliveries(deps.queues, deliveries);
  return deliveries.length;
}

/** The chain's threads: the job's own, plus those who joined its window or its chain since. */
async function chainThreads(redis: Redis, data: CheckJob): Promise<Origin[]> {
  if (data.originsKey === null) return data.origins;
  if (data.reason === "command" || data.reason === "paste") {
    // Closes the window: askers after this answer themselves from the chain's result.
    return uniqueOrigins([
      ...data.origins,
      ...(await finishCheckWindow(redis, data.originsKey, data.chainId)),
    ]);
  }
  if (data.reason === "recheck")
    return uniqueOrigins([...data.origins, ...(await chainOrigins(redis, data.originsKey))]);
  return data.origins;
}

/** Every channel watching `ip`, with the state it last saw (the raw text, for the compare-and-set). */
async function observeWatchers(redis: Redis, keys: StoreKeys, ip: string): Promise<WatchObservation[]> {
  return Promise.all(
    (await watchersOf(redis, keys, ip)).map(async ({ channel, record }) => ({
      channel,
      record,
      stored: await readWatchState(redis, keys, channel, ip),
    })),
  );
}

/**
 * What a check worker does for the watching channels of `report.ip`, alone: plans each channel's
 * state, writes it (history too) by compare-and-set, and returns the notices it would enqueue.
 * The servers page's tests and `npm run screenshot` record lab checks through it.
 */
export async function claimWatchStates(
  redis: Redis,
  keys: StoreKeys,
  jobId: string,
  report: CheckReport,
): Promise<DeliveryJob[]> {
  const watches = (await observeWatchers(redis, keys, report.ip)).map((watcher) => ({
    watcher,
    decision: planWatchNotice(jobId, report, watcher),
  }));
  return claimWatchNotices(redis, keys, jobId, report, watches);
}

/**
 * Carries out the watch decisions: each state is written by compare-and-set; a lost write is
 * decided again against what the winner wrote. Returns the notices to enqueue. Runs before the
 * enqueue: a job that dies after its write won finds its own write when it runs again.
 */
async function claimWatchNotices(
  redis: Redis,
  keys: StoreKeys,
  jobId: string,
  report: CheckReport,
  watches: CheckPlan["watches"],
): Promise<DeliveryJob[]> {
  const notices: DeliveryJob[] = [];
  for (let { watcher, decision } of watches) {
    for (let attempt = 0; attempt < MAX_WATCH_WRITES && decision.action === "write"; attempt++) {
      const { channel } = watcher;
      if (
        await compareAndSetWatchState(
          redis,
          keys,
          channel,
          report.ip,
          decision.expected,
          decision.state,
          decision.history,
        )
      ) {
        // Won: its notice goes out, as a re-run's repeat would.
        decision = { action: "repeat", notice: decision.notice };
        break;
      }
      watcher = { ...watcher, stored: await readWatchState(redis, keys, channel, report.ip) };
      decision = planWatchNotice(jobId, report, watcher);
    }
    if (decision.action === "repeat" && decision.notice !== null) notices.push(decision.notice);
  }
  return notices;
}

async function runCheckJob(job: Job<CheckJob>, deps: CheckWorkerDeps): Promise<CheckOutcome> {
  const { redis, queues, settings, logger } = deps;
  const keys = storeKeys(settings.prefix);
  const data = job.data;
  const jobId = job.id ?? data.chainId;
  const log = logger.child({ job: jobId, ip: data.ip, reason: data.reason });
  if (data.reason === "watch" && (await watchersOf(redis, keys, data.ip)).length === 0) {
    // Nobody watches this IP any more (unwatched, or the watch records are gone): the scheduler
    // that made this job is an orphan and stops itself, without asking DNS.
    const dropped = await dropWatchSchedulerIfUnwatched({ redis, keys, queues, settings }, data.ip);
    log.info({ dropped }, "watch run with no watchers");
    return { verdict: "inconclusive", deliveries: 0, nextRecheckMs: null, cleared: false, skipped: true };
  }
  let report: CheckReport;
  try {
    report = await deps.runCheck({ ip: data.ip, helo: data.helo, ...settings.check });
  } catch (error) {
    // Retrying cannot fix input the check refuses; anything else (a bug, a socket error) can.
    if (error instanceof Error && error.name === "InvalidInputError")
      throw new UnrecoverableError(error.message);
    throw error;
  }
  const now = deps.now?.() ?? new Date();
  const attempt = job.attemptsMade + 1;
  const retry = retryBeforeAnswering(report, attempt >= (job.opts.attempts ?? 1));
  if (retry !== null) throw new Error(retry);
  await saveLastReport(redis, keys, report, settings.reportTtlSeconds);

  const origins = await chainThreads(redis, data);
  const watchers = await observeWatchers(redis, keys, data.ip);
  const plan = planCheckResult({ job: data, jobId, attempt, report, origins, watchers, now, settings });

  if (plan.chainResult !== null) {
    // Askers who arrive after this, within the window, answer themselves from it (src/queue/dedup.ts).
    await redis.set(
      keys.chainResult(data.chainId),
      JSON.stringify(plan.chainResult.report),
      "PX",
      plan.chainResult.ttlMs,
    );
  }
  // Every channel watching this IP hears of a change, whatever asked for the check.
  const deliveries = [
    ...plan.deliveries,
    ...(await claimWatchNotices(redis, keys, jobId, report, plan.watches)),
  ];
  // Deliveries, then the next re-check: each has a deterministic id, so a job re-run after a
  // crash repeats neither.
  await enqueueDeliveries(queues, deliveries);
  if (plan.next !== null) {
    await queues.check.add("recheck", plan.next.job, { jobId: plan.next.jobId, delay: plan.next.delayMs });
  }
  log.info(
    { verdict: report.verdict, deliveries: deliveries.length, next: plan.next?.delayMs ?? null },
    "check done",
  );
  return {
    verdict: report.verdict,
    deliveries: deliveries.length,
    nextRecheckMs: plan.next?.delayMs ?? null,
    cleared: plan.followUp.cleared,
  };
}

export function createCheckWorker(deps: CheckWorkerDeps): Worker<CheckJob, CheckOutcome> {
  const worker = new Worker<CheckJob, CheckOutcome>(CHECK_QUEUE, (job) => processCheckJob(job, deps), {
    connection: deps.redis,
    prefix: deps.settings.prefix,
    concurrency: deps.settings.checkConcurrency,
    lockDuration: deps.settings.lockDurationMs,
    stalledInterval: deps.settings.stalledIntervalMs,
    // A job whose worker died is picked up again by another (SIGKILL, OOM, a lost machine).
    maxStalledCount: 2,
    // BullMQ's own completed/failed counts (bullmq_job_completed_total on /metrics, Bull Board's graphs).
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
  });
  worker.on("failed", (job, error) => {
    deps.logger.warn({ job: job?.id, ip: job?.data.ip, err: error.message }, "check attempt failed");
    // A job that stalled too often (its workers kept dying) fails without the processor throwing:
    // its askers are told here. Thrown final failures were reported by processCheckJob already.
    if (job !== undefined && STALLED_OUT.test(error.message)) {
      reportFailedCheck(
        job,
        deps,
        "the check worker stopped while checking, too many times",
        job.attemptsMade,
      ).catch((reportError: unknown) =>
        deps.logger.error({ job: job.id, err: String(reportError) }, "could not report a failed check"),
      );
    }
  });
  worker.on("error", (error) => deps.logger.error({ err: error.message }, "check worker error"));
  return worker;
}

// The check worker: runs the DNS check for a job, then carries out what workers/check-plan.ts
// decides from the report (store it, answer every thread that asked and every channel watching
// the IP, schedule the next re-check). Reading and writing Redis is all that is left here.
import { type Job, UnrecoverableError, Worker } from "bullmq";
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
import { chainEnded, endChain, openChain, openChainsOf, readChain } from "../src/store/chains.js";
import { saveLastReport } from "../src/store/reports.js";
import { compareAndSetWatchState, readWatchState, watchersOf } from "../src/store/watches.js";
import { planChainClearedElsewhere, planChainFailed } from "./chain-plan.js";
import {
  type CheckPlan,
  planCheckResult,
  planFailedCheck,
  planWatchNotice,
  retryBeforeAnswering,
} from "./check-plan.js";
import { isCleared } from "./recheck.js";

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
  deps: Pick<CheckWorkerDeps, "redis" | "queues" | "settings">,
  reason: string,
  attempts: number,
): Promise<number> {
  const data = job.data;
  if (data.reason === "recheck") return reportFailedRecheck(data, deps, reason, attempts);
  if (data.reason !== "command" && data.reason !== "paste") return 0;
  const jobId = job.id ?? data.chainId;
  const origins = uniqueOrigins(await chainThreads(deps.redis, data));
  const deliveries = planFailedCheck(data, jobId, origins, reason, attempts);
  await enqueueDeliveries(deps.queues, deliveries);
  return deliveries.length;
}

/**
 * A re-check that failed for good ends its chain (no silent end): its threads hear once that
 * re-checking stopped and why. The registry's compare-and-set makes "once" hold across the
 * processor's own report and the `failed` event of a stalled job.
 */
async function reportFailedRecheck(
  data: CheckJob,
  deps: Pick<CheckWorkerDeps, "redis" | "queues" | "settings">,
  reason: string,
  attempts: number,
): Promise<number> {
  const keys = storeKeys(deps.settings.prefix);
  const ended = await endChain(deps.redis, keys, data.chainId, data.ip, "failed");
  // Already ended otherwise (cleared, stopped) before this failure: nothing to add. An unknown
  // chain (made before the registry) is told all the same; delivery ids keep it to once.
  if (ended === "already-ended" && (await readChain(deps.redis, keys, data.chainId))?.ended !== "failed")
    return 0;
  const origins = uniqueOrigins(await chainThreads(deps.redis, data));
  const deliveries = planChainFailed(data, origins, reason, attempts);
  await enqueueDeliveries(deps.queues, deliveries);
  return deliveries.length;
}

/**
 * Another check of the IP found it cleared: every other open chain of the IP ends with "cleared"
 * in its threads. Each chain is ended in the registry first, and only the caller that ended it
 * tells its threads, so two checks finishing together say it once.
 */
async function clearOtherChains(
  redis: Redis,
  keys: StoreKeys,
  queues: Queues,
  report: CheckReport,
  ownChainId: string,
  now: Date,
): Promise<number> {
  let told = 0;
  for (const chainId of await openChainsOf(redis, keys, report.ip)) {
    if (chainId === ownChainId) continue;
    const chain = await readChain(redis, keys, chainId);
    if (chain === null) continue;
    if ((await endChain(redis, keys, chainId, chain.ip, "cleared")) !== "ended-now") continue;
    if (chain.next !== null) await queues.check.remove(chain.next).catch(() => 0);
    const joined = chain.originsKey === null ? [] : await chainOrigins(redis, chain.originsKey);
    const deliveries = planChainClearedElsewhere(
      chain,
      uniqueOrigins([...chain.origins, ...joined]),
      report,
      now,
    );
    await enqueueDeliveries(queues, deliveries);
    told += deliveries.length;
  }
  return told;
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
      if (await compareAndSetWatchState(redis, keys, channel, report.ip, decision.expected, decision.state)) {
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
    return { verdict: "inconclusive", deliveries: 0, nextRecheckMs: null, cleared: false };
  }
  if (data.reason === "recheck" && (await chainEnded(redis, keys, data.chainId))) {
    // Stopped (or cleared by another check) while this re-check waited: no DNS for it.
    log.info("re-check of an ended chain skipped");
    return { verdict: "inconclusive", deliveries: 0, nextRecheckMs: null, cleared: false };
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
  const watchers = await Promise.all(
    (await watchersOf(redis, keys, data.ip)).map(async ({ channel, record }) => ({
      channel,
      record,
      stored: await readWatchState(redis, keys, channel, data.ip),
    })),
  );
  const plan = planCheckResult({ job: data, jobId, attempt, report, origins, watchers, now, settings });
  // A chain stopped while this re-check asked DNS says nothing more and schedules nothing.
  let chainGoesOn = data.reason !== "recheck" || !(await chainEnded(redis, keys, data.chainId));
  if (chainGoesOn && plan.next !== null) {
    chainGoesOn = await openChain(redis, keys, {
      chainId: data.chainId,
      ip: data.ip,
      helo: data.helo,
      originsKey: data.originsKey,
      origins: data.origins,
      firstFailureAt: plan.next.job.firstFailureAt ?? now.toISOString(),
      rechecks: plan.next.job.recheck,
      next: plan.next.jobId,
      now,
      keepMs: settings.recheckMaxMs + 24 * 3_600_000,
    });
  }
  const next = chainGoesOn ? plan.next : null;
  if (data.reason === "recheck" && chainGoesOn && next === null) {
    await endChain(redis, keys, data.chainId, data.ip, plan.followUp.cleared ? "cleared" : "gave-up");
  }

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
    ...(chainGoesOn ? plan.deliveries : []),
    ...(await claimWatchNotices(redis, keys, jobId, report, plan.watches)),
  ];
  // Deliveries, then the next re-check: each has a deterministic id, so a job re-run after a
  // crash repeats neither.
  await enqueueDeliveries(queues, deliveries);
  if (next !== null) {
    await queues.check.add("recheck", next.job, { jobId: next.jobId, delay: next.delayMs });
  }
  const clearedElsewhere = isCleared(report)
    ? await clearOtherChains(redis, keys, queues, report, data.chainId, now)
    : 0;
  log.info(
    { verdict: report.verdict, deliveries: deliveries.length, clearedElsewhere, next: next?.delayMs ?? null },
    "check done",
  );
  return {
    verdict: report.verdict,
    deliveries: deliveries.length,
    nextRecheckMs: next?.delayMs ?? null,
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

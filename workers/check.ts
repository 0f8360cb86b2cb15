// The check worker: runs the DNS check for a job, then hands the report to
// workers/apply-report.ts, which carries out what workers/check-plan.ts decides (store it, answer
// every thread that asked and every channel watching the IP, open or end the chain, schedule its
// next re-check or poll). Poll jobs go to workers/poll.ts. A re-check of an ended chain asks no DNS.

import { type Job, MetricsTime, UnrecoverableError, Worker } from "bullmq";
import { isStorageFull, newReference } from "../src/app/failure-reply.js";
import { recordStorageFull } from "../src/app/metrics.js";
import { publishStorageFull } from "../src/app/storage-full-notices.js";
import { ensureWatchSchedulers } from "../src/app/watch-schedulers.js";
import { query } from "../src/check/dns-client.js";
import { foreground } from "../src/check/foreground.js";
import { pollAuthority } from "../src/check/poll.js";
import type { CheckOptions, CheckReport } from "../src/check/types.js";
import { storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { WORKER_RUN_RETRY_DELAY_MS } from "../src/queue/connection.js";
import { uniqueOrigins } from "../src/queue/dedup.js";
import type { CheckJob } from "../src/queue/jobs.js";
import { CHECK_QUEUE } from "../src/queue/names.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import { waitForRoom } from "../src/queue/redis-memory.js";
import { removeLegacyIpScheduler } from "../src/queue/watch-schedulers.js";
import type { RedisClient } from "../src/redis-client.js";
import type { EngineSettings } from "../src/settings.js";
import { endChain, openChainsOf, readChain, recheckStale } from "../src/store/chains.js";
import { chainOrigins } from "../src/store/dedup-window.js";
import { watchersOf } from "../src/store/watches.js";
import { applyReport, type CheckOutcome, chainThreads } from "./apply-report.js";
import { planChainFailed } from "./chain-plan.js";
import { planFailedCheck, retryBeforeAnswering } from "./check-plan.js";
import { type PollRunner, runPollJob } from "./poll.js";
import { claimWatchStates } from "./settle.js";

/** The real poll: the settings' servers, the real DNS client. */
export function defaultPoll(settings: EngineSettings): PollRunner {
  return (target) =>
    pollAuthority(
      target,
      { authorities: settings.check.authorities, resolvers: settings.check.resolvers },
      { transport: query, timeoutMs: settings.check.timeoutMs, retries: 1 },
    );
}

/** BullMQ's failedReason for a job past maxStalledCount (moveStalledJobsToWait). */
const STALLED_OUT = /stalled more than allowable limit/;

export type CheckRunner = (options: CheckOptions) => Promise<CheckReport>;
export type { PollRunner };

export interface CheckWorkerDeps {
  /** A connection with `maxRetriesPerRequest: null` (BullMQ's requirement for workers). */
  redis: RedisClient;
  queues: Queues;
  settings: EngineSettings;
  logger: Logger;
  runCheck: CheckRunner;
  /** Defaults to src/check's pollAuthority with the real DNS client (tests wrap it to count). */
  runPoll?: PollRunner;
  now?: () => Date;
}

export type { CheckOutcome };
export { claimWatchStates };

/**
 * Runs one attempt of a check job. When the attempt fails for the last time (retrying cannot fix
 * it, or the attempts are spent), every asker is told "could not tell" before the error goes back
 * to BullMQ: otherwise their "Checking..." line would stay forever.
 */
export async function processCheckJob(job: Job<CheckJob>, deps: CheckWorkerDeps): Promise<CheckOutcome> {
  // A person (or a chain they started) waits for this one: watch runs in this process hold back.
  const leave = foreground.enter();
  try {
    return await runCheckJobWhileFull(job, deps);
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
  } finally {
    leave();
  }
}

/**
 * A full Redis (maxmemory, nothing to evict) refuses the job's writes (its result, its next
 * re-check). Retrying at once would spend the job's attempts in a second and end in a failure
 * nobody can be told of (the "could not tell" is a write too). So the job waits here, holding
 * its slot, while Redis's own figures say it is full, at most one lock duration, and runs again
 * when there is room. Still full after that: the error goes to BullMQ with the job's lock expired
 * (it cannot be renewed while Redis refuses writes), so BullMQ cannot record the attempt, and its
 * stalled-job check puts the job back to wait once Redis takes writes again (maxStalledCount).
 */
async function runCheckJobWhileFull(job: Job<CheckJob>, deps: CheckWorkerDeps): Promise<CheckOutcome> {
  const until = Date.now() + deps.settings.lockDurationMs;
  let told = false;
  for (;;) {
    try {
      return await runCheckJob(job, deps);
    } catch (error) {
      if (!isStorageFull(error) || Date.now() >= until) throw error;
      if (!told) {
        told = true;
        await tellWaiting(job, deps, error);
      }
      if (!(await waitForRoom(deps.redis, deps.settings.prefix, until - Date.now()))) throw error;
    }
  }
}

/**
 * Says in each asker's "Checking…" that the answer waits for memory (a command or paste check;
 * src/app/storage-full-notices.ts): PUBLISH, since a queued delivery would be refused too.
 */
async function tellWaiting(job: Job<CheckJob>, deps: CheckWorkerDeps, error: unknown): Promise<void> {
  const { data } = job;
  const reference = newReference();
  recordStorageFull("worker");
  deps.logger.warn(
    { job: job.id, ip: data.ip, reference, err: String(error) },
    "Redis is full; waiting for room",
  );
  if (data.reason !== "command" && data.reason !== "paste") return;
  try {
    // Read only (chainThreads would close the window, a write): the asker and who joined since.
    const joined = data.originsKey === null ? [] : await chainOrigins(deps.redis, data.originsKey);
    const origins = uniqueOrigins([...data.origins, ...joined]);
    const keys = storeKeys(deps.settings.prefix);
    await publishStorageFull(deps.redis, keys, { ip: data.ip, helo: data.helo, reference, origins });
  } catch (publishError) {
    deps.logger.warn({ job: job.id, reference, err: String(publishError) }, "could not tell the askers");
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
  if (data.reason === "poll") {
    // A poll that failed for good ends every chain that waited on it, each told once.
    const keys = storeKeys(deps.settings.prefix);
    let told = 0;
    for (const chainId of await openChainsOf(deps.redis, keys, data.ip)) {
      const chain = await readChain(deps.redis, keys, chainId);
      if (chain === null || chain.next !== job.id || chain.job === null) continue;
      told += await reportFailedRecheck(chain.job, deps, reason, attempts);
    }
    return told;
  }
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

async function runCheckJob(job: Job<CheckJob>, deps: CheckWorkerDeps): Promise<CheckOutcome> {
  const { redis, queues, settings, logger } = deps;
  const keys = storeKeys(settings.prefix);
  const data = job.data;
  const jobId = job.id ?? data.chainId;
  const log = logger.child({ job: jobId, ip: data.ip, reason: data.reason });
  if (data.reason === "watch") {
    // A run of a per-IP scheduler, from before schedulers were per watch (workers/watch.ts runs
    // watches now): it hands the IP's watches their own schedulers and stops itself, without DNS.
    const watches = (await watchersOf(redis, keys, data.ip)).map(({ channel, record }) => ({
      channel,
      target: record.target,
      everyMs: record.everyMs ?? null,
    }));
    await ensureWatchSchedulers({ redis, keys, queues, settings }, watches);
    await removeLegacyIpScheduler(queues.check, data.ip);
    log.info({ watches: watches.length }, "per-IP watch scheduler replaced by per-watch schedulers");
    return { verdict: "inconclusive", deliveries: 0, nextRecheckMs: null, cleared: false, skipped: true };
  }
  if (data.reason === "poll")
    return runPollJob(job, { ...deps, runPoll: deps.runPoll ?? defaultPoll(settings) }, log);
  const stale = data.reason === "recheck" ? await recheckStale(redis, keys, data.chainId, jobId) : null;
  if (stale !== null) {
    // Stopped (or cleared by another check) while this re-check waited, or replaced by the step
    // an adopted check planned: no DNS for it.
    log.info({ stale }, "re-check skipped: its chain ended or moved on");
    return { verdict: "inconclusive", deliveries: 0, nextRecheckMs: null, cleared: false, skipped: true };
  }
  let report: CheckReport;
  // The chain counts its DNS questions for the "cleared" notice.
  let questions = 0;
  try {
    report = await deps.runCheck({
      ip: data.ip,
      helo: data.helo,
      ...settings.check,
      // `/rdns probe`: the IP's own port 25 (chat never names another host; the IP is public).
      ...(data.probe === true ? { smtp: { host: data.ip, port: 25 } } : {}),
      onQuestion: () => questions++,
    });
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
  const counted = { ...data, questions: (data.questions ?? 0) + questions };
  return applyReport({ data: counted, jobId, attempt, report, now }, deps, log);
}

export function createCheckWorker(deps: CheckWorkerDeps): Worker<CheckJob, CheckOutcome> {
  const worker = new Worker<CheckJob, CheckOutcome>(CHECK_QUEUE, (job) => processCheckJob(job, deps), {
    connection: deps.redis,
    prefix: deps.settings.prefix,
    runRetryDelay: WORKER_RUN_RETRY_DELAY_MS,
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

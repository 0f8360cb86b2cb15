// The check worker: runs the DNS check for a job, stores the report, answers every thread that
// asked and every channel watching the IP, and plans the next re-check (workers/recheck.ts).
import { type Job, MetricsTime, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { EngineSettings } from "../src/app/settings.js";
import { claimWatchChanges } from "../src/app/watch-changes.js";
import type { Origin, OutboundMessage } from "../src/chat/types.js";
import type { CheckOptions, CheckReport } from "../src/check/types.js";
import type { Logger } from "../src/log.js";
import { chainOrigins, finishCheckWindow, uniqueOrigins } from "../src/queue/dedup.js";
import { parentNotice, parentUpdate, resultDeliveries, threadReply } from "../src/queue/deliveries.js";
import { recheckJobId } from "../src/queue/ids.js";
import type { CheckJob, DeliveryJob } from "../src/queue/jobs.js";
import { CHECK_QUEUE } from "../src/queue/names.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import { dropWatchSchedulerIfUnwatched } from "../src/queue/watch-schedulers.js";
import { storeKeys } from "../src/store/keys.js";
import { saveLastReport } from "../src/store/reports.js";
import { watchersOf } from "../src/store/watches.js";
import { planFollowUp, silentResolvers } from "./recheck.js";

/** BullMQ's failedReason for a job past maxStalledCount (moveStalledJobsToWait). */
const STALLED_OUT = /stalled more than allowable limit/;

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

/** Why the answer is "could not tell", in one line, from the failed lookups. */
function inconclusiveDetail(report: CheckReport): string {
  const failed = [...(report.authority?.answers ?? []), ...report.resolvers].filter(
    (answer) => answer.status === "servfail" || answer.status === "timeout" || answer.status === "refused",
  );
  if (failed.length === 0) return report.summary;
  return failed.map((answer) => `${answer.server}: ${answer.error ?? answer.status}`).join("; ");
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
  const origins =
    data.originsKey === null
      ? uniqueOrigins(data.origins)
      : uniqueOrigins([
          ...data.origins,
          ...(await finishCheckWindow(deps.redis, data.originsKey, data.chainId)),
        ]);
  const message: OutboundMessage = {
    kind: "could-not-tell",
    ip: data.ip,
    detail: reason.length > 300 ? `${reason.slice(0, 297)}...` : reason,
    attempts: Math.max(1, attempts),
  };
  const deliveries = origins.flatMap((origin) => [
    ...parentNotice(jobId, origin, message),
    threadReply(jobId, origin, message, "could-not-tell"),
  ]);
  await enqueueDeliveries(deps.queues, deliveries);
  return deliveries.length;
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
    const dropped = await dropWatchSchedulerIfUnwatched(
      redis,
      keys,
      queues.check,
      data.ip,
      settings.watchIntervalMs,
    );
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
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (report.verdict === "inconclusive" && !lastAttempt) {
    // A timeout or SERVFAIL is not an answer: let BullMQ's back-off ask again before telling anyone.
    throw new Error(`inconclusive DNS answers: ${inconclusiveDetail(report)}`);
  }
  await saveLastReport(redis, keys, report, settings.reportTtlSeconds);

  const deliveries: DeliveryJob[] = [];
  let origins: Origin[] = data.origins;
  if (data.reason === "command" || data.reason === "paste") {
    if (data.originsKey !== null) {
      origins = uniqueOrigins([
        ...data.origins,
        ...(await finishCheckWindow(redis, data.originsKey, data.chainId)),
      ]);
    }
    if (report.verdict !== "inconclusive") {
      // Askers who arrive after this, within the window, answer themselves from it (src/queue/dedup.ts).
      await redis.set(
        keys.chainResult(data.chainId),
        JSON.stringify(report),
        "PX",
        settings.dedupWindowMs + 60_000,
      );
    }
    for (const origin of origins) {
      if (report.verdict === "inconclusive") {
        const message: OutboundMessage = {
          kind: "could-not-tell",
          ip: data.ip,
          detail: inconclusiveDetail(report),
          attempts: job.attemptsMade + 1,
        };
        deliveries.push(
          ...parentUpdate(jobId, origin, report),
          threadReply(jobId, origin, message, "could-not-tell"),
        );
      } else {
        deliveries.push(...resultDeliveries(jobId, report, origin));
      }
    }
  } else if (data.reason === "recheck" && data.originsKey !== null) {
    origins = uniqueOrigins([...data.origins, ...(await chainOrigins(redis, data.originsKey))]);
  }

  // Every channel watching this IP hears of a change, whatever asked for the check. Its state is
  // written here, before the enqueue below (see src/app/watch-changes.ts for why that is safe).
  deliveries.push(...(await claimWatchChanges(redis, keys, jobId, report)));

  const followUp = planFollowUp(data, report, now, settings);
  const rechecks = data.recheck;
  for (const origin of followUp.cleared || followUp.stillFailing || followUp.gaveUp ? origins : []) {
    if (followUp.cleared) {
      const silent = silentResolvers(report);
      const message: OutboundMessage = {
        kind: "cleared",
        report,
        elapsedSeconds: followUp.elapsedSeconds,
        rechecks,
        ...(silent.length > 0 ? { silentResolvers: silent } : {}),
      };
      deliveries.push(...parentUpdate(jobId, origin, report), threadReply(jobId, origin, message, "cleared"));
    } else {
      const message: OutboundMessage = {
        kind: "still-failing",
        report,
        elapsedSeconds: followUp.elapsedSeconds,
        rechecks,
        ...(followUp.gaveUp ? { final: true } : {}),
      };
      deliveries.push(threadReply(jobId, origin, message, followUp.gaveUp ? "gave-up" : "still-failing"));
    }
  }

  // Deliveries, then the next re-check: each has a deterministic id, so a job re-run after a
  // crash repeats neither.
  await enqueueDeliveries(queues, deliveries);
  if (followUp.next !== null) {
    const next: CheckJob = {
      ...data,
      reason: "recheck",
      recheck: data.recheck + 1,
      quickRechecks: data.quickRechecks + (followUp.next.quick ? 1 : 0),
      firstFailureAt: followUp.firstFailureAt,
      stillFailingSent: data.stillFailingSent || followUp.stillFailing,
    };
    await queues.check.add("recheck", next, {
      jobId: recheckJobId(data.chainId, next.recheck),
      delay: followUp.next.delayMs,
    });
  }
  log.info(
    { verdict: report.verdict, deliveries: deliveries.length, next: followUp.next?.delayMs ?? null },
    "check done",
  );
  return {
    verdict: report.verdict,
    deliveries: deliveries.length,
    nextRecheckMs: followUp.next?.delayMs ?? null,
    cleared: followUp.cleared,
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

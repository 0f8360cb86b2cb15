// Metrics from BullMQ's own Worker events, so the workers themselves carry no metrics code:
// 'completed' hands over the job and its return value, 'failed' the job and its error (with
// `finishedOn` set only when BullMQ gave up on it; a retried attempt has none).
import type { Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { CheckReport } from "../check/types.js";
import type { StoreKeys } from "../keys.js";
import type { Logger } from "../log.js";
import type { CheckJob, DeliveryJob } from "../queue/jobs.js";
import { CHECK_QUEUE, platformOfDeliveryQueue } from "../queue/names.js";
import { isStorageFull } from "./failure-reply.js";
import { recordCheck, recordDelivery, recordStorageFull } from "./metrics.js";

/** What the check worker returns (workers/check.ts CheckOutcome), as far as metrics need it. */
export interface CheckOutcomeSummary {
  verdict: CheckReport["verdict"];
  nextRecheckMs: number | null;
  /** True when no DNS check ran (a watch run nobody watches any more). */
  skipped?: boolean;
}

export interface ObserveDeps {
  redis: Redis;
  keys: StoreKeys;
  logger: Logger;
}

function finishedForGood(job: Job): boolean {
  return job.finishedOn !== undefined && job.finishedOn > 0;
}

export function observeCheckWorker(worker: Worker<CheckJob, CheckOutcomeSummary>, _deps: ObserveDeps): void {
  // Open chains are counted from the chain registry at scrape time (src/store/chains.ts), not here.
  worker.on("completed", (job, outcome) => {
    if (outcome === undefined || outcome === null || outcome.skipped === true) return;
    recordCheck(outcome.verdict, job.data.reason);
  });
  worker.on("failed", (job) => {
    if (job === undefined || !finishedForGood(job)) return;
    recordCheck("error", job.data.reason);
  });
}

export function observeDeliveryWorker(
  worker: Worker<DeliveryJob, { skipped: boolean }>,
  platform: string,
): void {
  worker.on("completed", (_job, outcome) =>
    recordDelivery(platform, outcome?.skipped ? "skipped" : "posted"),
  );
  // A Retry-After wait (DelayedError) emits no 'failed': it is not an attempt.
  worker.on("failed", (job) => {
    if (job !== undefined) recordDelivery(platform, finishedForGood(job) ? "failed" : "retry");
  });
}

/** Attaches the observers to a runtime's workers, telling check and delivery workers apart by queue. */
export function observeWorkers(workers: readonly Worker[], deps: ObserveDeps): void {
  for (const worker of workers) {
    // A full Redis refuses the worker's own writes (taking a job, saving a result, moving a job
    // on): BullMQ emits them as 'error' (its own scripts) or 'failed' (the job's), and retries.
    worker.on("error", (error) => {
      if (isStorageFull(error)) recordStorageFull("worker");
    });
    worker.on("failed", (_job, error) => {
      if (isStorageFull(error)) recordStorageFull("worker");
    });
    // A console's own route counts as the console (src/queue/names.ts).
    const platform = platformOfDeliveryQueue(worker.name);
    if (worker.name === CHECK_QUEUE) observeCheckWorker(worker, deps);
    else if (platform !== null) observeDeliveryWorker(worker, platform);
  }
}

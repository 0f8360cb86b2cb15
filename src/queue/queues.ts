// The BullMQ queues, with the retry policy of each kind of job in one place.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { PlatformName } from "../chat/types.js";
import type { EngineSettings } from "../settings.js";
import type { CheckJob, DeliveryJob, WatchJob } from "./jobs.js";
import { CHECK_QUEUE, deliveryQueueName, WATCH_QUEUE } from "./names.js";

/** Custom back-off type for deliveries (workers/delivery.ts implements it). */
export const DELIVERY_BACKOFF = "chat";

const DAY_SECONDS = 24 * 3600;

export interface Queues {
  check: Queue<CheckJob>;
  watch: Queue<WatchJob>;
  delivery(platform: PlatformName): Queue<DeliveryJob>;
  close(): Promise<void>;
}

export function createQueues(redis: Redis, settings: EngineSettings): Queues {
  const check = new Queue<CheckJob>(CHECK_QUEUE, {
    connection: redis,
    prefix: settings.prefix,
    defaultJobOptions: {
      // Inconclusive DNS (timeouts, SERVFAIL) throws a plain Error: BullMQ retries with back-off.
      attempts: settings.checkAttempts,
      backoff: { type: "exponential", delay: settings.checkRetryDelayMs },
      // Completed jobs are kept a day so a deterministic id stays taken (a re-run of the job that
      // scheduled a re-check cannot schedule it again).
      removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
      removeOnFail: { age: 7 * DAY_SECONDS },
    },
  });
  const deliveries = new Map<PlatformName, Queue<DeliveryJob>>();
  // Made on first use, as the delivery queues are: a process that never touches watches (a bot
  // front end, a test of the check queue) opens nothing for them.
  let watch: Queue<WatchJob> | undefined;
  return {
    check,
    get watch() {
      watch ??= new Queue<WatchJob>(WATCH_QUEUE, {
        connection: redis,
        prefix: settings.prefix,
        defaultJobOptions: {
          // A chunk retries its own inconclusive addresses (a new chunk job); an attempt here is for
          // a crash or a Redis error in between, which running the chunk again repairs.
          attempts: 3,
          backoff: { type: "exponential", delay: settings.checkRetryDelayMs },
          removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
          removeOnFail: { age: 7 * DAY_SECONDS },
        },
      });
      return watch;
    },
    delivery(platform) {
      let queue = deliveries.get(platform);
      if (queue === undefined) {
        queue = new Queue<DeliveryJob>(deliveryQueueName(platform), {
          connection: redis,
          prefix: settings.prefix,
          defaultJobOptions: {
            attempts: settings.deliveryAttempts,
            backoff: { type: DELIVERY_BACKOFF, delay: settings.deliveryRetryDelayMs },
            removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
            removeOnFail: { age: 7 * DAY_SECONDS },
          },
        });
        deliveries.set(platform, queue);
      }
      return queue;
    },
    async close() {
      await Promise.all([
        check.close(),
        ...(watch === undefined ? [] : [watch.close()]),
        ...[...deliveries.values()].map((queue) => queue.close()),
      ]);
    },
  };
}

/** Enqueues deliveries; the job id is the delivery id, so a delivery already queued is not added twice. */
export async function enqueueDeliveries(queues: Queues, jobs: readonly DeliveryJob[]): Promise<void> {
  await Promise.all(
    jobs.map((job) => queues.delivery(job.platform).add("deliver", job, { jobId: job.deliveryId })),
  );
}

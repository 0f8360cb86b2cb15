// The BullMQ queues, with the retry policy of each kind of job in one place.
import { Queue } from "bullmq";
import type { PlatformName } from "../chat/types.js";
import { storeKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import type { EngineSettings } from "../settings.js";
import { liveRouteOf } from "./delivery-routes.js";
import type { CheckJob, DeliveryJob, WatchJob } from "./jobs.js";
import { CHECK_QUEUE, routedDeliveryQueueName, WATCH_QUEUE } from "./names.js";

/** Custom back-off type for deliveries (workers/delivery.ts implements it). */
export const DELIVERY_BACKOFF = "chat";

const DAY_SECONDS = 24 * 3600;

export interface Queues {
  check: Queue<CheckJob>;
  watch: Queue<WatchJob>;
  /** A platform's delivery queue; with a route, that one process's own (src/queue/delivery-routes.ts). */
  delivery(platform: PlatformName, route?: string | null): Queue<DeliveryJob>;
  /** The route a delivery takes now (a live console session), or null for the platform's shared queue. */
  routeOf(job: DeliveryJob): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * What a queue does with a Redis error (a reconnect during a failover: ECONNREFUSED until the new
 * primary answers). Without a listener BullMQ prints each one to stderr with its stack
 * (QueueBase.emit falls back to console.error), several lines per reconnect attempt and queue.
 */
export type QueueErrorHandler = (queue: string, error: Error) => void;

export function createQueues(
  redis: RedisClient,
  settings: EngineSettings,
  onError?: QueueErrorHandler,
): Queues {
  const listen = <Q extends Queue>(queue: Q): Q => {
    if (onError !== undefined) queue.on("error", (error) => onError(queue.name, error));
    return queue;
  };
  const check = listen(
    new Queue<CheckJob>(CHECK_QUEUE, {
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
    }),
  );
  const deliveries = new Map<string, Queue<DeliveryJob>>();
  const keys = storeKeys(settings.prefix);
  // Made on first use, as the delivery queues are: a process that never touches watches (a bot
  // front end, a test of the check queue) opens nothing for them.
  let watch: Queue<WatchJob> | undefined;
  return {
    check,
    get watch() {
      watch ??= listen(
        new Queue<WatchJob>(WATCH_QUEUE, {
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
        }),
      );
      return watch;
    },
    delivery(platform, route = null) {
      const name = routedDeliveryQueueName(platform, route);
      let queue = deliveries.get(name);
      if (queue === undefined) {
        queue = listen(
          new Queue<DeliveryJob>(name, {
            connection: redis,
            prefix: settings.prefix,
            defaultJobOptions: {
              attempts: settings.deliveryAttempts,
              backoff: { type: DELIVERY_BACKOFF, delay: settings.deliveryRetryDelayMs },
              removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
              removeOnFail: { age: 7 * DAY_SECONDS },
            },
          }),
        );
        deliveries.set(name, queue);
      }
      return queue;
    },
    routeOf: (job) => liveRouteOf(redis, keys, job),
    async close() {
      await Promise.all([
        check.close(),
        ...(watch === undefined ? [] : [watch.close()]),
        ...[...deliveries.values()].map((queue) => queue.close()),
      ]);
    },
  };
}

/**
 * Enqueues deliveries, each on its route (the asking console's own queue while it runs); the job
 * id is the delivery id, so a delivery already queued is not added twice.
 */
export async function enqueueDeliveries(queues: Queues, jobs: readonly DeliveryJob[]): Promise<void> {
  await Promise.all(
    jobs.map(async (job) =>
      queues.delivery(job.platform, await queues.routeOf(job)).add("deliver", job, { jobId: job.deliveryId }),
    ),
  );
}

// The delivery worker: posts queued messages through a platform's ChatSender. One worker per
// platform queue (src/queue/names.ts), running in the bot process that owns that connection.
//
// Idempotent twice over: the job id is the delivery id (the same delivery is never queued twice),
// and a Redis marker written after a successful post makes a retried or stalled job skip the post.
// The one gap left is a crash between the platform accepting the post and the marker being
// written; the platforms' own de-duplication (Slack event ids, Discord nonces) is the remedy there.
import { DelayedError, type Job, MetricsTime, UnrecoverableError, Worker } from "bullmq";
import { recordChannelGone, recordChannelReachable } from "../src/app/paused-watches.js";
import { announceWatchChange } from "../src/app/watch-changes.js";
import type { ChatSender, DeliveryErrorHints, ReplyAddress } from "../src/chat/types.js";
import { storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { WORKER_RUN_RETRY_DELAY_MS } from "../src/queue/connection.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import { routedDeliveryQueueName } from "../src/queue/names.js";
import { DELIVERY_BACKOFF, type Queues } from "../src/queue/queues.js";
import type { RedisClient } from "../src/redis-client.js";
import { deliveredMessage } from "../src/render/views.js";
import type { EngineSettings } from "../src/settings.js";

export interface DeliveryWorkerDeps {
  redis: RedisClient;
  queues: Queues;
  settings: EngineSettings;
  logger: Logger;
}

export interface DeliveryOutcome {
  /** The posted message's address, or the one recorded by an earlier attempt. */
  address: ReplyAddress | null;
  skipped: boolean;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Back-off for the "chat" type: exponential from the configured delay, with jitter so many
 * deliveries do not retry in lock-step. A Retry-After never reaches it: processDeliveryJob puts
 * the limited delivery back as delayed itself, without spending an attempt.
 */
export function deliveryBackoff(baseMs: number) {
  return (attemptsMade: number, type?: string): number => {
    if (type !== DELIVERY_BACKOFF) return baseMs;
    const exponential = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(exponential * (0.75 + Math.random() * 0.25));
  };
}

async function send(sender: ChatSender, job: DeliveryJob): Promise<ReplyAddress | null> {
  const { target } = job;
  // A job queued by an older version carries the whole report: its view is taken here, so the
  // renderers see the shape they are typed on (a view's view is the same view).
  const message = deliveredMessage(job.platform, job.message);
  const options = { deliveryId: job.deliveryId };
  switch (target.op) {
    case "reply":
      return sender.reply(target.thread, message, options);
    case "post":
      return sender.post(target.channel, message, options);
    case "update":
      await sender.update(target.target, message, options);
      return target.target;
  }
}

export async function processDeliveryJob(
  job: Job<DeliveryJob>,
  sender: ChatSender,
  deps: DeliveryWorkerDeps,
  token?: string,
): Promise<DeliveryOutcome> {
  const keys = storeKeys(deps.settings.prefix);
  const marker = keys.delivered(job.data.deliveryId);
  const done = await deps.redis.get(marker);
  if (done !== null) return { address: done === "" ? null : done, skipped: true };
  let address: ReplyAddress | null;
  const watchChannel = job.data.watchChannel;
  const health = { redis: deps.redis, keys, logger: deps.logger };
  try {
    address = await send(sender, job.data);
  } catch (error) {
    const hints = error as Error & DeliveryErrorHints;
    const reason = error instanceof Error ? error.message : String(error);
    if (hints.permanent === true) {
      if (hints.channelGone === true && watchChannel !== undefined)
        await recordChannelGone(health, watchChannel, new Date(), reason);
      throw new UnrecoverableError(`${sender.name}: ${reason}`);
    }
    if (typeof hints.retryAfterMs === "number" && hints.retryAfterMs > 0) {
      // Only this delivery waits out the Retry-After: Slack's limits are per method and workspace,
      // Discord's per route, so pausing the whole platform queue would hold up deliveries that are
      // not limited. The job goes back as delayed without using an attempt.
      await job.moveToDelayed(Date.now() + hints.retryAfterMs, token);
      throw new DelayedError();
    }
    throw error;
  }
  await deps.redis.set(marker, address ?? "", "EX", deps.settings.reportTtlSeconds);
  if (watchChannel !== undefined) {
    await recordChannelReachable(health, watchChannel);
    // A watch's notice means its state changed: what shows the channel's watches refreshes.
    await announceWatchChange(deps.redis, keys, watchChannel, deps.logger);
  }
  return { address, skipped: false };
}

export function createDeliveryWorker(
  sender: ChatSender,
  deps: DeliveryWorkerDeps,
  /** A route's own queue (src/queue/delivery-routes.ts) instead of the platform's shared one. */
  route: string | null = null,
): Worker<DeliveryJob, DeliveryOutcome> {
  const worker = new Worker<DeliveryJob, DeliveryOutcome>(
    routedDeliveryQueueName(sender.name, route),
    (job, token) => processDeliveryJob(job, sender, deps, token),
    {
      connection: deps.redis,
      prefix: deps.settings.prefix,
      runRetryDelay: WORKER_RUN_RETRY_DELAY_MS,
      concurrency: 4,
      // A steady pace per platform; a platform's own Retry-After delays just the limited job.
      limiter: { max: deps.settings.deliveryRatePerSecond, duration: 1000 },
      lockDuration: deps.settings.lockDurationMs,
      stalledInterval: deps.settings.stalledIntervalMs,
      settings: { backoffStrategy: deliveryBackoff(deps.settings.deliveryRetryDelayMs) },
      // BullMQ's own completed/failed counts (bullmq_job_completed_total on /metrics, Bull Board's graphs).
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    },
  );
  worker.on("failed", (job, error) => {
    deps.logger.warn(
      { delivery: job?.id, platform: sender.name, err: error.message },
      "delivery attempt failed",
    );
  });
  worker.on("error", (error) => deps.logger.error({ err: error.message }, "delivery worker error"));
  return worker;
}

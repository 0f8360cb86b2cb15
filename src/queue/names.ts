// Queue names. Every Redis key also carries the configured prefix (QUEUE_PREFIX), which BullMQ
// puts in front of the queue name, so several bots (or tests) can share one Redis.
import type { PlatformName } from "../chat/types.js";

/**
 * DNS checks: first checks (commands, pastes, buttons), re-checks, and the authority polls and
 * confirmations of re-check chains (consumed by `rdns worker`; watch runs have their own queue).
 */
export const CHECK_QUEUE = "check";

/**
 * Watch runs (one job scheduler per watch) and the chunks of up to 256 addresses each run is
 * split into (consumed by `rdns worker`, workers/watch.ts).
 */
export const WATCH_QUEUE = "watch";

/**
 * Deliveries, one queue per platform: a bot process consumes only the platforms it runs, so a
 * console delivery never lands in a process with no terminal, nor a Slack one in a Discord-only bot.
 */
export function deliveryQueueName(platform: PlatformName): string {
  return `delivery-${platform}`;
}

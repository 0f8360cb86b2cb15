// Queue names. Every Redis key also carries the configured prefix (QUEUE_PREFIX), which BullMQ
// puts in front of the queue name, so several bots (or tests) can share one Redis.
import type { PlatformName, ReplyAddress } from "../chat/types.js";

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
 * A route has a queue of one process alone (one console's session): two consoles on one Redis
 * would otherwise take each other's answers (src/queue/delivery-routes.ts).
 */
export function deliveryQueueName(platform: PlatformName): string {
  return `delivery-${platform}`;
}

/** The delivery queue of a route (or the platform's shared one when null). */
export function routedDeliveryQueueName(platform: PlatformName, route: string | null): string {
  return route === null ? deliveryQueueName(platform) : `${deliveryQueueName(platform)}-${route}`;
}

/** The platform a delivery queue serves ("delivery-console-3fa9c1" -> "console"), or null. */
export function platformOfDeliveryQueue(name: string): string | null {
  const match = /^delivery-([a-z]+)(?:-[0-9A-Za-z]+)?$/.exec(name);
  return match?.[1] ?? null;
}

/**
 * The console session an address belongs to: the console writes `console:<channel>:<session>-<n>`
 * (src/platforms/console), one session per process. Null for any other address.
 */
export function consoleSessionOf(address: ReplyAddress): string | null {
  return /^console:.*:([0-9A-Za-z]+)-\d+$/.exec(address)?.[1] ?? null;
}

// Watches of gone channels. A channel that was archived, deleted, or that the bot was removed from
// cannot hear its watches, yet each run would go on asking DNS for nothing: after
// PAUSE_AFTER_FAILURES deliveries in a row fail because the channel is gone (Slack
// channel_not_found / not_in_channel / is_archived, Discord 10003 / 50001: DeliveryErrorHints
// `channelGone`), the channel's watches are paused (their runs skip DNS), and after
// REMOVE_AFTER_PAUSED_MS paused they are removed, with a log line each time. A delivery that gets
// through, or a `/rdns watch` in the channel, clears the count and resumes them.
import type { Logger } from "../log.js";
import {
  type ChannelHealth,
  clearChannelHealth,
  countChannelFailure,
  markChannelPaused,
  readChannelHealth,
} from "../store/channel-health.js";
import { listWatches, removeWatch } from "../store/watches.js";
import type { AppContext } from "./context.js";
import { dropWatchSchedulerIfUnwatched, type SchedulerDeps } from "./watch-schedulers.js";

export const PAUSE_AFTER_FAILURES = 3;
export const REMOVE_AFTER_PAUSED_MS = 7 * 24 * 3_600_000;

/** After one more "channel gone" failure (`failures` counts it): pause now? */
export function shouldPause(health: ChannelHealth): boolean {
  return health.pausedAt === null && health.failures >= PAUSE_AFTER_FAILURES;
}

/** What a watch run of this channel does: run, skip (paused), or remove the channel's watches. */
export function watchRunGate(health: ChannelHealth, now: Date): "run" | "paused" | "remove" {
  if (health.pausedAt === null) return "run";
  const pausedFor = now.getTime() - Date.parse(health.pausedAt);
  return pausedFor >= REMOVE_AFTER_PAUSED_MS ? "remove" : "paused";
}

type Deps = Pick<AppContext, "redis" | "keys"> & { logger: Logger };

/** The delivery worker saw a "channel gone" failure for a watch's delivery. */
export async function recordChannelGone(
  deps: Deps,
  channel: string,
  now: Date,
  reason: string,
): Promise<void> {
  const failures = await countChannelFailure(deps.redis, deps.keys, channel);
  const health = await readChannelHealth(deps.redis, deps.keys, channel);
  if (!shouldPause({ ...health, failures })) return;
  if (await markChannelPaused(deps.redis, deps.keys, channel, now.toISOString())) {
    deps.logger.warn(
      { channel, failures, reason, removeAfterDays: REMOVE_AFTER_PAUSED_MS / 86_400_000 },
      "watches paused: the channel is gone or closed to the bot",
    );
  }
}

/** A watch's delivery got through: the channel is there. */
export async function recordChannelReachable(deps: Deps, channel: string): Promise<void> {
  const health = await readChannelHealth(deps.redis, deps.keys, channel);
  if (health.failures === 0 && health.pausedAt === null) return;
  await clearChannelHealth(deps.redis, deps.keys, channel);
  if (health.pausedAt !== null) deps.logger.info({ channel }, "watches resumed: the channel answers again");
}

/**
 * Asked by a watch run before any DNS: "run", "paused" (skip it), or "removed" (the channel was
 * paused long enough: every watch of it is removed now, schedulers too).
 */
export async function gateWatchRun(
  deps: Deps & SchedulerDeps,
  channel: string,
  now: Date,
): Promise<"run" | "paused" | "removed"> {
  const health = await readChannelHealth(deps.redis, deps.keys, channel);
  const gate = watchRunGate(health, now);
  if (gate !== "remove") return gate;
  const watches = await listWatches(deps.redis, deps.keys, channel);
  for (const watch of watches) {
    await removeWatch(deps.redis, deps.keys, channel, watch.target);
    await dropWatchSchedulerIfUnwatched(deps, { channel, target: watch.target });
  }
  await clearChannelHealth(deps.redis, deps.keys, channel);
  deps.logger.warn(
    { channel, pausedAt: health.pausedAt, removed: watches.map((watch) => watch.target) },
    "watches removed: their channel stayed gone for 7 days",
  );
  return "removed";
}

/** Someone watched from the channel: it exists and the bot is in it, so its watches resume. */
export async function resumeChannel(deps: Deps, channel: string): Promise<void> {
  await recordChannelReachable(deps, channel);
}

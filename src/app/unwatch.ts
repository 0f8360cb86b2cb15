// The unwatch service: a channel stops following a target, and the watch's scheduler goes
// (src/app/watch-schedulers.ts).
import type { PlatformName } from "../chat/types.js";
import { channelKey, listWatches, removeWatch, type WatchRecord } from "../store/watches.js";
import type { AppContext } from "./context.js";
import { dropWatchSchedulerIfUnwatched } from "./watch-schedulers.js";

export type UnwatchResult =
  | { removed: WatchRecord }
  /** Not watched; `watching` is what the channel does watch (for the answer). */
  | { removed: null; watching: string[] };

export async function unwatch(
  ctx: Pick<AppContext, "redis" | "keys" | "queues" | "settings">,
  request: { platform: PlatformName; channel: string; target: string },
): Promise<UnwatchResult> {
  const channel = channelKey(request.platform, request.channel);
  let { removed } = await removeWatch(ctx.redis, ctx.keys, channel, request.target);
  // Watches stored before single addresses had one form may carry "/32" or "/128".
  if (removed === null && !request.target.includes("/")) {
    const legacy = `${request.target}/${request.target.includes(":") ? 128 : 32}`;
    ({ removed } = await removeWatch(ctx.redis, ctx.keys, channel, legacy));
  }
  if (removed === null) {
    const watches = await listWatches(ctx.redis, ctx.keys, channel);
    return { removed: null, watching: watches.map((watch) => watch.target) };
  }
  await dropWatchSchedulerIfUnwatched(ctx, { channel, target: removed.target });
  return { removed };
}

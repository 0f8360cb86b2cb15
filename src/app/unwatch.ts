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
  const { removed } = await removeWatch(ctx.redis, ctx.keys, channel, request.target);
  if (removed === null) {
    const watches = await listWatches(ctx.redis, ctx.keys, channel);
    return { removed: null, watching: watches.map((watch) => watch.target) };
  }
  await dropWatchSchedulerIfUnwatched(ctx, { channel, target: removed.target });
  return { removed };
}

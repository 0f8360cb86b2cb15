// The channel's watches, for `/rdns watches`. Listing them also creates any scheduler a watch is
// missing (a creation that failed half-way), so asking what is watched makes it true.
import type { PlatformName } from "../chat/types.js";
import { channelKey, listWatches, type WatchRecord } from "../store/watches.js";
import type { AppContext } from "./context.js";
import { ensureWatchSchedulers } from "./watch-schedulers.js";

export async function listChannelWatches(
  ctx: Pick<AppContext, "redis" | "keys" | "queues" | "settings" | "logger">,
  request: { platform: PlatformName; channel: string },
): Promise<WatchRecord[]> {
  const channel = channelKey(request.platform, request.channel);
  const watches = await listWatches(ctx.redis, ctx.keys, channel);
  const repaired = await ensureWatchSchedulers(
    ctx,
    watches.map((watch) => ({ channel, target: watch.target })),
  );
  if (repaired.length > 0)
    ctx.logger.warn(
      { repaired: repaired.map((watch) => watch.target) },
      "watches had no scheduler; created again",
    );
  return watches;
}

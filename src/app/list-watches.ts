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
  const watches = await listWatches(ctx.redis, ctx.keys, channelKey(request.platform, request.channel));
  const ips = [...new Set(watches.flatMap((watch) => watch.ips))];
  const repaired = await ensureWatchSchedulers(ctx, ips);
  if (repaired.length > 0) ctx.logger.warn({ repaired }, "watched IPs had no scheduler; created again");
  return watches;
}

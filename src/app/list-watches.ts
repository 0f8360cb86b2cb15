// The channel's watches, for `/rdns watches`. Listing them also creates any scheduler a watch is
// missing (a creation that failed half-way), so asking what is watched makes it true.
import type { PlatformName } from "../chat/types.js";
import { channelKey, listWatches, mutedAt, type WatchRecord } from "../store/watches.js";
import type { AppContext } from "./context.js";
import { durationWords } from "./durations.js";
import { ensureWatchSchedulers } from "./watch-schedulers.js";

export async function listChannelWatches(
  ctx: Pick<AppContext, "redis" | "keys" | "queues" | "settings" | "logger">,
  request: { platform: PlatformName; channel: string },
): Promise<WatchRecord[]> {
  const channel = channelKey(request.platform, request.channel);
  const watches = await listWatches(ctx.redis, ctx.keys, channel);
  const repaired = await ensureWatchSchedulers(
    ctx,
    watches.map((watch) => ({ channel, target: watch.target, everyMs: watch.everyMs ?? null })),
  );
  if (repaired.length > 0)
    ctx.logger.warn(
      { repaired: repaired.map((watch) => watch.target) },
      "watches had no scheduler; created again",
    );
  return watches;
}

/**
 * What sets a watch apart, in a few words for lists (`/rdns watches`, the App Home): its HELO,
 * its own pace, and a maintenance window still running at `now`.
 */
export function watchNotes(
  watch: Pick<WatchRecord, "helo" | "everyMs" | "mutedUntil" | "probe">,
  now: string,
): string[] {
  const notes: string[] = [];
  if (watch.helo !== undefined && watch.helo !== null) notes.push(`HELO ${watch.helo}`);
  if (watch.probe === true) notes.push("probe");
  if (watch.everyMs !== undefined && watch.everyMs !== null)
    notes.push(`every ${durationWords(watch.everyMs)}`);
  if (mutedAt(watch, now))
    notes.push(`muted until ${(watch.mutedUntil ?? "").slice(0, 16).replace("T", " ")} UTC`);
  return notes;
}

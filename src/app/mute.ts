// `/rdns mute <ip|range> <duration>`: a maintenance window for a watch. Its runs go on (states,
// history and the servers page stay true); its notices wait (workers/settle.ts holds them) and
// are summed up in its thread when the window ends (workers/watch-mute.ts, a delayed job on the
// watch queue). `off` ends the window now. A new window replaces the old: the old end's job then
// finds the record's end changed and does nothing.
import type { PlatformName } from "../chat/types.js";
import { watchUnmuteJobId } from "../queue/ids.js";
import { channelKey, listWatches, updateWatch } from "../store/watches.js";
import type { AppContext } from "./context.js";

export type MuteResult =
  | { status: "muted"; until: string }
  | { status: "unmuted" }
  | { status: "not-watched"; watching: string[] };

export async function muteWatch(
  ctx: Pick<AppContext, "redis" | "keys" | "queues">,
  request: { platform: PlatformName; channel: string; target: string; durationMs: number | null },
  now = new Date(),
): Promise<MuteResult> {
  const channel = channelKey(request.platform, request.channel);
  const until = new Date(now.getTime() + (request.durationMs ?? 0)).toISOString();
  const changed = await updateWatch(ctx.redis, ctx.keys, channel, request.target, (record) => ({
    ...record,
    mutedUntil: until,
  }));
  if (changed === null) {
    const watching = (await listWatches(ctx.redis, ctx.keys, channel)).map((watch) => watch.target);
    return { status: "not-watched", watching };
  }
  const job = { kind: "unmute" as const, channel, target: request.target, until };
  await ctx.queues.watch.add("unmute", job, {
    jobId: watchUnmuteJobId(channel, request.target, until),
    delay: Math.max(0, Date.parse(until) - Date.now()),
  });
  return request.durationMs === null ? { status: "unmuted" } : { status: "muted", until };
}

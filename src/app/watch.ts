// The watch service: a channel starts following an IP or a small range. Store first, announce
// after: the watch and its schedulers exist before anyone is told "Watching…", so an announcement
// never promises a watch that was not made. A watch left half-made (a scheduler upsert or the
// announcement failed) is completed by the next `watch` of it: missing schedulers are created and
// a watch never announced is announced then, instead of "already watched" with nothing running.
import type { Origin, PlatformName } from "../chat/types.js";
import { queueFirstWatchRun } from "../queue/watch-schedulers.js";
import {
  addWatch,
  channelKey,
  claimWatchAnnouncement,
  getWatch,
  releaseWatchAnnouncement,
  setWatchOrigin,
  updateWatch,
  type WatchRecord,
} from "../store/watches.js";
import type { AppContext } from "./context.js";
import { resumeChannel } from "./paused-watches.js";
import type { WatchTarget } from "./targets.js";
import { ensureWatchSchedulers, rescheduleWatch } from "./watch-schedulers.js";

/** Longer than posting one message takes; a command that dies holding it blocks a retry this long. */
const ANNOUNCE_CLAIM_MS = 30_000;

export interface WatchRequest {
  platform: PlatformName;
  channel: string;
  user: string;
  target: WatchTarget;
  /** The HELO name every run of the watch checks too; null for none. */
  helo: string | null;
  /** Every run also reads the SMTP greeting (`/rdns watch <ip> probe`). */
  probe?: boolean;
  /** Its own interval (`every 30m`); null: the deployment's (WATCH_INTERVAL_MS). */
  everyMs?: number | null;
}

export type WatchResult =
  /** Stored, scheduled and announced now (announce() opened the watch's thread). */
  | { status: "watching"; origin: Origin }
  /** Already watched; `repaired` names the watch when its missing scheduler was created again. */
  | { status: "exists"; repaired: string[] }
  /** Already watched at another pace: its interval is now the one asked for. */
  | { status: "repaced"; everyMs: number | null }
  /**
   * Over a cap, nothing stored: the channel's (WATCH_CAP; `watched` is the channel's addresses),
   * or with `scope: "deployment"` every channel's together (WATCH_CAP_TOTAL; the deployment's).
   */
  | { status: "cap"; watched: number; cap: number; scope?: "channel" | "deployment" };

/** What a person hears when a cap refused their watch (no final stop: callers add theirs). */
export function capWords(result: { watched: number; cap: number; scope?: "channel" | "deployment" }): string {
  if (result.scope === "deployment")
    return `The bot's channels watch ${result.watched} addresses together and this deployment allows at most ${result.cap} (WATCH_CAP_TOTAL); unwatch something, or ask the bot's operator to raise it`;
  return `This channel watches ${result.watched} addresses and may watch at most ${result.cap}; unwatch something first (/rdns watches lists them)`;
}

/** Watches `request.target`; `announce` posts "Watching…" and returns the thread it opened. */
export async function watch(
  ctx: Pick<AppContext, "redis" | "keys" | "queues" | "settings" | "logger">,
  request: WatchRequest,
  announce: () => Promise<Origin>,
): Promise<WatchResult> {
  const { redis, keys, settings } = ctx;
  const channel = channelKey(request.platform, request.channel);
  const label = request.target.label;
  const createdAt = new Date().toISOString();
  const added = await addWatch(
    redis,
    keys,
    channel,
    {
      target: label,
      ips: request.target.ips,
      origin: null,
      user: request.user,
      createdAt,
      helo: request.helo,
      ...(request.probe === true ? { probe: true } : {}),
      everyMs: request.everyMs ?? null,
    },
    settings.watchCap,
    settings.watchCapTotal,
  );
  if (!added.ok && added.reason === "cap")
    return { status: "cap", watched: added.watched, cap: settings.watchCap, scope: "channel" };
  if (!added.ok && added.reason === "total-cap")
    return { status: "cap", watched: added.watched, cap: settings.watchCapTotal, scope: "deployment" };
  let record: WatchRecord | null = null;
  if (!added.ok) {
    record = await getWatch(redis, keys, channel, label);
    // Unwatched between the two reads: nothing is left to repair or announce.
    if (record === null) return { status: "exists", repaired: [] };
    const asked = request.everyMs ?? null;
    if (asked !== null && asked !== (record.everyMs ?? null)) {
      const changed = await updateWatch(redis, keys, channel, label, (stored) => ({
        ...stored,
        everyMs: asked,
      }));
      if (changed !== null) {
        await rescheduleWatch(ctx, { channel, target: label, everyMs: asked });
        return { status: "repaced", everyMs: asked };
      }
    }
  }
  const everyMs = record?.everyMs ?? request.everyMs ?? null;
  const repaired = (await ensureWatchSchedulers(ctx, [{ channel, target: label, everyMs }])).map(
    (w) => w.target,
  );
  const announced = record?.origin ?? null;
  if (announced !== null || !(await claimWatchAnnouncement(redis, keys, channel, label, ANNOUNCE_CLAIM_MS))) {
    return { status: "exists", repaired: added.ok ? [] : repaired };
  }
  let origin: Origin;
  try {
    origin = await announce();
  } catch (error) {
    // The watch stays stored and scheduled; the next `watch` of it announces it.
    await releaseWatchAnnouncement(redis, keys, channel, label).catch(() => undefined);
    throw error;
  }
  // The first run goes now that the thread exists: its summary (the baseline) is posted there.
  if (await setWatchOrigin(redis, keys, channel, label, origin))
    await queueFirstWatchRun(ctx.queues.watch, { channel, target: label }, record?.createdAt ?? createdAt);
  // The bot just posted in the channel: it is there again, so paused watches of it resume.
  await resumeChannel(ctx, channel);
  return { status: "watching", origin };
}

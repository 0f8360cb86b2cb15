// A check that ran while Redis was full cannot save its answer, nor queue the delivery that would
// post it (both writes). So its "Checking…" would say nothing until memory is freed. Redis still
// relays PUBLISH when full (no memory is kept for it), so the check worker publishes the threads
// it could not answer, and every bot process running their platform replaces their "Checking…"
// directly with a line saying the answer waits for memory. When Redis takes writes again the job
// runs again and its verdict replaces that line as usual. Best effort: a notice nobody is
// subscribed to is gone, and the thread says "Checking…" as before.
import type { Redis } from "ioredis";
import { z } from "zod";
import type { ChatPlatform, Origin } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { Logger } from "../log.js";
import { consoleSessionOf } from "../queue/names.js";
import { originSchema } from "../store/origin.js";

const noticeSchema = z.object({
  ip: z.string(),
  helo: z.string().nullable(),
  reference: z.string(),
  origins: z.array(originSchema),
});

export type StorageFullNotice = z.infer<typeof noticeSchema>;

/** Tells the bot processes (best effort; a failure to publish is the caller's to log). */
export async function publishStorageFull(
  redis: Redis,
  keys: StoreKeys,
  notice: StorageFullNotice,
): Promise<void> {
  await redis.publish(keys.storageFullChannel, JSON.stringify(notice));
}

/** The platform of this process that owns `origin`'s parent line, if any (a console: its own session's). */
function ownerOf(platforms: readonly ChatPlatform[], origin: Origin): ChatPlatform | null {
  if (origin.parent === null) return null;
  const platform = platforms.find((candidate) => candidate.name === origin.platform);
  if (platform === undefined) return null;
  if (platform.route !== undefined && consoleSessionOf(origin.parent) !== platform.route) return null;
  return platform;
}

/**
 * Subscribes `subscriber` (a connection of its own: a subscribed connection runs nothing else)
 * and replaces the "Checking…" lines of this process's platforms. Returns the unsubscribe.
 */
export async function listenForStorageFull(
  subscriber: Redis,
  keys: StoreKeys,
  platforms: readonly ChatPlatform[],
  logger: Logger,
): Promise<() => Promise<void>> {
  subscriber.on("message", (channel: string, text: string) => {
    if (channel !== keys.storageFullChannel) return;
    let notice: StorageFullNotice;
    try {
      notice = noticeSchema.parse(JSON.parse(text));
    } catch (err) {
      logger.warn({ err }, "unreadable storage-full notice; ignored");
      return;
    }
    for (const origin of notice.origins) {
      const platform = ownerOf(platforms, origin);
      if (platform === null || origin.parent === null) continue;
      const message = {
        kind: "checking",
        ip: notice.ip,
        helo: notice.helo,
        storageFull: { reference: notice.reference },
      } as const;
      platform
        .update(origin.parent, message)
        .catch((err: unknown) =>
          logger.warn({ err, reference: notice.reference }, "could not say a checked answer waits for Redis"),
        );
    }
  });
  await subscriber.subscribe(keys.storageFullChannel);
  return async () => {
    await subscriber.unsubscribe(keys.storageFullChannel).catch(() => undefined);
  };
}

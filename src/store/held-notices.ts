// The notices of a muted watch (`/rdns mute`), held until its maintenance window ends: one hash
// per watch, delivery id -> the DeliveryJob that would have been posted. Keyed by delivery id, so
// a chunk that runs again holds its notice once. workers/watch-mute.ts takes them all at the
// window's end and posts one summary instead.
import type { Redis } from "ioredis";
import { z } from "zod";
import type { StoreKeys } from "../keys.js";
import type { DeliveryJob } from "../queue/jobs.js";

/** Kept this long past the window's end: a summary job that was delayed still finds them. */
const KEEP_AFTER_MS = 7 * 86_400_000;

export interface HeldNotice {
  channel: string;
  target: string;
  /** The window's end (ISO 8601). */
  until: string;
  notice: DeliveryJob;
}

/** Holds each notice under its watch until its window's end (plus KEEP_AFTER_MS). */
export async function holdNotices(redis: Redis, keys: StoreKeys, held: readonly HeldNotice[]): Promise<void> {
  if (held.length === 0) return;
  const pipeline = redis.pipeline();
  for (const { channel, target, until, notice } of held) {
    const key = keys.heldNotices(channel, target);
    pipeline.hset(key, notice.deliveryId, JSON.stringify(notice));
    pipeline.pexpireat(key, Date.parse(until) + KEEP_AFTER_MS);
  }
  for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
}

// A held notice is this project's own DeliveryJob, written above: the schema checks its identity
// (a delivery id and a watch-change message); one that fails it is skipped, being only a line of
// the summary.
const heldSchema = z.looseObject({
  deliveryId: z.string(),
  message: z.looseObject({ kind: z.literal("watch-change") }),
});

/**
 * Every notice held for the watch, oldest first by check time. Read, not taken: the caller posts
 * the summary (a deterministic delivery id) and only then forgets them (forgetHeldNotices), so a
 * job that dies in between posts the same summary once when it runs again.
 */
export async function readHeldNotices(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
): Promise<DeliveryJob[]> {
  const all = await redis.hgetall(keys.heldNotices(channel, target));
  const notices: DeliveryJob[] = [];
  for (const text of Object.values(all)) {
    try {
      const parsed = heldSchema.safeParse(JSON.parse(text));
      if (parsed.success) notices.push(parsed.data as unknown as DeliveryJob);
    } catch {
      // Not JSON: skipped (see heldSchema).
    }
  }
  const at = (job: DeliveryJob) => (job.message.kind === "watch-change" ? job.message.report.checkedAt : "");
  return notices.sort((a, b) => at(a).localeCompare(at(b)));
}

/** Forgets the notices read (those held since, by a run still in the window's last moments, stay). */
export async function forgetHeldNotices(
  redis: Redis,
  keys: StoreKeys,
  channel: string,
  target: string,
  notices: readonly DeliveryJob[],
): Promise<void> {
  if (notices.length === 0) return;
  await redis.hdel(keys.heldNotices(channel, target), ...notices.map((notice) => notice.deliveryId));
}

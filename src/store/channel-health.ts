// A watching channel's delivery health: how many deliveries in a row failed because the channel
// is gone, and since when its watches are paused. The decisions are src/app/paused-watches.ts's.

import { z } from "zod";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";

export interface ChannelHealth {
  /** "Channel gone" failures since the last delivery that got through. */
  failures: number;
  /** When the channel's watches were paused (ISO 8601), null while they run. */
  pausedAt: string | null;
}

export const HEALTHY: ChannelHealth = { failures: 0, pausedAt: null };

// The hash as stored (HINCRBY and HSETNX write its fields one by one, so either may be absent).
// A field that does not read is taken as its healthy value rather than an error: health only
// pauses and resumes deliveries, and a wrong "healthy" costs at most one more failed delivery,
// which counts again from there.
const channelHealthSchema = z.object({
  failures: z.coerce.number().int().nonnegative().catch(0).default(0),
  pausedAt: z
    .string()
    .transform((at) => (at === "" ? null : at))
    .nullable()
    .catch(null)
    .default(null),
});

function parse(fields: Record<string, string>): ChannelHealth {
  return channelHealthSchema.parse(fields);
}

export async function readChannelHealth(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
): Promise<ChannelHealth> {
  return parse(await redis.hgetall(keys.channelHealth(channel)));
}

/** Health of many channels in one round trip (channel -> health). */
export async function readChannelHealths(
  redis: RedisClient,
  keys: StoreKeys,
  channels: readonly string[],
): Promise<Map<string, ChannelHealth>> {
  const pipeline = redis.pipeline();
  for (const channel of channels) pipeline.hgetall(keys.channelHealth(channel));
  const replies = (await pipeline.exec()) ?? [];
  return new Map(
    channels.map((channel, index) => {
      const [error, value] = replies[index] ?? [null, {}];
      if (error) throw error;
      return [channel, parse(value as Record<string, string>)];
    }),
  );
}

/** Counts one more failure atomically (two delivery workers may fail at once); returns the count. */
export async function countChannelFailure(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
): Promise<number> {
  return redis.hincrby(keys.channelHealth(channel), "failures", 1);
}

export async function markChannelPaused(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  at: string,
): Promise<boolean> {
  // HSETNX: the first pause stands; a later failure does not restart the 7 days.
  return (await redis.hsetnx(keys.channelHealth(channel), "pausedAt", at)) === 1;
}

/** The channel works again (a delivery got through, or someone watched from it): forget it all. */
export async function clearChannelHealth(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
): Promise<void> {
  await redis.del(keys.channelHealth(channel));
}

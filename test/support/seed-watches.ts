// Many single-address watches in one channel, written straight into the store (the watches hash,
// its target index as addWatch writes it, the index of watching channels and each address's state), for the App Home and autocomplete
// tests and benches: 65,536 watches through /rdns watch would be 65,536 commands.
import type { Redis } from "ioredis";
import type { StoreKeys } from "../../src/keys.js";
import { storedWatchText } from "../../src/store/watch-record.js";

/** The i-th seeded address: 198.18.0.0/16 in order (i < 65,536). */
export const seededIp = (i: number): string => `198.18.${(i >> 8) & 255}.${i & 255}`;

/**
 * `count` watches of `channelKey` (`slack:C123`), one address each; every `failEvery`-th address
 * failing (its state says so, checked at `checkedAt`), the rest passing.
 */
export async function seedWatches(
  redis: Redis,
  keys: StoreKeys,
  channelKey: string,
  count: number,
  options: { failEvery?: number; checkedAt?: string } = {},
): Promise<void> {
  const failEvery = options.failEvery ?? 10;
  const checkedAt = options.checkedAt ?? "2026-01-01T00:00:00.000Z";
  const [platform = "", channel = ""] = channelKey.split(":");
  await redis.sadd(keys.watchChannels(), channelKey);
  for (let start = 0; start < count; start += 4096) {
    const pipeline = redis.pipeline();
    const watches: string[] = [];
    const states: string[] = [];
    for (let i = start; i < Math.min(count, start + 4096); i++) {
      const ip = seededIp(i);
      watches.push(
        ip,
        storedWatchText({
          target: ip,
          origin: {
            platform: platform as "slack",
            channel,
            thread: `${platform}:${channel}:1.1`,
            parent: null,
          },
          user: "U0SEED",
          createdAt: "2026-01-01T00:00:00.000Z",
          helo: null,
        }),
      );
      const failing = i % failEvery === 0;
      states.push(
        ip,
        JSON.stringify({
          verdict: failing ? "fail" : "pass",
          names: failing ? [] : [`mail-${i}.example.com`],
          problems: failing ? ["NO_PTR"] : [],
          since: checkedAt,
          checkedAt,
        }),
      );
    }
    pipeline.hset(keys.watches(channelKey), ...watches);
    pipeline.zadd(
      keys.watchTargets(channelKey),
      ...watches.flatMap((value, index) => (index % 2 === 0 ? [0, value] : [])),
    );
    pipeline.hset(keys.watchState(channelKey), ...states);
    await pipeline.exec();
  }
}

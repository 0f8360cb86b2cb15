// The lexicographic index of a channel's watch targets (src/store/watch-targets.ts) that
// autocomplete reads: written by addWatch, cleared by removeWatch, built once from the watches
// hash for watches stored before it existed. Real Redis.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { storeKeys } from "../../src/keys.js";
import { watchTargetsStartingWith } from "../../src/store/watch-targets.js";
import { addWatch, removeWatch } from "../../src/store/watches.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "./engine/support.js";

const prefix = uniquePrefix("store-watch-targets");
const keys = storeKeys(prefix);
const redis = new Redis(REDIS_URL);
const origin = { platform: "discord" as const, channel: "1", thread: "discord:1", parent: null };
const watch = (target: string) => ({ target, origin, user: "U", createdAt: "2026-01-01T00:00:00.000Z" });

afterAll(async () => {
  redis.disconnect();
  await cleanupPrefix(prefix);
});

describe("watch target index", () => {
  it("follows addWatch and removeWatch, and is built once for older watches", async () => {
    const channel = "discord:1";
    for (const target of ["203.0.113.5", "203.0.113.50", "203.0.113.0/28", "198.51.100.7"])
      expect(await addWatch(redis, keys, channel, watch(target), 1000)).toEqual({ ok: true });
    expect(await watchTargetsStartingWith(redis, keys, channel, "203.0.113.5", 25)).toEqual([
      "203.0.113.5",
      "203.0.113.50",
    ]);
    await removeWatch(redis, keys, channel, "203.0.113.50");
    expect(await watchTargetsStartingWith(redis, keys, channel, "203.0.113", 25)).toEqual([
      "203.0.113.0/28",
      "203.0.113.5",
    ]);
    // Watches stored before the index existed: the first read builds it from the hash.
    await redis.del(keys.watchTargets(channel));
    expect(await watchTargetsStartingWith(redis, keys, channel, "", 2)).toEqual([
      "198.51.100.7",
      "203.0.113.0/28",
    ]);
    expect(await redis.zcard(keys.watchTargets(channel))).toBe(3);
  });
});

// Whether Redis refuses writes for memory, from its own figures (`INFO memory`, a read it answers
// even when full). Used by /readyz to say why it is not ready, and by the check worker to wait for
// room instead of spending a job's attempts on a Redis that cannot take the result.
import type { Redis } from "ioredis";

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim();
}

/**
 * Why Redis is full, from its `INFO memory`, or null when it is not. Redis refuses writes when
 * used memory, less what it does not count for eviction (replica and AOF buffers), is above
 * `maxmemory` after eviction had its chance (evict.c getMaxmemoryState, run before every command,
 * INFO included, so under an evicting policy the figure read here is already after eviction).
 */
export function redisFullness(info: string): string | null {
  const max = Number(infoField(info, "maxmemory"));
  const used = Number(infoField(info, "used_memory"));
  const notCounted = Number(infoField(info, "mem_not_counted_for_evict") ?? "0");
  if (!Number.isFinite(max) || max <= 0 || !Number.isFinite(used)) return null;
  const counted = used - (Number.isFinite(notCounted) ? notCounted : 0);
  if (counted <= max) return null;
  const policy = infoField(info, "maxmemory_policy") ?? "unknown policy";
  return `full (used_memory >= maxmemory, ${policy})`;
}

export async function readRedisFullness(redis: Redis): Promise<string | null> {
  return redisFullness(await redis.info("memory"));
}

/**
 * Waits until Redis has room again (polling its figures), at most `timeoutMs`. True when it has
 * room; false when it was still full at the end, or could not be asked.
 */
export async function waitForRoom(redis: Redis, timeoutMs: number, pollMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const full = await readRedisFullness(redis).catch(() => "unknown");
    if (full === null) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}

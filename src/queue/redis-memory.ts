// Whether Redis refuses writes for memory, from its own figures (`INFO memory`, a read it answers
// even when full). Used by /readyz to say why it is not ready, and by the check worker to wait for
// room instead of spending a job's attempts on a Redis that cannot take the result.
import { Cluster, type Redis } from "ioredis";
import type { RedisClient } from "../redis-client.js";

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

/** The slot of each deployment prefix (its hash tag), asked once: it never changes. */
const slotOfPrefix = new Map<string, number>();

/**
 * The primary serving the deployment's keys on a Cluster: every key of a deployment is in the
 * slot of its hash tag (src/keys.ts), and ioredis's slot map names that slot's primary now
 * (after a resharding, the new owner).
 */
async function deploymentPrimary(cluster: Cluster, prefix: string): Promise<{ node: Redis; name: string }> {
  let slot = slotOfPrefix.get(prefix);
  if (slot === undefined) {
    slot = Number(await cluster.cluster("KEYSLOT", prefix));
    slotOfPrefix.set(prefix, slot);
  }
  const name = cluster.slots[slot]?.[0];
  const node = cluster.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === name);
  if (name === undefined || node === undefined)
    throw new Error(`no primary known for slot ${slot} (${prefix})`);
  return { node, name };
}

/**
 * Why the deployment's Redis is full, or null. On a Cluster, a command without a key goes to any
 * node, whose memory says nothing about the deployment's: the primary holding its slot is asked.
 */
export async function readRedisFullness(redis: RedisClient, prefix: string): Promise<string | null> {
  if (!(redis instanceof Cluster)) return redisFullness(await redis.info("memory"));
  const { node, name } = await deploymentPrimary(redis, prefix);
  const full = redisFullness(await node.info("memory"));
  return full === null ? null : `${full} on ${name}`;
}

/**
 * Waits until Redis has room again (polling its figures), at most `timeoutMs`. True when it has
 * room; false when it was still full at the end, or could not be asked.
 */
export async function waitForRoom(
  redis: RedisClient,
  prefix: string,
  timeoutMs: number,
  pollMs = 500,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const full = await readRedisFullness(redis, prefix).catch(() => "unknown");
    if (full === null) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}

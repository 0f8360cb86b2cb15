// The last report per IP, kept for a while so a watch can compare and a person can ask again.
import type { Redis } from "ioredis";
import type { CheckReport } from "../check/types.js";
import type { StoreKeys } from "../keys.js";

export async function saveLastReport(
  redis: Redis,
  keys: StoreKeys,
  report: CheckReport,
  ttlSeconds: number,
): Promise<void> {
  await redis.set(keys.lastReport(report.ip), JSON.stringify(report), "EX", ttlSeconds);
}

export async function getLastReport(redis: Redis, keys: StoreKeys, ip: string): Promise<CheckReport | null> {
  const text = await redis.get(keys.lastReport(ip));
  return text === null ? null : (JSON.parse(text) as CheckReport);
}

/** Many last reports in one round trip (ip -> report; an IP without one is left out). */
export async function getLastReports(
  redis: Redis,
  keys: StoreKeys,
  ips: readonly string[],
): Promise<Map<string, CheckReport>> {
  const found = new Map<string, CheckReport>();
  if (ips.length === 0) return found;
  // One GET per key in a pipeline rather than MGET: the keys are in different cluster slots.
  const pipeline = redis.pipeline();
  for (const ip of ips) pipeline.get(keys.lastReport(ip));
  const results = (await pipeline.exec()) ?? [];
  results.forEach(([error, text], index) => {
    if (error) throw error;
    const ip = ips[index];
    if (typeof text === "string" && ip !== undefined) found.set(ip, JSON.parse(text) as CheckReport);
  });
  return found;
}

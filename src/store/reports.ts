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

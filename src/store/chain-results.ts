// The result of a chain's first check (src/keys.ts chainResult), kept for the de-duplication
// window: askers who arrive after the check finished answer themselves from it, without DNS
// (src/app/request-check.ts).

import type { CheckReport } from "../check/types.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { parseStoredReport } from "./report-schema.js";

export async function saveChainResult(
  redis: RedisClient,
  keys: StoreKeys,
  chainId: string,
  report: CheckReport,
  ttlMs: number,
): Promise<void> {
  await redis.set(keys.chainResult(chainId), JSON.stringify(report), "PX", Math.max(1, Math.round(ttlMs)));
}

/**
 * The chain's first result, or null when there is none to share. One that fails its schema is
 * treated as none too: the asker then checks again, which is what it does when the result
 * expired.
 */
export async function readChainResult(
  redis: RedisClient,
  keys: StoreKeys,
  chainId: string,
): Promise<CheckReport | null> {
  const text = await redis.get(keys.chainResult(chainId));
  return text === null ? null : parseStoredReport(text);
}

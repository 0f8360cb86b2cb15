// "Exactly once" for inbound Slack deliveries across bot processes: Slack retries an event whose
// ack it did not see in 3 s (same `event_id`, header x-slack-retry-num), and two bot processes may
// each get a copy. The first to SET NX the key wins; the key expires after Slack's retry window
// (retries come after about 1 min and 5 min; an hour is ample).
import type { RedisClient } from "../../redis-client.js";

export const CLAIM_TTL_SECONDS = 3600;

export type ClaimOnce = (id: string) => Promise<boolean>;

export function redisClaimOnce(redis: RedisClient, keyPrefix: string): ClaimOnce {
  return async (id) => {
    const result = await redis.set(`${keyPrefix}once:${id}`, "1", "EX", CLAIM_TTL_SECONDS, "NX");
    return result === "OK";
  };
}

// Per-user and per-channel /rdns limits: a fixed window counter in Redis (INCR, expiry set by the
// first hit), shared by every bot process. Over the limit, the user is told when to try again
// rather than being silently ignored.
import type { Redis } from "ioredis";

export interface CommandLimits {
  perUser: number;
  perChannel: number;
  windowSeconds: number;
}

export type LimitVerdict =
  | { allowed: true }
  | {
      allowed: false;
      scope: "user" | "channel";
      limit: number;
      windowSeconds: number;
      retryAfterSeconds: number;
    };

export type CommandLimiter = (user: string, channel: string) => Promise<LimitVerdict>;

async function hit(redis: Redis, key: string, windowSeconds: number): Promise<number> {
  // The key names its window; the expiry only cleans it up afterwards.
  const [[, count]] = (await redis
    .multi()
    .incr(key)
    .expire(key, windowSeconds * 2)
    .exec()) as [[null, number], [null, number]];
  return count;
}

export function redisCommandLimiter(redis: Redis, keyPrefix: string, limits: CommandLimits): CommandLimiter {
  return async (user, channel) => {
    const windowMs = limits.windowSeconds * 1000;
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const checks = [
      { scope: "user" as const, key: `${keyPrefix}limit:user:${user}:${window}`, limit: limits.perUser },
      {
        scope: "channel" as const,
        key: `${keyPrefix}limit:channel:${channel}:${window}`,
        limit: limits.perChannel,
      },
    ];
    for (const check of checks) {
      const count = await hit(redis, check.key, limits.windowSeconds);
      if (count > check.limit) {
        return {
          allowed: false,
          scope: check.scope,
          limit: check.limit,
          windowSeconds: limits.windowSeconds,
          retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)),
        };
      }
    }
    return { allowed: true };
  };
}

/** "You've run 10 checks in the last minute; try again in 20 s." */
export function limitMessage(verdict: Extract<LimitVerdict, { allowed: false }>): string {
  const window = verdict.windowSeconds === 60 ? "minute" : `${verdict.windowSeconds} s`;
  const who = verdict.scope === "user" ? "You've" : "This channel has";
  return `${who} run ${verdict.limit} checks in the last ${window}; try again in ${verdict.retryAfterSeconds} s.`;
}

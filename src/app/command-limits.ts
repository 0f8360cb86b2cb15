// Per-user and per-channel /rdns limits, on every platform: a fixed window counter in Redis
// (INCR, expiry set by the first hit), shared by every bot process. Only what makes DNS work is
// counted (a command that declares `dnsWork`, a Re-check or Watch button): help, lists, stop and
// input the command refused cost nothing. Over the limit, the user is told which limit it was
// and when it resets rather than being silently ignored.
import type { Redis } from "ioredis";
import type { CommandRequest, PlatformName } from "../chat/types.js";
import type { Config } from "../config.js";

export interface CommandLimits {
  perUser: number;
  perChannel: number;
  windowSeconds: number;
  /** Platforms whose commands are not counted (the console, unless a limit was set). */
  exempt?: readonly PlatformName[];
}

export type LimitVerdict =
  | {
      allowed: true;
      /** Gives the hit back (the command refused its input: no DNS work was done). */
      refund?: () => Promise<void>;
      /**
       * Redis could not count (full at maxmemory, or unreachable): the command goes through
       * uncounted, since refusing every command because the counter is down would turn a storage
       * problem into an outage of read-only commands too.
       */
      uncounted?: Error;
    }
  | {
      allowed: false;
      scope: "user" | "channel";
      limit: number;
      windowSeconds: number;
      retryAfterSeconds: number;
    };

export type CommandLimiter = (
  request: Pick<CommandRequest, "platform" | "user" | "channel">,
) => Promise<LimitVerdict>;

/**
 * The limits from configuration (LIMIT_*, or their old SLACK_* names: src/config.ts). The console
 * is the operator's own terminal, so it is limited only when a limit variable was set.
 */
export function commandLimitsFromConfig(
  config: Pick<
    Config,
    "LIMIT_USER_COMMANDS" | "LIMIT_CHANNEL_COMMANDS" | "LIMIT_WINDOW_SECONDS" | "limitsSet"
  >,
): CommandLimits {
  return {
    perUser: config.LIMIT_USER_COMMANDS,
    perChannel: config.LIMIT_CHANNEL_COMMANDS,
    windowSeconds: config.LIMIT_WINDOW_SECONDS,
    exempt: config.limitsSet ? [] : ["console"],
  };
}

async function hit(redis: Redis, key: string, windowSeconds: number): Promise<number> {
  // The key names its window; the expiry only cleans it up afterwards.
  const [[, count]] = (await redis
    .multi()
    .incr(key)
    .expire(key, windowSeconds * 2)
    .exec()) as [[null, number], [null, number]];
  return count;
}

/**
 * Counts under `<prefix>:<platform>:limit:...` (for Slack the keys it always had), so a user id
 * on one platform never spends another platform's allowance.
 */
export function redisCommandLimiter(redis: Redis, prefix: string, limits: CommandLimits): CommandLimiter {
  const exempt = new Set(limits.exempt ?? []);
  return async ({ platform, user, channel }) => {
    if (exempt.has(platform)) return { allowed: true };
    const windowMs = limits.windowSeconds * 1000;
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const base = `${prefix}:${platform}:limit`;
    const checks = [
      { scope: "user" as const, key: `${base}:user:${user}:${window}`, limit: limits.perUser },
      { scope: "channel" as const, key: `${base}:channel:${channel}:${window}`, limit: limits.perChannel },
    ];
    const spent: string[] = [];
    for (const check of checks) {
      let count: number;
      try {
        count = await hit(redis, check.key, limits.windowSeconds);
      } catch (error) {
        return { allowed: true, uncounted: error instanceof Error ? error : new Error(String(error)) };
      }
      spent.push(check.key);
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
    return {
      allowed: true,
      refund: async () => {
        const multi = redis.multi();
        for (const key of spent) multi.decr(key);
        await multi.exec();
      },
    };
  };
}

/** "You've run 10 checks in the last minute; try again in 20 s." (limitNotice says more.) */
export function limitMessage(verdict: Extract<LimitVerdict, { allowed: false }>): string {
  const window = verdict.windowSeconds === 60 ? "minute" : `${verdict.windowSeconds} s`;
  const who = verdict.scope === "user" ? "You've" : "This channel has";
  return `${who} run ${verdict.limit} checks in the last ${window}; try again in ${verdict.retryAfterSeconds} s.`;
}

/**
 * The limit message, then which limit it was and what counts against it: "You've run 10 checks
 * in the last minute; try again in 20 s. That is your own limit (10 per minute); only checks,
 * re-checks and watches count."
 */
export function limitNotice(verdict: Extract<LimitVerdict, { allowed: false }>): string {
  const per = verdict.windowSeconds === 60 ? "per minute" : `per ${verdict.windowSeconds} s`;
  const which =
    verdict.scope === "user"
      ? `That is your own limit (${verdict.limit} ${per})`
      : `That is this channel's limit (${verdict.limit} ${per}, everyone in it together)`;
  // limitMessage's "try again in N s" is when the window resets.
  return `${limitMessage(verdict)} ${which}; only checks, re-checks and watches count.`;
}

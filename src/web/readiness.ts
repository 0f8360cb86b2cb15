// Readiness: the process can do its work now. Redis answers a PING within a short timeout, and
// every started chat platform says it is connected. Each check is bounded by the timeout, so a
// hung Redis makes /readyz answer 503 quickly instead of hanging the probe. A Redis that answers
// but is full (maxmemory reached and nothing to evict: every write refused) is not ready either,
// and /readyz says so: restarting the bot would not help, freeing memory in Redis does.
import { readRedisFullness } from "../queue/redis-memory.js";
import type { RedisClient } from "../redis-client.js";

export interface ReadinessCheck {
  name: string;
  ready(): boolean | Promise<boolean>;
}

export interface ReadinessResult {
  ready: boolean;
  /** Every check by name; `error` says why one is not ready when it threw or timed out. */
  checks: { name: string; ready: boolean; error?: string }[];
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function evaluateReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<ReadinessResult> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        const ready = await withTimeout(
          Promise.resolve().then(() => check.ready()),
          timeoutMs,
        );
        return ready ? { name: check.name, ready } : { name: check.name, ready, error: "not connected" };
      } catch (error) {
        return {
          name: check.name,
          ready: false,
          error: error instanceof Error ? error.message : String(error),
        };
      }
    }),
  );
  return { ready: results.every((result) => result.ready), checks: results };
}

/**
 * Redis answers PING and is not full (src/queue/redis-memory.ts; on a Cluster, the primary holding
 * the deployment's slot, `prefix`'s). Give it a connection without an offline queue (createRedisProbe): while
 * Redis is down a command then fails at once instead of waiting for a reconnect.
 */
export function redisReadiness(redis: RedisClient, prefix: string): ReadinessCheck {
  return {
    name: "redis",
    ready: async () => {
      if ((await redis.ping()) !== "PONG") return false;
      const full = await readRedisFullness(redis, prefix);
      if (full !== null) throw new Error(full);
      return true;
    },
  };
}

// ioredis connections for queues, workers and the store.
import { Redis, type RedisOptions } from "ioredis";

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/**
 * A long-lived connection. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking commands
 * must wait through reconnects instead of failing); producers and the store fail a command after a
 * few retries so a chat handler answers instead of hanging.
 */
export function createRedis(url: string, role: "worker" | "client", extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === "worker" ? null : 3,
    enableReadyCheck: true,
    ...extra,
  });
}

/**
 * Fails fast at start-up: one connection attempt, one PING, within `timeoutMs`. ioredis would
 * otherwise retry forever and the process would sit there saying nothing.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with a bare "Connection is closed"; the error event says why.
  let cause: string | null = null;
  probe.on("error", (error: Error & { code?: string }) => {
    cause ??= error.code ?? error.message;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe.connect().then(() => probe.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    const reason = cause ?? (error instanceof Error ? error.message : String(error));
    throw new RedisUnavailableError(
      `cannot reach Redis at ${redactRedisUrl(url)} (REDIS_URL): ${reason}; start one with \`redis-server --daemonize yes\` or set REDIS_URL to a running server`,
    );
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

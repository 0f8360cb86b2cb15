// ioredis connections for queues, workers, the store and the probes: the one factory every entry
// point (serve, bot, worker, web, the benches) uses, for one server (REDIS_URL), a primary found
// through Sentinels (REDIS_SENTINELS) or a Redis Cluster (REDIS_CLUSTER_NODES).
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import type { RedisTarget } from "../config.js";
import type { RedisClient } from "../redis-client.js";
import { followPrimarySwitches } from "./sentinel-switch.js";

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

/** A target given as a URL (tests, older callers) is one server. */
function targetOf(target: RedisTarget | string): RedisTarget {
  return typeof target === "string" ? { kind: "url", url: target } : target;
}

/** Where Redis is, without passwords, and the variable that says so, for messages and logs. */
export function describeRedisTarget(target: RedisTarget | string): string {
  const resolved = targetOf(target);
  const list = (nodes: { host: string; port: number }[]) => nodes.map((n) => `${n.host}:${n.port}`).join(",");
  switch (resolved.kind) {
    case "url":
      return `${redactRedisUrl(resolved.url)} (REDIS_URL)`;
    case "sentinel":
      return `primary "${resolved.name}" of Sentinels ${list(resolved.sentinels)} (REDIS_SENTINELS, REDIS_SENTINEL_NAME)`;
    case "cluster":
      return `cluster ${list(resolved.nodes)} (REDIS_CLUSTER_NODES)`;
  }
}

/**
 * How long a command waits while no primary answers (a failover, a restart) before it fails:
 * docs/operations.md "Sentinel and Cluster". Sentinel needs `down-after-milliseconds` plus an election
 * (a few seconds), well inside it.
 */
export const PRIMARY_WAIT_MS = 30_000;

/**
 * How long a BullMQ worker waits after a failed fetch or finish before trying again (its
 * `runRetryDelay`, 15 s by default). While no primary answers every attempt fails; with 1 s a
 * worker tries again within a second of the new primary (Sentinel names one ~2.4 s after a kill)
 * instead of up to 15 s later (docs/operations.md "Sentinel and Cluster").
 */
export const WORKER_RUN_RETRY_DELAY_MS = 1000;

/** Reconnect soon and often: a failover's new primary is usually up within seconds. */
const reconnectDelay = (times: number) => Math.min(100 + times * 100, 1000);

/**
 * After a failover a connection can still reach the old primary, now a replica, which refuses
 * writes with READONLY: reconnect (asking the Sentinels again) and resend the command (2).
 */
const reconnectOnReadonly = (error: Error) => (error.message.startsWith("READONLY") ? 2 : false);

/**
 * Options shared by every server connection of the process. `failover`: a Sentinel or Cluster
 * target, where a new primary comes within seconds and a client command waits for it; one server
 * (REDIS_URL) has none to wait for, so a client command fails after a few reconnects and the
 * asker hears at once that the queue is unreachable (docs/chat-commands.md, the platform contract).
 */
function serverOptions(role: "worker" | "client" | "probe", failover: boolean): RedisOptions {
  if (role === "probe")
    // No offline queue and no retries: while no primary answers, a PING fails at once (readiness
    // 503) instead of queueing; ioredis keeps reconnecting in the background.
    return {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: reconnectDelay,
    };
  return {
    // Workers need `null` (BullMQ's blocking commands wait through reconnects). A client command
    // waits in the offline queue through reconnects too, bounded by commandTimeout (armed when
    // the command is queued): it fails only after PRIMARY_WAIT_MS without a primary.
    maxRetriesPerRequest: role === "client" && !failover ? 3 : null,
    ...(role === "client" && failover ? { commandTimeout: PRIMARY_WAIT_MS } : {}),
    enableReadyCheck: true,
    retryStrategy: reconnectDelay,
    reconnectOnError: reconnectOnReadonly,
  };
}

/**
 * A long-lived connection. `worker`: for BullMQ workers (blocking commands); `client`: producers
 * and the store; `probe`: readiness and metrics, which must fail at once while Redis is down.
 */
export function createRedis(
  target: RedisTarget | string,
  role: "worker" | "client" | "probe",
  extra: RedisOptions = {},
): RedisClient {
  const resolved = targetOf(target);
  const options = { ...serverOptions(role, resolved.kind !== "url"), ...extra };
  switch (resolved.kind) {
    case "url":
      return new Redis(resolved.url, options);
    case "sentinel": {
      const connection = new Redis({
        ...options,
        sentinels: resolved.sentinels,
        name: resolved.name,
        password: resolved.password,
        sentinelPassword: resolved.sentinelPassword,
        // Not ioredis's own: it can end a reconnecting connection for good (src/queue/sentinel-switch.ts).
        failoverDetector: false,
        sentinelRetryStrategy: reconnectDelay,
        // A reconnect ends the old socket and waits for it to close; a primary that hangs never
        // closes it, and ioredis destroys it only after this (2 s by default).
        disconnectTimeout: 200,
      });
      // Reconnect when the Sentinels announce a new primary (+switch-master), instead of waiting
      // on an old primary that hangs. Not the start-up probe, which is gone in a few seconds.
      if (!options.lazyConnect || role !== "probe") followPrimarySwitches(connection);
      return connection;
    }
    case "cluster":
      return new Cluster(resolved.nodes, clusterOptions(options, resolved.password));
  }
}

function clusterOptions(options: RedisOptions, password: string | undefined): ClusterOptions {
  const probe = options.enableOfflineQueue === false;
  return {
    redisOptions: { ...options, password },
    enableOfflineQueue: !probe,
    // BullMQ reads it here for a Cluster (workers must have null).
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    lazyConnect: options.lazyConnect,
    clusterRetryStrategy: options.retryStrategy ?? reconnectDelay,
    // A slot moving (resharding) or a primary failing over: wait and retry instead of failing.
    retryDelayOnMoved: 50,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
    maxRedirections: 64,
    slotsRefreshTimeout: 2000,
  } as ClusterOptions;
}

/**
 * Fails fast at start-up: one connection attempt, one PING, within `timeoutMs`. ioredis would
 * otherwise retry forever and the process would sit there saying nothing.
 */
export async function assertRedisReachable(target: RedisTarget | string, timeoutMs = 3000): Promise<void> {
  const probe = createRedis(target, "probe", {
    lazyConnect: true,
    connectTimeout: timeoutMs,
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
    const resolved = targetOf(target);
    const hint =
      resolved.kind === "url"
        ? "start one with `redis-server --daemonize yes` or set REDIS_URL to a running server"
        : "check that the servers run and the variables name them";
    throw new RedisUnavailableError(
      `cannot reach Redis at ${describeRedisTarget(target)}: ${reason}; ${hint}`,
    );
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

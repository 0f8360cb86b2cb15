// The ops-only web server of `rdns worker` and `rdns bot` (and of `rdns serve` until the servers
// page's server carries these routes): /healthz, /readyz, /metrics and Bull Board on
// WEB_HOST:WEB_PORT, nothing else. `createOpsDeps` builds what registerOps needs from the
// engine's queues, so any Fastify server can carry the same routes.
import type { Queue } from "bullmq";
import Fastify from "fastify";
import type { Config, RedisTarget } from "../config.js";
import { storeKeys } from "../keys.js";
import type { Logger } from "../log.js";
import { PLATFORM_NAMES } from "../platforms/registry.js";
import { createRedis } from "../queue/connection.js";
import type { Queues } from "../queue/queues.js";
import type { RedisClient } from "../redis-client.js";
import { type OpsDeps, registerOps } from "./ops.js";
import { type ReadinessCheck, redisReadiness } from "./readiness.js";
import { requireBearerToken } from "./token-check.js";

export interface OpsOptions {
  config: Pick<Config, "redis" | "WEB_TOKEN" | "ADMIN_WRITE">;
  prefix: string;
  queues: Queues;
  logger: Logger;
  /** One per started chat platform: `ready()` is true while it is connected. */
  platformChecks?: readonly ReadinessCheck[];
}

/**
 * A connection for probes and scrapes: no offline queue and no retries, so while Redis is down a
 * PING fails at once (readiness 503) instead of queueing until Redis returns; ioredis keeps
 * reconnecting in the background, so readiness comes back by itself.
 */
export function createRedisProbe(target: RedisTarget | string): RedisClient {
  const probe = createRedis(target, "probe");
  // Errors surface as a failed readiness check; without a listener ioredis would print each one.
  probe.on("error", () => undefined);
  return probe;
}

export function createOpsDeps(options: OpsOptions, probe: RedisClient): OpsDeps {
  const queues: Queue[] = [
    options.queues.check,
    options.queues.watch,
    // Every platform's delivery queue is shown, whichever this process runs: a worker cannot know.
    ...PLATFORM_NAMES.map((name) => options.queues.delivery(name)),
  ];
  for (const queue of queues) {
    // Without a listener BullMQ prints every reconnect error of a queue to stderr; the runtime's
    // own connection listener already logs Redis errors once.
    if (queue.listenerCount("error") === 0)
      queue.on("error", (error) =>
        options.logger.debug({ queue: queue.name, err: error.message }, "queue error"),
      );
  }
  const token = options.config.WEB_TOKEN;
  return {
    metrics: {
      redis: probe,
      keys: storeKeys(options.prefix),
      checkQueue: options.queues.check,
      queues,
      logger: options.logger,
    },
    readiness: [redisReadiness(probe, options.prefix), ...(options.platformChecks ?? [])],
    admin: {
      queues,
      access: token === undefined ? null : requireBearerToken(token),
      write: options.config.ADMIN_WRITE,
    },
  };
}

export interface OpsServer {
  /** host:port actually bound (WEB_PORT=0 picks a free port). */
  address: string;
  port: number;
  close(): Promise<void>;
}

export async function startOpsServer(
  options: OpsOptions & { host: string; port: number },
): Promise<OpsServer> {
  const probe = createRedisProbe(options.config.redis);
  const app = Fastify({ logger: false });
  try {
    await registerOps(app, createOpsDeps(options, probe));
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    probe.disconnect();
    throw error;
  }
  const bound = app.server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    address: `${host}:${port}`,
    port,
    async close() {
      await app.close();
      probe.disconnect();
    },
  };
}

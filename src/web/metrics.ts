// GET /metrics: the process's counters and histograms (src/app/metrics.ts), the default process
// metrics, gauges read from Redis at scrape time, and BullMQ's own queue counts. The Redis reads
// are a few cheap commands (ZCARD, ZREMRANGEBYSCORE, the watches' prefixes, BullMQ's counts), never a scan, and each is
// bounded by a timeout: while Redis is down a scrape still answers, with NaN for what it could
// not read and rdns_redis_up 0.
import type { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import { Gauge, Registry } from "prom-client";
import { metricsRegistry } from "../app/metrics.js";
import type { StoreKeys } from "../keys.js";
import type { Logger } from "../log.js";
import type { RedisClient } from "../redis-client.js";
import { countOpenChains } from "../store/chains.js";
import { countAllWatchedAddresses } from "../store/watches.js";
import { mergePrometheusText } from "./prometheus-text.js";

export interface MetricsSources {
  /** A connection for the gauges' reads; one without an offline queue fails fast while Redis is down. */
  redis: RedisClient;
  keys: StoreKeys;
  /** The check queue. */
  checkQueue: Queue;
  /** Every queue whose counts are exported (check and each platform's deliveries). */
  queues: readonly Queue[];
  logger: Logger;
  /** Bound on each Redis read during a scrape. */
  timeoutMs?: number;
}

function bounded<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Renders the whole scrape; returns the body and its content type. */
export function createMetricsRenderer(
  sources: MetricsSources,
): () => Promise<{ body: string; contentType: string }> {
  const timeoutMs = sources.timeoutMs ?? 2000;
  const gauges = new Registry();
  const watched = new Gauge({
    name: "rdns_watched_addresses",
    help: "Distinct addresses watched by any channel (ranges count each address)",
    registers: [gauges],
  });
  const openChains = new Gauge({
    name: "rdns_open_chains",
    help: "Re-check chains waiting for their next check (a failing IP someone asked about)",
    registers: [gauges],
  });
  const redisUp = new Gauge({
    name: "rdns_redis_up",
    help: "1 when this scrape could read everything it needed from Redis, 0 otherwise",
    registers: [gauges],
  });

  return async () => {
    // Read at scrape time, all at once, each bounded; a failed read shows as NaN, never as a
    // stale or zero value that would look true.
    let failures = 0;
    const read = <T>(what: string, work: Promise<T>, fallback: T): Promise<T> =>
      bounded(work, timeoutMs).catch((error: unknown) => {
        failures++;
        sources.logger.debug({ err: String(error) }, `metrics: could not read ${what}`);
        return fallback;
      });
    const [watchedCount, openCount, ...queueTexts] = await Promise.all([
      read("the watched addresses", countAllWatchedAddresses(sources.redis, sources.keys), Number.NaN),
      read("the open chains", countOpenChains(sources.redis, sources.keys), Number.NaN),
      ...sources.queues.map((queue) => read(`queue ${queue.name}`, queue.exportPrometheusMetrics(), "")),
    ]);
    watched.set(watchedCount as number);
    openChains.set(openCount as number);
    redisUp.set(failures === 0 ? 1 : 0);
    const body = [
      await metricsRegistry.metrics(),
      await gauges.metrics(),
      mergePrometheusText(queueTexts as string[]),
    ]
      .filter((part) => part.length > 0)
      .map((part) => (part.endsWith("\n") ? part : `${part}\n`))
      .join("");
    return { body, contentType: metricsRegistry.contentType };
  };
}

export function registerMetrics(app: FastifyInstance, sources: MetricsSources): void {
  const render = createMetricsRenderer(sources);
  app.get("/metrics", async (_request, reply) => {
    const { body, contentType } = await render();
    return reply.header("content-type", contentType).header("cache-control", "no-store").send(body);
  });
}

// The process's Prometheus metrics (prom-client): one registry, and the functions that record
// into it. Workers, the runtime and the DNS client's observer call the record functions; the
// web layer (src/web/metrics.ts) renders the registry with the Redis-backed gauges and BullMQ's
// own queue counts at scrape time. Counters are per process: Prometheus sums them across the
// bot and every worker (`sum by (verdict) (rate(rdns_checks_total[5m]))`).
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { QueryOutcome } from "../check/dns-observer.js";
import type { CheckReport } from "../check/types.js";

export const metricsRegistry = new Registry();
// Process CPU, memory, event-loop lag, GC, handles (prom-client's standard set).
collectDefaultMetrics({ register: metricsRegistry });

/** A check job's final verdict; "error" is a job that failed for good without a report. */
export type CheckVerdictLabel = CheckReport["verdict"] | "error";

/** How one DNS question ended: the DNS client's own outcome words (src/check/dns-observer.ts). */
export type DnsQueryOutcome = QueryOutcome;

/** posted: the platform took it; skipped: an earlier attempt had posted it; retry: this attempt failed and will be retried; failed: given up. */
export type DeliveryOutcomeLabel = "posted" | "skipped" | "retry" | "failed";

const checks = new Counter({
  name: "rdns_checks_total",
  help: "Check jobs finished, by final verdict and by what asked (command, paste, recheck, watch)",
  labelNames: ["verdict", "reason"] as const,
  registers: [metricsRegistry],
});

const checkDuration = new Histogram({
  name: "rdns_check_duration_seconds",
  help: "Time one DNS check (PTR, FCrDNS, HELO, authority and every resolver) took; every attempt counts",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
  registers: [metricsRegistry],
});

const dnsQueries = new Counter({
  name: "rdns_dns_queries_total",
  help: "DNS questions asked, by outcome (answer, nxdomain, nodata, servfail, refused, timeout, truncated, error)",
  labelNames: ["outcome"] as const,
  registers: [metricsRegistry],
});

const dnsQueryDuration = new Histogram({
  name: "rdns_dns_query_duration_seconds",
  help: "Time from sending a DNS question to its answer or timeout",
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
  registers: [metricsRegistry],
});

const deliveries = new Counter({
  name: "rdns_deliveries_total",
  help: "Delivery attempts to a chat platform, by outcome (posted, skipped, retry, failed)",
  labelNames: ["platform", "outcome"] as const,
  registers: [metricsRegistry],
});

/** Where a write refused by a full Redis was noticed: a command or button, the command limiter, a worker. */
export type StorageFullWhere = "command" | "button" | "limiter" | "worker";

const redisFull = new Counter({
  name: "rdns_redis_full_total",
  help: "Writes Redis refused because it is full (maxmemory reached, nothing to evict), by where it was noticed (command, button, limiter, worker)",
  labelNames: ["where"] as const,
  registers: [metricsRegistry],
});

export function recordStorageFull(where: StorageFullWhere): void {
  redisFull.inc({ where });
}

export function recordCheck(verdict: CheckVerdictLabel, reason: string): void {
  checks.inc({ verdict, reason });
}

export function recordCheckDuration(seconds: number): void {
  checkDuration.observe(seconds);
}

/** For the DNS client's per-question observer (one call per question sent). */
export function recordDnsQuery(outcome: DnsQueryOutcome, seconds: number): void {
  dnsQueries.inc({ outcome });
  dnsQueryDuration.observe(seconds);
}

export function recordDelivery(platform: string, outcome: DeliveryOutcomeLabel): void {
  deliveries.inc({ platform, outcome });
}

/** Wraps a check runner so every DNS check it runs is timed (rdns_check_duration_seconds). */
export function timedCheckRunner<Options, Report>(
  run: (options: Options) => Promise<Report>,
): (options: Options) => Promise<Report> {
  return async (options) => {
    const started = process.hrtime.bigint();
    try {
      return await run(options);
    } finally {
      recordCheckDuration(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}

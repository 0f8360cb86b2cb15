// /metrics against the real engine: real Redis, the DNS lab, checks through the queue. Counts must
// move by what the checks did, and the gauges must read what Redis holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDnsQuery, timedCheckRunner } from "../../../src/app/metrics.js";
import { observeWorkers } from "../../../src/app/observe-workers.js";
import { runCheck } from "../../../src/check/index.js";
import { loadConfig } from "../../../src/config.js";
import { storeKeys } from "../../../src/keys.js";
import type { Runtime } from "../../../src/runtime.js";
import { type OpsServer, startOpsServer } from "../../../src/web/ops-server.js";
import {
  cleanupPrefix,
  labSettings,
  logger,
  REDIS_URL,
  RecordingPlatform,
  startLabRuntime,
} from "../engine/support.js";
import { sampleValue, scrape } from "./scrape.js";

describe("GET /metrics after real checks through the queue", () => {
  const platform = new RecordingPlatform("console");
  // A failing IP gives up after a few seconds, so its chain opens and then closes in the test.
  const settings = labSettings("ops-metrics", { recheckMaxMs: 4000, recheckPollMs: 1000 });
  let runtime: Runtime;
  let server: OpsServer;
  let base: string;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform], {
      runCheck: timedCheckRunner(runCheck),
      // As `rdns serve` does: observers attached before a worker can finish a job.
      onWorker: (worker, { redis }) =>
        observeWorkers([worker], { redis, keys: storeKeys(settings.prefix), logger }),
    });
    server = await startOpsServer({
      config: loadConfig({ REDIS_URL }),
      prefix: settings.prefix,
      queues: runtime.queues,
      logger,
      host: "127.0.0.1",
      port: 0,
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("counts checks by verdict and reason, times them, and counts deliveries", async () => {
    const before = await scrape(base);
    const pass = await platform.command(["203.0.113.10", "mail.example.test"]);
    const fail = await platform.command(["203.0.113.13"]);
    await platform.waitFor(
      () => platform.in(pass?.thread ?? "").length === 1 && platform.in(fail?.thread ?? "").length === 1,
    );
    // Each answer is a thread reply and a parent update (the "checking" post is the command's
    // own, not a delivery): 4 deliveries. The observers run on BullMQ's events, just after the job
    // is stored as completed, so the scrape may trail the posts by a moment.
    const posted = (text: string) =>
      sampleValue(text, "rdns_deliveries_total", { platform: "console", outcome: "posted" });
    const deadline = Date.now() + 10_000;
    let after = await scrape(base);
    while (posted(after) - posted(before) < 4) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape(base);
    }
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta("rdns_deliveries_total", { platform: "console", outcome: "posted" })).toBe(4);
    expect(platform.posted.filter((item) => item.op === "reply" || item.op === "update")).toHaveLength(4);
    expect(delta("rdns_checks_total", { verdict: "pass", reason: "command" })).toBe(1);
    expect(delta("rdns_checks_total", { verdict: "fail", reason: "command" })).toBe(1);
    expect(delta("rdns_check_duration_seconds_count")).toBe(2);
    expect(delta("rdns_check_duration_seconds_sum")).toBeGreaterThan(0);
    // BullMQ's own counts, once per family for all queues, and its completed counter (worker metrics on).
    expect(after.match(/^# TYPE bullmq_job_count gauge$/gm)).toHaveLength(1);
    expect(sampleValue(after, "bullmq_job_count", { queue: "check", state: "active" })).toBe(0);
    expect(sampleValue(after, "bullmq_job_count", { queue: "delivery-slack", state: "waiting" })).toBe(0);
    expect(sampleValue(after, "bullmq_job_completed_total", { queue: "check" })).toBeGreaterThanOrEqual(2);
    // prom-client's process metrics.
    expect(sampleValue(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(sampleValue(after, "rdns_redis_up")).toBe(1);
  });

  it("reads watched addresses from Redis at scrape time", async () => {
    expect(sampleValue(await scrape(base), "rdns_watched_addresses")).toBe(0);
    await platform.command(["watch", "203.0.113.0/30"], "C-watch");
    await platform.command(["watch", "203.0.113.2"], "C-other"); // the same IP from another channel counts once
    expect(sampleValue(await scrape(base), "rdns_watched_addresses")).toBe(4);
    await platform.command(["unwatch", "203.0.113.0/30"], "C-watch");
    expect(sampleValue(await scrape(base), "rdns_watched_addresses")).toBe(1);
  });

  it("counts a failing IP's re-check chain while it is open, and not after it gave up", async () => {
    // The broken pair checked above has a chain of its own: it gives up within RECHECK limit first.
    const quiet = Date.now() + 30_000;
    while (sampleValue(await scrape(base), "rdns_open_chains") !== 0) {
      expect(Date.now()).toBeLessThan(quiet);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const origin = await platform.command(["203.0.113.11"]); // NXDOMAIN: NO_PTR, re-checked
    const thread = origin?.thread ?? "";
    let open = 0;
    const deadline = Date.now() + 10_000;
    while (open === 0) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
      open = sampleValue(await scrape(base), "rdns_open_chains");
    }
    expect(open).toBe(1);
    // RECHECK limit of 4 s: the chain's last check says "gave up", and the chain closes.
    await platform.waitFor(
      (posted) => posted.some((p) => p.address === thread && p.message.kind === "still-failing"),
      30_000,
    );
    const closedBy = Date.now() + 10_000;
    while (sampleValue(await scrape(base), "rdns_open_chains") !== 0) {
      expect(Date.now()).toBeLessThan(closedBy);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const text = await scrape(base);
    // The chain's follow-ups: re-checks, or polls of the authority while the zone still fails.
    const followUps =
      sampleValue(text, "rdns_checks_total", { verdict: "fail", reason: "recheck" }) +
      sampleValue(text, "rdns_checks_total", { verdict: "fail", reason: "poll" });
    expect(followUps).toBeGreaterThanOrEqual(1);
  });

  it("renders DNS questions recorded through recordDnsQuery (the DNS client's observer)", async () => {
    const before = await scrape(base);
    recordDnsQuery("timeout", 2);
    recordDnsQuery("answer", 0.002);
    recordDnsQuery("answer", 0.003);
    const after = await scrape(base);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta("rdns_dns_queries_total", { outcome: "timeout" })).toBe(1);
    expect(delta("rdns_dns_queries_total", { outcome: "answer" })).toBe(2);
    expect(delta("rdns_dns_query_duration_seconds_count")).toBe(3);
    expect(delta("rdns_dns_query_duration_seconds_bucket", { le: "0.005" })).toBe(2);
  });
});

// The delivery worker against real Redis: one post per delivery id however often it is queued or
// re-run, a platform's Retry-After honoured without spending attempts, back-off on server errors,
// no retries for permanent errors.
import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createRedis } from "../../../src/queue/connection.js";
import type { DeliveryJob } from "../../../src/queue/jobs.js";
import { deliveryQueueName } from "../../../src/queue/names.js";
import { createQueues, enqueueDeliveries, type Queues } from "../../../src/queue/queues.js";
import { reportView, verdictView } from "../../../src/render/views.js";
import { type EngineSettings, settingsFromConfig } from "../../../src/settings.js";
import { createDeliveryWorker } from "../../../workers/delivery.js";
import { makeReport } from "../../fixtures/check-report.js";
import { cleanupPrefix, logger, REDIS_URL, RecordingPlatform, uniquePrefix } from "./support.js";

function job(id: string, text = id): DeliveryJob {
  return {
    deliveryId: id,
    platform: "console",
    target: { op: "reply", thread: "test:C1:1" },
    message: { kind: "notice", text },
  };
}

describe("delivery worker", () => {
  const settings: EngineSettings = {
    ...settingsFromConfig(loadConfig({ REDIS_URL })),
    prefix: uniquePrefix("delivery"),
    deliveryRetryDelayMs: 100,
  };
  const platform = new RecordingPlatform("console");
  const redis = createRedis(REDIS_URL, "worker");
  let queues: Queues;
  let events: QueueEvents;
  let worker: ReturnType<typeof createDeliveryWorker>;

  beforeAll(async () => {
    queues = createQueues(createRedis(REDIS_URL, "client"), settings);
    worker = createDeliveryWorker(platform, { redis, queues, settings, logger });
    events = new QueueEvents(deliveryQueueName("console"), {
      connection: createRedis(REDIS_URL, "worker"),
      prefix: settings.prefix,
    });
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  });
  afterAll(async () => {
    await worker.close();
    await events.close();
    await queues.close();
    redis.disconnect();
    await cleanupPrefix(settings.prefix);
  });

  const texts = () =>
    platform.posted.map((item) => (item.message.kind === "notice" ? item.message.text : ""));

  it("posts a delivery once however often it is queued, and never again after success", async () => {
    await enqueueDeliveries(queues, [job("dlv-once"), job("dlv-once")]);
    await enqueueDeliveries(queues, [job("dlv-once")]);
    await platform.waitFor(() => texts().includes("dlv-once"));
    // The job's record gone (or a stalled copy re-run): the Redis marker still stops a second post.
    const again = await queues
      .delivery("console")
      .add("deliver", job("dlv-once"), { jobId: "dlv-once-rerun" });
    const result = await again.waitUntilFinished(events, 10_000);
    expect(result).toMatchObject({ skipped: true });
    expect(texts().filter((text) => text === "dlv-once")).toHaveLength(1);
  });

  it("waits out a platform's Retry-After without using an attempt", async () => {
    platform.failNext = {
      count: 1,
      error: () => Object.assign(new Error("ratelimited"), { name: "RateLimitedError", retryAfterMs: 700 }),
    };
    const started = Date.now();
    const added = await queues.delivery("console").add("deliver", job("dlv-429"), { jobId: "dlv-429" });
    await added.waitUntilFinished(events, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    const done = await queues.delivery("console").getJob("dlv-429");
    expect(done?.attemptsMade).toBe(1);
    expect(texts().filter((text) => text === "dlv-429")).toHaveLength(1);
  });

  it("holds up only the rate-limited delivery, not the others behind it", async () => {
    platform.failNext = {
      count: 1,
      error: () => Object.assign(new Error("ratelimited"), { name: "RateLimitedError", retryAfterMs: 3000 }),
    };
    const started = Date.now();
    const limited = await queues.delivery("console").add("deliver", job("dlv-held"), { jobId: "dlv-held" });
    await platform.waitFor(() => platform.failNext.count === 0);
    const free = await queues.delivery("console").add("deliver", job("dlv-free"), { jobId: "dlv-free" });
    await free.waitUntilFinished(events, 10_000);
    const freeAfter = Date.now() - started;
    expect(texts()).toContain("dlv-free");
    expect(texts()).not.toContain("dlv-held");
    expect(freeAfter).toBeLessThan(2500);
    await limited.waitUntilFinished(events, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(texts().filter((text) => text === "dlv-held")).toHaveLength(1);
  });

  it("retries server errors with back-off, and gives up at once on permanent ones", async () => {
    platform.failNext = { count: 2, error: () => new Error("HTTP 503") };
    const retried = await queues.delivery("console").add("deliver", job("dlv-503"), { jobId: "dlv-503" });
    await retried.waitUntilFinished(events, 10_000);
    expect((await queues.delivery("console").getJob("dlv-503"))?.attemptsMade).toBe(3);

    platform.failNext = {
      count: 1,
      error: () => Object.assign(new Error("channel_not_found"), { permanent: true }),
    };
    const doomed = await queues.delivery("console").add("deliver", job("dlv-404"), { jobId: "dlv-404" });
    await expect(doomed.waitUntilFinished(events, 10_000)).rejects.toThrow(/channel_not_found/);
    expect((await queues.delivery("console").getJob("dlv-404"))?.attemptsMade).toBe(1);
    expect(texts()).not.toContain("dlv-404");
  });

  it("posts a job queued by an older version with the whole report, as the view a new job carries", async () => {
    const report = makeReport({ ip: "203.0.113.77" });
    // The shape queued before the views: the whole report, round-trip times and all.
    const old = (id: string, message: DeliveryJob["message"]): DeliveryJob => ({
      deliveryId: id,
      platform: "console",
      target: { op: "reply", thread: "test:C1:old" },
      message,
    });
    await enqueueDeliveries(queues, [
      old("dlv-old-verdict", { kind: "verdict", report, chainId: null }),
      old("dlv-old-report", { kind: "report", report, chainId: null }),
    ]);
    const posted = () => platform.posted.filter((item) => item.address === "test:C1:old");
    await platform.waitFor(() => posted().length === 2);
    const byKind = new Map(posted().map((item) => [item.message.kind, item.message]));
    expect(byKind.get("verdict")).toEqual({ kind: "verdict", report: verdictView(report), chainId: null });
    expect(byKind.get("report")).toEqual({ kind: "report", report: reportView(report), chainId: null });
  });
});

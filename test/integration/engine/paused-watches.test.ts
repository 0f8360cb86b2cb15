// Watches of gone channels against real Redis: the delivery worker counts "channel gone"
// failures of a watch's deliveries per channel, the channel's watches pause at the third (and
// /rdns status shows them paused), a watch run then skips, and 7 days later removes them.
import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  gateWatchRun,
  PAUSE_AFTER_FAILURES,
  REMOVE_AFTER_PAUSED_MS,
} from "../../../src/app/paused-watches.js";
import { channelStatus } from "../../../src/app/status.js";
import { loadConfig } from "../../../src/config.js";
import { storeKeys } from "../../../src/keys.js";
import { createRedis } from "../../../src/queue/connection.js";
import type { DeliveryJob } from "../../../src/queue/jobs.js";
import { deliveryQueueName } from "../../../src/queue/names.js";
import { createQueues, type Queues } from "../../../src/queue/queues.js";
import { type EngineSettings, settingsFromConfig } from "../../../src/settings.js";
import { readChannelHealth } from "../../../src/store/channel-health.js";
import { addWatch, listWatches } from "../../../src/store/watches.js";
import { createDeliveryWorker } from "../../../workers/delivery.js";
import { cleanupPrefix, logger, REDIS_URL, RecordingPlatform, uniquePrefix } from "./support.js";

const CHANNEL = "console:C-gone";
const IP = "203.0.113.77";

function watchNotice(id: string): DeliveryJob {
  return {
    deliveryId: id,
    platform: "console",
    target: { op: "reply", thread: "console:C-gone:1" },
    message: { kind: "notice", text: id },
    watchChannel: CHANNEL,
  };
}

describe("watches of gone channels", () => {
  const settings: EngineSettings = {
    ...settingsFromConfig(loadConfig({ REDIS_URL })),
    prefix: uniquePrefix("paused"),
    deliveryRetryDelayMs: 100,
  };
  const keys = storeKeys(settings.prefix);
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
    const origin = {
      platform: "console" as const,
      channel: "C-gone",
      thread: "console:C-gone:1",
      parent: null,
    };
    const record = {
      target: IP,
      ips: [IP],
      origin,
      user: "u",
      createdAt: new Date().toISOString(),
      helo: "mail.example.test",
    };
    expect(await addWatch(redis, keys, CHANNEL, record, 100)).toEqual({ ok: true });
  });
  afterAll(async () => {
    await worker.close();
    await events.close();
    await queues.close();
    redis.disconnect();
    await cleanupPrefix(settings.prefix);
  });

  const deliver = async (id: string) => {
    const job = await queues.delivery("console").add("deliver", watchNotice(id), { jobId: id });
    await job.waitUntilFinished(events, 10_000).catch(() => undefined);
  };

  it("counts only 'channel gone' failures, pauses at the third, skips runs, removes after 7 days", async () => {
    // A bad token is permanent too, but not the channel's fault: it does not count.
    platform.failNext = {
      count: 1,
      error: () => Object.assign(new Error("invalid_auth"), { permanent: true }),
    };
    await deliver("gone-auth");
    expect(await readChannelHealth(redis, keys, CHANNEL)).toEqual({ failures: 0, pausedAt: null });

    platform.failNext = {
      count: PAUSE_AFTER_FAILURES,
      error: () => Object.assign(new Error("channel_not_found"), { permanent: true, channelGone: true }),
    };
    for (let i = 1; i < PAUSE_AFTER_FAILURES; i++) await deliver(`gone-${i}`);
    expect(await readChannelHealth(redis, keys, CHANNEL)).toEqual({ failures: 2, pausedAt: null });
    await deliver(`gone-${PAUSE_AFTER_FAILURES}`);
    const health = await readChannelHealth(redis, keys, CHANNEL);
    expect(health.failures).toBe(PAUSE_AFTER_FAILURES);
    expect(health.pausedAt).not.toBeNull();

    // /rdns status (the servers page's rows) says paused.
    const status = await channelStatus(
      { redis, keys },
      { platform: "console", channel: "C-gone", scope: null },
    );
    expect(status.summaries).toEqual([
      {
        watch: IP,
        helo: "mail.example.test",
        paused: true,
        counts: { pass: 0, fail: 0, inconclusive: 0, pending: 1 },
      },
    ]);
    expect(status.rows.map((row) => [row.ip, row.paused, row.helo?.name])).toEqual([
      [IP, true, "mail.example.test"],
    ]);

    const deps = { redis, keys, queues, settings, logger };
    const pausedAt = Date.parse(health.pausedAt ?? "");
    expect(await gateWatchRun(deps, CHANNEL, new Date(pausedAt + REMOVE_AFTER_PAUSED_MS - 1000))).toBe(
      "paused",
    );
    expect(await listWatches(redis, keys, CHANNEL)).toHaveLength(1);
    expect(await gateWatchRun(deps, CHANNEL, new Date(pausedAt + REMOVE_AFTER_PAUSED_MS))).toBe("removed");
    expect(await listWatches(redis, keys, CHANNEL)).toEqual([]);
    expect(await redis.scard(keys.watchers(IP))).toBe(0);
    expect(await readChannelHealth(redis, keys, CHANNEL)).toEqual({ failures: 0, pausedAt: null });
  });

  it("a delivery that gets through clears the count", async () => {
    await redis.hset(keys.channelHealth(CHANNEL), "failures", "2");
    await deliver("through");
    // Cleared after the post's marker is written: poll, the post alone is not the end of it.
    await expect
      .poll(() => readChannelHealth(redis, keys, CHANNEL), { timeout: 5000 })
      .toEqual({ failures: 0, pausedAt: null });
    expect(
      platform.posted.some((item) => item.message.kind === "notice" && item.message.text === "through"),
    ).toBe(true);
  });
});

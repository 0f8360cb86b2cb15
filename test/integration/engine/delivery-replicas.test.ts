// `rdns bot` run as two replicas on one Redis (docker-compose scaled): both run a Slack delivery
// worker on the one `delivery-slack` queue. Whichever replica takes a delivery posts it, once;
// none is lost, also when one replica stops half-way or Slack answers 429 and the delivery comes
// back later (to either replica). The real adapter's sender against the loopback fake Web API.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createSlackPlatform } from "../../../src/platforms/slack/index.js";
import { createRedis } from "../../../src/queue/connection.js";
import type { DeliveryJob } from "../../../src/queue/jobs.js";
import { createQueues, enqueueDeliveries, type Queues } from "../../../src/queue/queues.js";
import { type EngineSettings, settingsFromConfig } from "../../../src/settings.js";
import { createDeliveryWorker } from "../../../workers/delivery.js";
import { FakeSlackWebApi } from "../../fakes/slack/web-api.js";
import { cleanupPrefix, logger, REDIS_URL, uniquePrefix } from "./support.js";

const THREAD = "slack:C0CMD:1700000000.000001";

function reply(id: string): DeliveryJob {
  return {
    deliveryId: id,
    platform: "slack",
    target: { op: "reply", thread: THREAD },
    message: { kind: "notice", text: id },
  };
}

describe("two bot replicas on one Slack delivery queue", () => {
  const settings: EngineSettings = {
    ...settingsFromConfig(loadConfig({ REDIS_URL })),
    prefix: uniquePrefix("replicas"),
    deliveryRetryDelayMs: 100,
  };
  const fake = new FakeSlackWebApi();
  const redis = new Redis(REDIS_URL);
  let queues: Queues;
  /** One replica: its own Redis connection, its own adapter (sender), its own worker. */
  const replicas: {
    worker: ReturnType<typeof createDeliveryWorker>;
    took: string[];
    redis: ReturnType<typeof createRedis>;
  }[] = [];

  function startReplica() {
    const config = loadConfig({
      REDIS_URL,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: fake.apiUrl,
    });
    const platform = createSlackPlatform(config, logger, {
      redis,
      keyPrefix: `${settings.prefix}:slack:`,
      port: 0,
    });
    const connection = createRedis(REDIS_URL, "worker");
    const worker = createDeliveryWorker(platform, { redis: connection, queues, settings, logger });
    const replica = { worker, took: [] as string[], redis: connection };
    worker.on("completed", (job, outcome) => {
      if (!outcome.skipped) replica.took.push(job.data.deliveryId);
    });
    replicas.push(replica);
    return replica;
  }

  /** How many times Slack got each text, for the texts asked. */
  const postsOf = (ids: string[]) =>
    ids.map((id) => fake.posted.filter((message) => new RegExp(`\\b${id}\\b`).test(message.text)).length);

  beforeAll(async () => {
    await fake.start();
    queues = createQueues(createRedis(REDIS_URL, "client"), settings);
  });
  afterAll(async () => {
    for (const replica of replicas) {
      await replica.worker.close();
      replica.redis.disconnect();
    }
    await queues.close();
    await fake.stop();
    redis.disconnect();
    await cleanupPrefix(settings.prefix);
  });

  it("posts each delivery once, whichever replica takes it, and loses none", async () => {
    const first = startReplica();
    const second = startReplica();
    await Promise.all([first.worker.waitUntilReady(), second.worker.waitUntilReady()]);
    const ids = Array.from({ length: 40 }, (_, i) => `dlv-both-${i}`);
    // Some come back from Slack as 429: put back as delayed, taken again by either replica.
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 0.2 }, 5);
    // Each queued twice, as a re-run producer would: the job id is the delivery id.
    await enqueueDeliveries(queues, [...ids, ...ids].map(reply));
    await expect.poll(() => postsOf(ids).filter((n) => n > 0).length, { timeout: 20_000 }).toBe(ids.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(postsOf(ids)).toEqual(ids.map(() => 1));
    // Both really took part (40 deliveries, four at a time each).
    expect(first.took.length).toBeGreaterThan(0);
    expect(second.took.length).toBeGreaterThan(0);
    expect(new Set([...first.took, ...second.took]).size).toBe(first.took.length + second.took.length);
  });

  it("a replica that stops half-way leaves the rest to the other: none lost, none twice", async () => {
    const [first, second] = replicas;
    if (first === undefined || second === undefined) throw new Error("replicas not started");
    const ids = Array.from({ length: 40 }, (_, i) => `dlv-stop-${i}`);
    await enqueueDeliveries(queues, ids.map(reply));
    // Stopping as SIGTERM does: the jobs it holds finish, the rest stay queued for the other.
    await expect.poll(() => first.took.filter((id) => id.startsWith("dlv-stop-")).length).toBeGreaterThan(0);
    await first.worker.close();
    await expect.poll(() => postsOf(ids).filter((n) => n > 0).length, { timeout: 20_000 }).toBe(ids.length);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(postsOf(ids)).toEqual(ids.map(() => 1));
    expect(second.took.filter((id) => id.startsWith("dlv-stop-")).length).toBeGreaterThan(0);
  });
});

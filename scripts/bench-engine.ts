// `npm run bench:engine`: jobs per second through the check and delivery workers on this machine,
// and DNS questions per check, against the DNS lab (Knot + Unbound on loopback) and the Redis at
// REDIS_URL (a unique prefix, removed afterwards). The check jobs are what a chat command
// enqueues (reason "command", no chat origins), so each one runs the whole DNS check; the
// questions are counted by the DNS client's own observer (addQueryListener), not by a wrapper.
// Then the re-check chains (scripts/bench-chains.ts): DNS questions per hour of waiting, and per
// cleared IP when the fix comes in the slow phase.
//   BENCH_CHECKS (default 400), BENCH_DELIVERIES (default 3000), CHECK_CONCURRENCY (default 8),
//   BENCH_CHAIN_WAIT_SECONDS (default 10)
import { randomBytes } from "node:crypto";
import { QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import type { ChatSender } from "../src/chat/types.js";
import { addQueryListener, type QueryOutcome } from "../src/check/dns-observer.js";
import { runCheck } from "../src/check/index.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { createRedis } from "../src/queue/connection.js";
import { newCheckJob } from "../src/queue/jobs.js";
import { CHECK_QUEUE, deliveryQueueName } from "../src/queue/names.js";
import { createQueues } from "../src/queue/queues.js";
import { type EngineSettings, settingsFromConfig } from "../src/settings.js";
import { startLab } from "../test/lab/lab.js";
import { createCheckWorker } from "../workers/check.js";
import { createDeliveryWorker } from "../workers/delivery.js";
import { benchChains } from "./bench-chains.js";
import { removeBenchPrefix } from "./bench-cleanup.js";

const CHECKS = Number(process.env.BENCH_CHECKS ?? 400);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 3000);
const config = loadConfig();
const logger = createLogger("silent");
const IPS = ["203.0.113.10", "203.0.113.13", "203.0.113.16", "203.0.113.17", "203.0.113.20", "2001:db8::10"];

async function waitForCount(events: QueueEvents, total: number): Promise<void> {
  let done = 0;
  await new Promise<void>((resolve) => {
    const count = () => {
      done++;
      if (done >= total) resolve();
    };
    events.on("completed", count);
    events.on("failed", count);
  });
}

const lab = await startLab();
const settings: EngineSettings = {
  ...settingsFromConfig(config),
  prefix: `rdns-bench-${randomBytes(4).toString("hex")}`,
  check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 2000 },
  deliveryRatePerSecond: 100_000, // measure the engine, not the platform limiter
};
const client = createRedis(config.redis, "client");
const workerRedis = createRedis(config.redis, "worker");
// QueueEvents read with blocking commands: each its own connection, closed at the end.
const checkEventsRedis = createRedis(config.redis, "worker");
const deliveryEventsRedis = createRedis(config.redis, "worker");
const queues = createQueues(client, settings);
try {
  // Check worker: distinct jobs (no de-duplication), conclusive answers, no deliveries.
  let dnsQueries = 0;
  const outcomes = new Map<QueryOutcome, number>();
  const stopCounting = addQueryListener((event) => {
    dnsQueries++;
    outcomes.set(event.outcome, (outcomes.get(event.outcome) ?? 0) + 1);
  });
  const checkEvents = new QueueEvents(CHECK_QUEUE, { connection: checkEventsRedis, prefix: settings.prefix });
  await checkEvents.waitUntilReady();
  const jobs = Array.from({ length: CHECKS }, (_, index) => {
    const ip = IPS[index % IPS.length] ?? "203.0.113.10";
    const id = `bench-check-${index}`;
    return {
      name: "check",
      data: newCheckJob({ ip, helo: null, origins: [], originsKey: null, reason: "command", chainId: id }),
      opts: { jobId: id },
    };
  });
  await queues.check.addBulk(jobs);
  const checksDone = waitForCount(checkEvents, CHECKS);
  const checkStart = performance.now();
  const checkWorker = createCheckWorker({
    redis: workerRedis,
    queues,
    settings,
    logger,
    runCheck: (options) => runCheck(options),
  });
  await checksDone;
  const checkSeconds = (performance.now() - checkStart) / 1000;
  await checkWorker.close();
  await checkEvents.close();
  stopCounting();

  // Delivery worker: a sender that does nothing, so the number is the engine's own overhead.
  let posted = 0;
  const sender: ChatSender = {
    name: "console",
    post: async () => `bench:${++posted}`,
    reply: async (thread) => {
      posted++;
      return thread;
    },
    update: async () => {
      posted++;
    },
  };
  const deliveryEvents = new QueueEvents(deliveryQueueName("console"), {
    connection: deliveryEventsRedis,
    prefix: settings.prefix,
  });
  await deliveryEvents.waitUntilReady();
  await queues.delivery("console").addBulk(
    Array.from({ length: DELIVERIES }, (_, index) => ({
      name: "deliver",
      data: {
        deliveryId: `bench-${index}`,
        platform: "console" as const,
        target: { op: "reply" as const, thread: `console:main:${index}` },
        message: { kind: "notice" as const, text: `message ${index}` },
      },
      opts: { jobId: `bench-${index}` },
    })),
  );
  const deliveriesDone = waitForCount(deliveryEvents, DELIVERIES);
  const deliveryStart = performance.now();
  const deliveryWorker = createDeliveryWorker(sender, { redis: workerRedis, queues, settings, logger });
  await deliveriesDone;
  const deliverySeconds = (performance.now() - deliveryStart) / 1000;
  await deliveryWorker.close();
  await deliveryEvents.close();

  const line = (text: string) => process.stdout.write(`${text}\n`);
  line(
    `check worker:    ${CHECKS} checks in ${checkSeconds.toFixed(2)} s = ${(CHECKS / checkSeconds).toFixed(1)} jobs/s (concurrency ${settings.checkConcurrency}, lab resolver + authority)`,
  );
  const byOutcome = [...outcomes.entries()].map(([outcome, count]) => `${outcome} ${count}`).join(", ");
  line(`DNS questions:   ${(dnsQueries / CHECKS).toFixed(1)} per check (${dnsQueries} in all: ${byOutcome})`);
  line(
    `delivery worker: ${DELIVERIES} deliveries in ${deliverySeconds.toFixed(2)} s = ${(DELIVERIES / deliverySeconds).toFixed(1)} jobs/s (concurrency 4, no-op sender; ${posted} posted)`,
  );
  for (const text of await benchChains(lab, config.REDIS_URL, settings, logger)) line(text);
} finally {
  await queues.close();
  const cleaner = new Redis(config.REDIS_URL);
  await removeBenchPrefix(cleaner, settings.prefix, [CHECK_QUEUE, deliveryQueueName("console")]);
  cleaner.disconnect();
  client.disconnect();
  workerRedis.disconnect();
  checkEventsRedis.disconnect();
  deliveryEventsRedis.disconnect();
  await lab.stop();
}

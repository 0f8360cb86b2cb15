// A check worker in its own process, for the SIGKILL tests: settings come as JSON in
// RDNS_TEST_SETTINGS; it prints "active <jobId>" when it starts a job so the test knows when to
// kill it. With RDNS_TEST_HANG_AFTER_ENQUEUE=1 every delivery it enqueues is really queued, then
// the job hangs before completing ("enqueued <deliveryId>"): a kill then lands after the
// deliveries are out, the case a re-run must not double.

import type { PlatformName } from "../../../src/chat/types.js";
import { runCheck } from "../../../src/check/index.js";
import { createLogger } from "../../../src/log.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues } from "../../../src/queue/queues.js";
import type { EngineSettings } from "../../../src/settings.js";
import { createCheckWorker } from "../../../workers/check.js";

const settings = JSON.parse(process.env.RDNS_TEST_SETTINGS ?? "{}") as EngineSettings;
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = createRedis(url, "worker");
const queues = createQueues(createRedis(url, "client"), settings);
if (process.env.RDNS_TEST_HANG_AFTER_ENQUEUE === "1") {
  const delivery = queues.delivery.bind(queues);
  queues.delivery = (platform: PlatformName) => {
    const queue = delivery(platform);
    const add = queue.add.bind(queue);
    queue.add = async (...args: Parameters<typeof add>) => {
      const job = await add(...args);
      process.stdout.write(`enqueued ${job.id}\n`);
      return new Promise<never>(() => undefined);
    };
    return queue;
  };
}
const worker = createCheckWorker({
  redis,
  queues,
  settings,
  logger: createLogger("silent"),
  runCheck: (options) => runCheck(options),
});
worker.on("active", (job) => process.stdout.write(`active ${job.id}\n`));
await worker.waitUntilReady();
process.stdout.write("ready\n");

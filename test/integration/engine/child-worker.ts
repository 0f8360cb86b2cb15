// A check worker in its own process, for the SIGKILL test: settings come as JSON in
// RDNS_TEST_SETTINGS; it prints "active <jobId>" when it starts a job so the test knows when to kill it.

import type { EngineSettings } from "../../../src/app/settings.js";
import { runCheck } from "../../../src/check/index.js";
import { createLogger } from "../../../src/log.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues } from "../../../src/queue/queues.js";
import { createCheckWorker } from "../../../workers/check.js";

const settings = JSON.parse(process.env.RDNS_TEST_SETTINGS ?? "{}") as EngineSettings;
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = createRedis(url, "worker");
const queues = createQueues(createRedis(url, "client"), settings);
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

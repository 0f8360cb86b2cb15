// A watch worker in its own process, for `npm run bench:sweep`'s "through the queue" part:
// settings come as JSON in BENCH_SETTINGS; it prints "ready" once it takes jobs and ends on
// SIGTERM after its jobs finish (worker.close()).
import { runCheck } from "../src/check/index.js";
import { createLogger } from "../src/log.js";
import { createRedis } from "../src/queue/connection.js";
import { createQueues } from "../src/queue/queues.js";
import type { EngineSettings } from "../src/settings.js";
import { createWatchWorker } from "../workers/watch.js";

const settings = JSON.parse(process.env.BENCH_SETTINGS ?? "{}") as EngineSettings;
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = createRedis(url, "worker");
const client = createRedis(url, "client");
const queues = createQueues(client, settings);
const worker = createWatchWorker({
  redis,
  queues,
  settings,
  logger: createLogger("silent"),
  runCheck: (options) => runCheck(options),
});
await worker.waitUntilReady();
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void (async () => {
    await worker.close();
    await queues.close();
    redis.disconnect();
    client.disconnect();
    process.exit(0);
  })();
});

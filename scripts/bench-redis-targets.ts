// `npm run bench:cluster`: checks per second through the check queue on one Redis server (REDIS_URL)
// and on a fresh three-primary Redis Cluster on loopback (test/support/redis-servers.ts), with 1
// and 2 check workers, in the same run against the same DNS lab. Each worker is the real
// createCheckWorker on its own connections (as two `rdns worker` processes would have, though
// here in one process); the jobs are what a chat command enqueues, on distinct IPs of the lab.
//   BENCH_CHECKS (default 600), CHECK_CONCURRENCY (default 8)
import { randomBytes } from "node:crypto";
import { runCheck } from "../src/check/index.js";
import { loadConfig, type RedisTarget } from "../src/config.js";
import { deploymentPrefix } from "../src/keys.js";
import { createLogger } from "../src/log.js";
import { createRedis } from "../src/queue/connection.js";
import { newCheckJob } from "../src/queue/jobs.js";
import { createQueues } from "../src/queue/queues.js";
import { type EngineSettings, settingsFromConfig } from "../src/settings.js";
import { startLab } from "../test/lab/lab.js";
import { startCluster } from "../test/support/redis-servers.js";
import { createCheckWorker } from "../workers/check.js";

const CHECKS = Number(process.env.BENCH_CHECKS ?? 600);
const config = loadConfig();
const logger = createLogger("silent");
const IPS = Array.from({ length: 200 }, (_, i) => `203.0.113.${i + 1}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function checksPerSecond(
  target: RedisTarget,
  workers: number,
  lab: Awaited<ReturnType<typeof startLab>>,
): Promise<number> {
  const settings: EngineSettings = {
    ...settingsFromConfig(config),
    prefix: deploymentPrefix(`rdns-bench-${randomBytes(4).toString("hex")}`),
    check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 2000 },
  };
  const client = createRedis(target, "client");
  const queues = createQueues(client, settings);
  const connections = Array.from({ length: workers }, () => createRedis(target, "worker"));
  try {
    await queues.check.addBulk(
      Array.from({ length: CHECKS }, (_, index) => {
        const id = `bench-check-${index}`;
        const ip = IPS[index % IPS.length] ?? "203.0.113.10";
        return {
          name: "check",
          data: newCheckJob({
            ip,
            helo: null,
            origins: [],
            originsKey: null,
            reason: "command",
            chainId: id,
          }),
          opts: { jobId: id },
        };
      }),
    );
    const start = performance.now();
    const running = connections.map((redis) =>
      createCheckWorker({ redis, queues, settings, logger, runCheck: (options) => runCheck(options) }),
    );
    for (;;) {
      const counts = await queues.check.getJobCounts("completed", "failed");
      if ((counts.completed ?? 0) + (counts.failed ?? 0) >= CHECKS) break;
      await sleep(50);
    }
    const seconds = (performance.now() - start) / 1000;
    await Promise.all(running.map((worker) => worker.close()));
    await queues.check.obliterate({ force: true });
    return CHECKS / seconds;
  } finally {
    await queues.close();
    client.disconnect();
    for (const redis of connections) redis.disconnect();
  }
}

const lab = await startLab();
const cluster = await startCluster();
try {
  const targets: [string, RedisTarget][] = [
    ["one server (REDIS_URL)", config.redis],
    ["3-primary cluster", loadConfig({ REDIS_CLUSTER_NODES: cluster.nodeList }).redis],
  ];
  for (const workers of [1, 2]) {
    for (const [name, target] of targets) {
      const rate = await checksPerSecond(target, workers, lab);
      process.stdout.write(
        `${name.padEnd(24)} ${workers} worker(s): ${CHECKS} checks, ${rate.toFixed(1)} checks/s (concurrency ${config.CHECK_CONCURRENCY} each)\n`,
      );
    }
  }
} finally {
  await cluster.stop();
  await lab.stop();
}

// `npm run bench:watch16` (issue 28 point 6): what a /16 watch costs. Against the DNS lab's
// Unbound and Knot (started with the populated range: 65,536 addresses of 2001:db8:1::/112, every
// even one passing, every odd one failing) and a Redis of its own (a redis-server on a free
// loopback port, so other clients' keys do not count), with the check and watch workers in one
// process as `rdns serve` runs them:
//   1. interactive checks (what `/rdns <ip>` enqueues) one after another, 100 ms apart
//      (BENCH_PACE_MS), while nothing else runs: p50 / p99 from enqueue to done;
//   2. the same while the watch's first run checks all 65,536 addresses;
//   3. Redis `INFO memory` used_memory after the run against before it, per watched address
//      (completed check jobs of phases 1-2 removed first; the watch's own chunk jobs stay, as
//      they do for a day), and the keys it left by kind.
// Ratios come from one run on one machine. BENCH_INTERACTIVE (default 200): idle checks.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { runCheck } from "../src/check/index.js";
import { loadConfig } from "../src/config.js";
import { storeKeys } from "../src/keys.js";
import { createLogger } from "../src/log.js";
import { createRedis } from "../src/queue/connection.js";
import { firstWatchRunId } from "../src/queue/ids.js";
import { newCheckJob } from "../src/queue/jobs.js";
import { CHECK_QUEUE } from "../src/queue/names.js";
import { createQueues } from "../src/queue/queues.js";
import { queueFirstWatchRun } from "../src/queue/watch-schedulers.js";
import { type EngineSettings, settingsFromConfig } from "../src/settings.js";
import { addWatch } from "../src/store/watches.js";
import { startLab } from "../test/lab/lab.js";
import { POPULATED_RANGE } from "../test/lab/zones.js";
import { createCheckWorker } from "../workers/check.js";
import { createWatchWorker } from "../workers/watch.js";

const IDLE_CHECKS = Number(process.env.BENCH_INTERACTIVE ?? 200);
/** The pause after each interactive check (BENCH_PACE_MS): a busy chat, not a flood. */
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ADDRESSES = 65_536;
const INTERACTIVE_IPS = ["203.0.113.10", "203.0.113.13", "203.0.113.16", "203.0.113.20", "2001:db8::10"];
const line = (text: string) => process.stdout.write(`${text}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

async function startRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, process: child };
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill();
  throw new Error("redis-server did not start (is it installed?)");
}

const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1]);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/** Keys under the prefix by kind (store keys by kind, BullMQ's by queue): count and MEMORY USAGE. */
async function keyKinds(redis: Redis, prefix: string): Promise<string> {
  const kinds = new Map<string, { count: number; bytes: number }>();
  let cursor = "0";
  do {
    const [next, names] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 5000);
    for (const name of names) {
      const rest = name.slice(prefix.length + 1).split(":");
      const jobHash = rest.length === 2 && !/^[a-z-]+$/.test(rest[1] ?? "");
      const kind = rest[0] === "s" ? `s:${rest[1]}` : `${rest[0]}:${jobHash ? "jobs" : (rest[1] ?? "")}`;
      const bytes = Number(await redis.memory("USAGE", name, "SAMPLES", 0));
      const seen = kinds.get(kind) ?? { count: 0, bytes: 0 };
      kinds.set(kind, { count: seen.count + 1, bytes: seen.bytes + bytes });
    }
    cursor = next;
  } while (cursor !== "0");
  return [...kinds.entries()]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 8)
    .map(([kind, { count, bytes }]) => `${kind} ${count} keys ${(bytes / 1024).toFixed(0)} KiB`)
    .join(", ");
}

const redisServer = await startRedis();
const lab = await startLab({ populated: true });
const config = loadConfig({ ...process.env, REDIS_URL: redisServer.url });
const settings: EngineSettings = {
  ...settingsFromConfig(config),
  prefix: `{bench-w16-${randomBytes(3).toString("hex")}}`,
  check: {
    resolvers: [lab.resolver],
    authorities: [lab.authority],
    timeoutMs: 2000,
    rdap: null,
    blocklists: { zones: config.DNSBL_ZONES, dqsKey: null },
  },
  watchIntervalMs: 24 * 3_600_000,
  // BENCH_WATCH_WORKERS / BENCH_CHUNK_CONCURRENCY: try other paces than the deployment's.
  ...(process.env.BENCH_WATCH_WORKERS
    ? { watchWorkerConcurrency: Number(process.env.BENCH_WATCH_WORKERS) }
    : {}),
  ...(process.env.BENCH_CHUNK_CONCURRENCY
    ? { watchChunkConcurrency: Number(process.env.BENCH_CHUNK_CONCURRENCY) }
    : {}),
  deliveryRatePerSecond: 100_000,
};
const keys = storeKeys(settings.prefix);
const client = createRedis(redisServer.url, "client");
const workerRedis = createRedis(redisServer.url, "worker");
const eventsRedis = createRedis(redisServer.url, "worker");
const probe = new Redis(redisServer.url);
const queues = createQueues(client, settings);
const logger = createLogger("silent");
const check = (options: Parameters<typeof runCheck>[0]) => runCheck(options);
const checkWorker = createCheckWorker({ redis: workerRedis, queues, settings, logger, runCheck: check });
const watchWorker = createWatchWorker({ redis: workerRedis, queues, settings, logger, runCheck: check });
const events = new QueueEvents(CHECK_QUEUE, { connection: eventsRedis, prefix: settings.prefix });
let sequence = 0;

/** One interactive check, enqueued as a command's and waited for: ms from enqueue to done. */
async function interactive(): Promise<number> {
  const index = sequence++;
  const ip = INTERACTIVE_IPS[index % INTERACTIVE_IPS.length] ?? "203.0.113.10";
  const id = `bench-interactive-${index}`;
  const started = performance.now();
  const job = await queues.check.add(
    "check",
    newCheckJob({ ip, helo: null, origins: [], originsKey: null, reason: "command", chainId: id }),
    { jobId: id },
  );
  await job.waitUntilFinished(events, 60_000);
  const took = performance.now() - started;
  const done = await queues.check.getJob(id);
  if (done?.processedOn !== undefined && done.finishedOn !== undefined) {
    phases.waited.push(done.processedOn - done.timestamp);
    phases.ran.push(done.finishedOn - done.processedOn);
  }
  return took;
}

/** Where an interactive check's time went: waiting to be taken, and running (the current phase's). */
let phases = { waited: [] as number[], ran: [] as number[] };
const phaseLine = () => {
  const waited = summary(phases.waited);
  const ran = summary(phases.ran);
  phases = { waited: [], ran: [] };
  return `queued p50 ${waited.p50} / p99 ${waited.p99} ms, running p50 ${ran.p50} / p99 ${ran.p99} ms`;
};

/**
 * The run's checks are done when its tally has no chunk left (src/store/watch-runs.ts): its
 * run-end job (the summary of a collecting run) waits a while longer on purpose and is not the
 * run's work.
 */
async function watchRunDone(runId: string): Promise<boolean> {
  const pending = await probe.hget(keys.watchRun(runId), "pending");
  return pending !== null && Number(pending) <= 0;
}

try {
  await events.waitUntilReady();
  await checkWorker.waitUntilReady();
  await watchWorker.waitUntilReady();
  for (let i = 0; i < 10; i++) await interactive(); // warm the caches and the JIT
  const loop = monitorEventLoopDelay({ resolution: 10 });
  phases = { waited: [], ran: [] };
  loop.enable();
  const idle: number[] = [];
  for (let i = 0; i < IDLE_CHECKS; i++) {
    idle.push(await interactive());
    await sleep(PACE_MS);
  }
  loop.disable();
  const idleLoop = `event loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms`;
  const idlePhases = phaseLine();
  loop.reset();

  await queues.check.clean(0, 1_000_000, "completed");
  const before = await usedMemory(probe);
  const channel = "console:C-bench16";
  const origin = {
    platform: "console" as const,
    channel: "C-bench16",
    thread: "console:C-bench16:1",
    parent: null,
  };
  const createdAt = new Date().toISOString();
  await addWatch(
    workerRedis,
    keys,
    channel,
    { target: POPULATED_RANGE, origin, user: "U-bench", createdAt, helo: null },
    ADDRESSES,
  );
  const runStarted = performance.now();
  await queueFirstWatchRun(queues.watch, { channel, target: POPULATED_RANGE }, createdAt);
  const loaded: number[] = [];
  loop.enable();
  const slowest: { at: number; ms: number }[] = [];
  const runId = firstWatchRunId(channel, POPULATED_RANGE, createdAt);
  while (!(await watchRunDone(runId))) {
    const at = (performance.now() - runStarted) / 1000;
    const ms = await interactive();
    loaded.push(ms);
    slowest.push({ at, ms });
    await sleep(PACE_MS);
  }
  loop.disable();
  const loadedLoop = `event loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms`;
  const loadedPhases = phaseLine();
  const runSeconds = (performance.now() - runStarted) / 1000;
  // The last chunks finish their jobs, and the server's buffers drain, before memory is read.
  while ((await queues.watch.getActiveCount()) > 0) await sleep(100);
  await sleep(2000);
  await queues.check.clean(0, 1_000_000, "completed");
  const after = await usedMemory(probe);

  const a = summary(idle);
  const b = summary(loaded);
  line(`interactive idle:        ${a.n} checks, p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms`);
  line(
    `interactive during /16:  ${b.n} checks, p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms (run of ${ADDRESSES} addresses: ${runSeconds.toFixed(1)} s, ${(ADDRESSES / runSeconds).toFixed(0)} checks/s)`,
  );
  line(`  idle:   ${idlePhases}; ${idleLoop}`);
  line(`  during: ${loadedPhases}; ${loadedLoop}`);
  line(
    `ratio loaded/idle:       p50 ${(b.p50 / a.p50).toFixed(2)}, p99 ${(b.p99 / a.p99).toFixed(2)} (target p99 <= 2)`,
  );
  line(
    `Redis after the run:     ${((after - before) / 1024 / 1024).toFixed(1)} MiB more used_memory = ${((after - before) / ADDRESSES).toFixed(0)} bytes per watched address (target <= 400)`,
  );
  const worst = slowest.sort((x, y) => y.ms - x.ms).slice(0, 5);
  line(
    `slowest during the run:  ${worst.map((w) => `${w.ms.toFixed(0)} ms at ${w.at.toFixed(1)} s`).join(", ")}`,
  );
  line(`keys by kind:            ${await keyKinds(probe, settings.prefix)}`);
  const stateBytes = Number(await probe.memory("USAGE", keys.watchState(channel), "SAMPLES", 0));
  line(
    `the state hash:          ${(stateBytes / 1024 / 1024).toFixed(1)} MiB = ${(stateBytes / ADDRESSES).toFixed(0)} bytes per address (MEMORY USAGE)`,
  );
  for (const ip of ["2001:db8:1::2", "2001:db8:1::3"])
    line(`a state (${ip}):  ${await probe.hget(keys.watchState(channel), ip)}`);
} finally {
  await Promise.all([checkWorker.close(), watchWorker.close()]);
  await events.close();
  await queues.close();
  client.disconnect();
  workerRedis.disconnect();
  eventsRedis.disconnect();
  probe.disconnect();
  await lab.stop();
  // Last, once every connection has closed, so none of them reports the server going away.
  await sleep(500);
  redisServer.process.kill("SIGTERM");
}

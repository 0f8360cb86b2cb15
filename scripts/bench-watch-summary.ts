// `npm run bench:watch-summary` (issue 28, point 7): what one run of a /21 watch in which 896
// addresses break queues for its thread, against the DNS lab and the Redis at REDIS_URL (unique
// prefixes, removed afterwards). The lab's 203.0.120.0/21 has a PTR only at .1 of each /24; the
// watch's stored state says 896 of the others passed with a PTR name before, so its next run finds
// them broken. The run is taken twice on fresh prefixes, its chunks one after the other in this
// process: as before run summaries (its chunks not collecting: every notice at once) and now.
// Printed: the deliveries queued for the thread by kind, the run's time, the Redis bytes its
// collected changes took before its last chunk (MEMORY USAGE), the summary job's size and its
// CSV's rows.
import { randomBytes } from "node:crypto";
import type { Job } from "bullmq";
import { runCheck } from "../src/check/index.js";
import { addressesOfAll, parseRange } from "../src/check/ranges.js";
import { loadConfig } from "../src/config.js";
import { deploymentPrefix, storeKeys } from "../src/keys.js";
import { createLogger } from "../src/log.js";
import { createRedis } from "../src/queue/connection.js";
import type { WatchJob } from "../src/queue/jobs.js";
import { createQueues } from "../src/queue/queues.js";
import { settingsFromConfig } from "../src/settings.js";
import { compareAndSetWatchStates } from "../src/store/watch-states.js";
import { addWatch } from "../src/store/watches.js";
import { startLab } from "../test/lab/lab.js";
import { processWatchJob } from "../workers/watch.js";

const RANGE = "203.0.120.0/21";
const BROKEN = 896;
const logger = createLogger("silent");

interface Outcome {
  deliveries: Record<string, number>;
  seconds: number;
  collectedBytes: number;
  summaryBytes: number;
  /** The JSON of every queued delivery, bytes. */
  queuedBytes: number;
  csvRows: number;
}

async function oneRun(lab: { resolver: string; authority: string }, collect: boolean): Promise<Outcome> {
  const config = loadConfig(process.env);
  const settings = {
    ...settingsFromConfig(config),
    prefix: deploymentPrefix(`bench-summary-${randomBytes(4).toString("hex")}`),
    check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 2000 },
  };
  const keys = storeKeys(settings.prefix);
  const redis = createRedis(config.redis, "worker");
  const queues = createQueues(redis, settings);
  const channel = "console:C-bench";
  const origin = {
    platform: "console" as const,
    channel: "C-bench",
    thread: "console:C-bench:1",
    parent: null,
  };
  try {
    const ips = [...addressesOfAll([parseRange(RANGE)])];
    const added = await addWatch(
      redis,
      keys,
      channel,
      { target: RANGE, ips, origin, user: "bench", createdAt: "bench" },
      65_536,
    );
    if (!added.ok) throw new Error(`could not store the bench watch: ${added.reason}`);
    // 896 addresses without a PTR in the lab, remembered as passing with one.
    const broken = ips.filter((ip) => !ip.endsWith(".1")).slice(0, BROKEN);
    await compareAndSetWatchStates(
      redis,
      keys,
      broken.map((ip) => ({
        channel,
        ip,
        expected: null,
        state: {
          verdict: "pass",
          names: ["old.example.test"],
          problems: [],
          since: "2026-01-01T00:00:00.000Z",
          checkedAt: "2026-01-01T00:00:00.000Z",
          by: "seed",
          notice: null,
        },
        change: null,
      })),
    );
    const deps = { redis, queues, settings, logger, runCheck };
    const started = performance.now();
    const runId = `bench-run-${collect ? "now" : "before"}`;
    await processWatchJob(
      { id: runId, data: { kind: "run", channel, target: RANGE } } as Job<WatchJob>,
      deps,
    );
    const chunks = ((await queues.watch.getJobs(["waiting", "delayed"])) as Job<WatchJob>[])
      .filter((job) => job.data.kind === "chunk")
      .sort((a, b) => (a.data.kind === "chunk" && b.data.kind === "chunk" ? a.data.index - b.data.index : 0));
    let collectedBytes = 0;
    for (const [index, chunk] of chunks.entries()) {
      const data =
        chunk.data.kind === "chunk" && !collect ? { ...chunk.data, summary: undefined } : chunk.data;
      if (index === chunks.length - 1)
        for (const key of [
          keys.watchRunRows(runId),
          keys.watchRunNotices(runId),
          keys.watchRunNoticed(runId),
        ])
          collectedBytes += Number((await redis.call("MEMORY", "USAGE", key)) ?? 0);
      await processWatchJob({ id: chunk.id, data } as Job<WatchJob>, deps);
    }
    const seconds = (performance.now() - started) / 1000;
    const queued = await queues.delivery("console").getJobs(["waiting", "delayed", "prioritized"]);
    const deliveries: Record<string, number> = {};
    for (const job of queued)
      deliveries[job.data.message.kind] = (deliveries[job.data.message.kind] ?? 0) + 1;
    const summary = queued.find((job) => job.data.message.kind === "watch-summary")?.data;
    const csv = summary?.message.kind === "watch-summary" ? summary.message.attachment.content : "";
    return {
      deliveries,
      seconds,
      collectedBytes,
      summaryBytes: summary === undefined ? 0 : JSON.stringify(summary).length,
      queuedBytes: queued.reduce((sum, job) => sum + JSON.stringify(job.data).length, 0),
      csvRows: csv === "" ? 0 : csv.trim().split("\r\n").length - 1,
    };
  } finally {
    for (const queue of [queues.watch, queues.check, queues.delivery("console")])
      await queue.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${settings.prefix}:*`, "COUNT", 1000);
      if (found.length > 0) await redis.del(...found);
      cursor = next;
    } while (cursor !== "0");
    redis.disconnect();
  }
}

const lab = await startLab();
try {
  for (const collect of [false, true]) {
    const outcome = await oneRun(lab, collect);
    console.log(
      `${collect ? "now   " : "before"}: deliveries ${JSON.stringify(outcome.deliveries)}, run ${outcome.seconds.toFixed(1)} s, queued jobs ${outcome.queuedBytes} bytes` +
        (collect
          ? `, collected changes in Redis before the last chunk ${outcome.collectedBytes} bytes (${Math.round(outcome.collectedBytes / BROKEN)} per change), summary job ${outcome.summaryBytes} bytes, CSV ${outcome.csvRows} rows`
          : ""),
    );
  }
} finally {
  await lab.stop();
}

// Redis commands and bytes of one 256-address watch chunk (issue 20, "Measured"), against a
// Redis of its own (REDIS_URL, default 127.0.0.1:6391) so other clients do not count: a /24
// watched by one channel, the chunk run twice with a fake check (every address failing): the
// first run changes every address (256 notices), the second changes none (the steady case).
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { loadConfig } from "../src/config.js";
import { storeKeys } from "../src/keys.js";
import { createLogger } from "../src/log.js";
import type { WatchJob } from "../src/queue/jobs.js";
import { createQueues } from "../src/queue/queues.js";
import { settingsFromConfig } from "../src/settings.js";
import { addWatch } from "../src/store/watches.js";
import { makeReport } from "../test/fixtures/check-report.js";
import { processWatchJob } from "../workers/watch.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6391";
// MEASURE_WATCH=16: the chunk is the first 256 addresses of a /16 watch instead.
const WIDE = process.env.MEASURE_WATCH === "16";
const TARGET = WIDE ? "203.0.0.0/16" : "203.0.113.0/24";
const ALL = Array.from({ length: WIDE ? 65_536 : 256 }, (_, i) => `203.0.${WIDE ? i >> 8 : 113}.${i & 255}`);
const IPS = ALL.slice(0, 256);

async function stats(
  redis: Redis,
): Promise<{ commands: Map<string, number>; input: number; output: number }> {
  const commands = new Map<string, number>();
  for (const match of (await redis.info("commandstats")).matchAll(/cmdstat_([^:]+):calls=(\d+)/g))
    commands.set(match[1] ?? "", Number(match[2]));
  const info = await redis.info("stats");
  const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
  return { commands, input: field("total_net_input_bytes"), output: field("total_net_output_bytes") };
}

async function main(): Promise<void> {
  const settings = { ...settingsFromConfig(loadConfig({ REDIS_URL })), prefix: `measure-${Date.now()}` };
  const keys = storeKeys(settings.prefix);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const probe = new Redis(REDIS_URL);
  const queues = createQueues(redis, settings);
  const channel = "console:C-measure";
  const origin = { platform: "console" as const, channel, thread: `t:${channel}`, parent: null };
  await addWatch(
    redis,
    keys,
    channel,
    { target: TARGET, ips: ALL, origin, user: "U", createdAt: "" },
    70_000,
  );
  const deps = {
    redis,
    queues,
    settings,
    logger: createLogger("silent"),
    runCheck: async ({ ip }: { ip: string }) => makeReport({ ip, helo: null }),
  };
  for (const [run, label] of ["first (256 new states)", "steady (no change)"].entries()) {
    const data: WatchJob = {
      kind: "chunk",
      channel,
      target: TARGET,
      runId: "measure",
      index: 0,
      attempt: 1,
      ips: IPS,
      helo: null,
      baseline: false,
    };
    const job = {
      id: `chunk-${run}`,
      data,
      attemptsMade: 0,
      opts: { attempts: 1 },
    } as unknown as Job<WatchJob>;
    const before = await stats(probe);
    await processWatchJob(job, deps);
    const after = await stats(probe);
    const deltas = [...after.commands]
      .map(([name, calls]) => [name, calls - (before.commands.get(name) ?? 0)] as const)
      .filter(([name, calls]) => calls > 0 && name !== "info");
    const total = deltas.reduce((sum, [, calls]) => sum + calls, 0);
    console.log(
      `${label}: ${total} commands, ${after.input - before.input} bytes to Redis, ${after.output - before.output} bytes from Redis`,
    );
    console.log(`  ${deltas.map(([name, calls]) => `${name}=${calls}`).join(" ")}`);
  }
  await queues.close();
  redis.disconnect();
  probe.disconnect();
}

await main();

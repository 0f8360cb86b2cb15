// A watch run and a command's check of the same IP finishing together: both saw "pass" before,
// both see "fail" now, and the channel must hear "broke" once, not twice.
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { Origin } from "../../../src/chat/types.js";
import { storeKeys } from "../../../src/keys.js";
import { type CheckJob, newCheckJob, type WatchJob } from "../../../src/queue/jobs.js";
import { createQueues } from "../../../src/queue/queues.js";
import { addWatch } from "../../../src/store/watches.js";
import { processCheckJob } from "../../../workers/check.js";
import { processWatchJob } from "../../../workers/watch.js";
import { makeReport } from "../../fixtures/check-report.js";
import { cleanupPrefix, labSettings, logger, REDIS_URL } from "./support.js";

const IP = "203.0.113.95";

function commandJob(id: string): Job<CheckJob> {
  const data = newCheckJob({
    ip: IP,
    helo: null,
    origins: [],
    originsKey: null,
    reason: "command",
    chainId: id,
  });
  return { id, data, attemptsMade: 0, opts: { attempts: 1 } } as unknown as Job<CheckJob>;
}

/** A chunk of a watch run holding only this IP (workers/watch.ts). */
function watchChunk(id: string, channel: string): Job<WatchJob> {
  const data: WatchJob = {
    kind: "chunk",
    channel,
    target: IP,
    runId: "run-1",
    index: 0,
    attempt: 1,
    ips: [IP],
    helo: null,
    baseline: false,
  };
  return { id, data, attemptsMade: 0, opts: { attempts: 1 } } as unknown as Job<WatchJob>;
}

describe("two checks of a watched IP finishing together", () => {
  const settings = labSettings("watchrace");
  const keys = storeKeys(settings.prefix);
  const redis = new Redis(REDIS_URL);
  const queues = createQueues(redis, settings);

  afterAll(async () => {
    await queues.close();
    await cleanupPrefix(settings.prefix);
    redis.disconnect();
  });

  it("announce the change once", async () => {
    const origin: Origin = { platform: "console", channel: "C-w", thread: "test:C-w:1", parent: null };
    const channel = "console:C-w";
    await addWatch(redis, keys, channel, { target: IP, ips: [IP], origin, user: "U", createdAt: "" }, 10);
    await redis.hset(
      keys.watchState(channel),
      IP,
      JSON.stringify({ verdict: "pass", names: ["a.example.test"] }),
    );

    // Both checks get their (failing) answer at the same moment.
    let arrived = 0;
    let release: () => void = () => undefined;
    const together = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runCheck = async () => {
      if (++arrived === 2) release();
      await together;
      return makeReport({ ip: IP, checkedAt: new Date().toISOString() });
    };
    const deps = { redis, queues, settings, logger, runCheck };
    await Promise.all([
      processWatchJob(watchChunk("watch-run", channel), {
        ...deps,
        settings: { ...settings, checkAttempts: 1 },
      }),
      processCheckJob(commandJob("command-run"), deps),
    ]);

    const queued = await queues.delivery("console").getJobs(["waiting", "delayed", "prioritized"]);
    const notices = queued.filter((job) => job.data.message.kind === "watch-change");
    expect(notices).toHaveLength(1);
    expect(notices[0]?.data.message).toMatchObject({ kind: "watch-change", change: "broke" });
    const stored = JSON.parse((await redis.hget(keys.watchState(channel), IP)) ?? "{}");
    expect(stored).toMatchObject({ verdict: "fail" });
  });
});

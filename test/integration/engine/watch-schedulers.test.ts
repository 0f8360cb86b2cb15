// Watch schedulers end when nobody watches their IP, and only then: an orphaned scheduler stops
// itself on its next run, and removing one never takes away the scheduler of a watch that
// another channel has just added.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropWatchSchedulerIfUnwatched } from "../../../src/app/watch-schedulers.js";
import { storeKeys } from "../../../src/keys.js";
import { watchSchedulerId } from "../../../src/queue/ids.js";
import { createQueues } from "../../../src/queue/queues.js";
import { upsertWatchScheduler } from "../../../src/queue/watch-schedulers.js";
import type { Runtime } from "../../../src/runtime.js";
import { addWatch } from "../../../src/store/watches.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

describe("watch schedulers", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watchsched", { watchIntervalMs: 300 });
  const keys = storeKeys(settings.prefix);
  let checks = 0;
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform], {
      runCheck: async () => {
        checks++;
        throw new Error("a watch run with no watchers must not ask DNS");
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  const schedulerIds = async () => (await runtime.queues.check.getJobSchedulers()).map((s) => s.key);

  it("stops a scheduler whose IP nobody watches, on its next run", async () => {
    await upsertWatchScheduler(runtime.queues.check, "203.0.113.90", settings.watchIntervalMs);
    expect(await schedulerIds()).toContain(watchSchedulerId("203.0.113.90"));
    const deadline = Date.now() + 10_000;
    while ((await schedulerIds()).includes(watchSchedulerId("203.0.113.90"))) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await schedulerIds()).not.toContain(watchSchedulerId("203.0.113.90"));
    expect(checks).toBe(0);
  });

  it("keeps the scheduler when another channel watches the IP by the time it is removed", async () => {
    const ip = "203.0.113.91";
    // Workers stay out of it: the scheduler's first run would otherwise race this test's removal.
    await runtime.queues.check.pause();
    const queues = createQueues(runtime.redis, settings);
    const queue = queues.check;
    await upsertWatchScheduler(queue, ip, 60_000);
    // Another channel's watch lands while the removal is under way (after the first look).
    const removeJobScheduler = queue.removeJobScheduler.bind(queue);
    queue.removeJobScheduler = async (id: string) => {
      const origin = { platform: "console" as const, channel: "C-b", thread: "t", parent: null };
      await addWatch(
        runtime.redis,
        keys,
        "console:C-b",
        { target: ip, ips: [ip], origin, user: "U2", createdAt: new Date().toISOString() },
        100,
      );
      return removeJobScheduler(id);
    };
    try {
      expect(
        await dropWatchSchedulerIfUnwatched(
          { redis: runtime.redis, keys, queues: { check: queue }, settings: { watchIntervalMs: 60_000 } },
          ip,
        ),
      ).toBe(false);
    } finally {
      queue.removeJobScheduler = removeJobScheduler;
    }
    expect(await schedulerIds()).toContain(watchSchedulerId(ip));
    await queues.close();
    await runtime.queues.check.resume();
  });
});

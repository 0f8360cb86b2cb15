// Watch schedulers (one per watch) end when their watch is gone, and only then: an orphaned
// scheduler stops itself on its next run, and removing one never takes away the scheduler of the
// same watch made again at that moment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropWatchSchedulerIfUnwatched } from "../../../src/app/watch-schedulers.js";
import { storeKeys } from "../../../src/keys.js";
import { watchRunSchedulerId } from "../../../src/queue/ids.js";
import { createQueues } from "../../../src/queue/queues.js";
import { upsertWatchRunScheduler } from "../../../src/queue/watch-schedulers.js";
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
        throw new Error("a watch run with no watch must not ask DNS");
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  const schedulerIds = async () => (await runtime.queues.watch.getJobSchedulers()).map((s) => s.key);

  it("stops a scheduler whose watch is gone, on its next run", async () => {
    const orphan = { channel: "console:C-gone", target: "203.0.113.90" };
    const id = watchRunSchedulerId(orphan.channel, orphan.target);
    await upsertWatchRunScheduler(runtime.queues.watch, orphan, settings.watchIntervalMs);
    expect(await schedulerIds()).toContain(id);
    const deadline = Date.now() + 10_000;
    while ((await schedulerIds()).includes(id)) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await schedulerIds()).not.toContain(id);
    expect(checks).toBe(0);
  });

  it("keeps the scheduler when the watch is made again by the time it is removed", async () => {
    const ip = "203.0.113.91";
    const watch = { channel: "console:C-b", target: ip };
    // Workers stay out of it: the scheduler's run would otherwise race this test's removal.
    await runtime.queues.watch.pause();
    const queues = createQueues(runtime.redis, settings);
    const queue = queues.watch;
    await upsertWatchRunScheduler(queue, watch, 60_000);
    // The watch is made again while the removal is under way (after the first look).
    const removeJobScheduler = queue.removeJobScheduler.bind(queue);
    queue.removeJobScheduler = async (id: string) => {
      const origin = { platform: "console" as const, channel: "C-b", thread: "t", parent: null };
      await addWatch(
        runtime.redis,
        keys,
        watch.channel,
        { target: ip, ips: [ip], origin, user: "U2", createdAt: new Date().toISOString() },
        100,
      );
      return removeJobScheduler(id);
    };
    try {
      expect(
        await dropWatchSchedulerIfUnwatched(
          { redis: runtime.redis, keys, queues: { watch: queue }, settings: { watchIntervalMs: 60_000 } },
          watch,
        ),
      ).toBe(false);
    } finally {
      queue.removeJobScheduler = removeJobScheduler;
    }
    expect(await schedulerIds()).toContain(watchRunSchedulerId(watch.channel, watch.target));
    await queues.close();
    await runtime.queues.watch.resume();
  });
});

// `/rdns watch` stores the watch and its scheduler before it says "Watching…", and a watch left
// without its scheduler (an upsert that failed) is repaired by the next `watch` or
// `watches` command instead of being stuck as "already watched" with nothing running.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutboundMessage, ReplyAddress } from "../../../src/chat/types.js";
import { storeKeys } from "../../../src/keys.js";
import { watchRunSchedulerId } from "../../../src/queue/ids.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, REDIS_URL, RecordingPlatform, startLabRuntime } from "./support.js";

/** Notes, at the moment "Watching…" is posted, whether the watch and its schedulers exist. */
class AnnounceWatcher extends RecordingPlatform {
  seenAtAnnounce: { stored: boolean; schedulers: number }[] = [];
  check: (() => Promise<{ stored: boolean; schedulers: number }>) | null = null;

  override async post(channel: string, message: OutboundMessage): Promise<ReplyAddress> {
    if (message.kind === "notice" && message.text.startsWith("Watching") && this.check !== null) {
      this.seenAtAnnounce.push(await this.check());
    }
    return super.post(channel, message);
  }
}

describe("watch: store first, announce after, repair what is missing", () => {
  const platform = new AnnounceWatcher("console");
  const settings = labSettings("watchrepair", { watchIntervalMs: 3_600_000 });
  const keys = storeKeys(settings.prefix);
  const redis = new Redis(REDIS_URL);
  let runtime: Runtime;

  // No check workers: the schedulers' jobs wait in the queue, nothing asks DNS.
  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform], { worker: false });
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
    redis.disconnect();
  });

  /** How many of these watches (channel key, target) have their scheduler. */
  const schedulersOf = async (watches: [string, string][]) => {
    const found = await Promise.all(
      watches.map(([channel, target]) =>
        runtime.queues.watch.getJobScheduler(watchRunSchedulerId(channel, target)),
      ),
    );
    return found.filter((scheduler) => scheduler !== undefined).length;
  };
  const watchingNotices = () =>
    platform.posted.filter(
      (item) => item.message.kind === "notice" && item.message.text.startsWith("Watching"),
    );

  it("says Watching… only once the watch and its scheduler are stored", async () => {
    platform.check = async () => ({
      stored: (await redis.hexists(keys.watches("console:C-a"), "203.0.113.80")) === 1,
      schedulers: await schedulersOf([["console:C-a", "203.0.113.80"]]),
    });
    await platform.command(["watch", "203.0.113.80"], "C-a");
    expect(platform.seenAtAnnounce).toEqual([{ stored: true, schedulers: 1 }]);
    // The thread the announcement opened is where changes go.
    const record = JSON.parse((await redis.hget(keys.watches("console:C-a"), "203.0.113.80")) ?? "{}");
    expect(record.origin?.thread).toBe(watchingNotices()[0]?.address);
  });

  it("repairs a half-made watch on the next /rdns watch, and announces it then", async () => {
    const watches: [string, string][] = [["console:C-b", "203.0.113.82/31"]];
    const queue = runtime.queues.watch;
    const upsert = queue.upsertJobScheduler.bind(queue);
    let calls = 0;
    // The range's scheduler fails once, as a Redis blip would.
    queue.upsertJobScheduler = (async (...args: Parameters<typeof upsert>) => {
      if (++calls === 1) throw new Error("Connection is closed.");
      return upsert(...args);
    }) as typeof upsert;
    try {
      platform.check = null;
      const before = watchingNotices().length;
      await platform.command(["watch", "203.0.113.82/31"], "C-b");
      expect(await schedulersOf(watches)).toBe(0);
      expect(watchingNotices().length).toBe(before); // nothing announced for a watch not made

      await platform.command(["watch", "203.0.113.82/31"], "C-b");
      expect(await schedulersOf(watches)).toBe(1);
      expect(watchingNotices().length).toBe(before + 1);
      const record = JSON.parse((await redis.hget(keys.watches("console:C-b"), "203.0.113.82/31")) ?? "{}");
      expect(record.origin?.thread).toBe(watchingNotices().at(-1)?.address);

      // Asked once more, it is simply watched already.
      await platform.command(["watch", "203.0.113.82/31"], "C-b");
      expect(watchingNotices().length).toBe(before + 1);
      expect(platform.posted.at(-1)?.message).toMatchObject({
        kind: "notice",
        text: "This channel already watches 203.0.113.82/31.",
      });
    } finally {
      queue.upsertJobScheduler = upsert;
    }
  });

  it("repairs a missing scheduler when the channel lists its watches", async () => {
    await platform.command(["watch", "203.0.113.84"], "C-c");
    const watch: [string, string] = ["console:C-c", "203.0.113.84"];
    await runtime.queues.watch.removeJobScheduler(watchRunSchedulerId(...watch));
    expect(await schedulersOf([watch])).toBe(0);
    await platform.command(["watches"], "C-c");
    expect(platform.posted.at(-1)?.message).toMatchObject({ kind: "watches", targets: ["203.0.113.84"] });
    expect(await schedulersOf([watch])).toBe(1);
  });
});

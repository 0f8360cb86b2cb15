// When the window's first job cannot be queued (here: a queue whose connection is closed), the window must not stay
// open with no job behind it: the next asker starts a new check instead of joining a dead one.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../../src/app/context.js";
import { requestCheck } from "../../../src/app/request-check.js";
import type { Origin } from "../../../src/chat/types.js";
import { storeKeys } from "../../../src/keys.js";
import { createQueues } from "../../../src/queue/queues.js";
import { cleanupPrefix, labSettings, logger, REDIS_URL } from "./support.js";

const origin = (thread: string): Origin => ({ platform: "console", channel: "C", thread, parent: null });

describe("a check that cannot be queued", () => {
  const settings = labSettings("addfail", { dedupWindowMs: 30_000 });
  const redis = new Redis(REDIS_URL);
  const context = (queues: AppContext["queues"]): AppContext => ({
    redis,
    queues,
    settings,
    keys: storeKeys(settings.prefix),
    logger,
    readBounce: () => ({ findings: [], truncated: false, bytesRead: 0 }),
  });

  afterAll(async () => {
    await cleanupPrefix(settings.prefix);
    redis.disconnect();
  });

  it("closes its window, so the next asker gets a check of its own", async () => {
    // A queue whose connection is gone: add() fails as it would in a Redis blip.
    const lost = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const broken = createQueues(lost, settings);
    await broken.check.waitUntilReady();
    await lost.quit();
    const request = { ip: "203.0.113.10", helo: null, reason: "command" as const };
    await expect(requestCheck(context(broken), { ...request, origin: origin("t1") })).rejects.toThrow();
    expect(await redis.exists(storeKeys(settings.prefix).dedup("203.0.113.10", null))).toBe(0);

    const queues = createQueues(redis, settings);
    try {
      expect(await requestCheck(context(queues), { ...request, origin: origin("t2") })).toBe("new");
      expect(await queues.check.getWaitingCount()).toBe(1);
    } finally {
      await queues.close();
    }
  });
});

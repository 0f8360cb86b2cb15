// When the window's first job cannot be queued (here: a queue whose connection is closed), the window must not stay
// open with no job behind it: the next asker starts a new check instead of joining a dead one,
// and whoever had asked is told the truth: nothing was checked (not "could not tell", not a DNS
// failure "after 0 attempts").
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../../src/app/context.js";
import { CheckNotQueuedError, requestCheck } from "../../../src/app/request-check.js";
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

  it("tells every asker of the window, the first one included, that nothing was checked", async () => {
    const queues = createQueues(redis, settings);
    const request = { ip: "203.0.113.11", helo: null, reason: "command" as const };
    let second: Promise<string> | null = null;
    // Another asker joins the window while the first asker's job is being added, then the add fails.
    queues.check.add = (async () => {
      second = requestCheck(context(queues), { ...request, origin: origin("t4") });
      expect(await second).toBe("joined");
      throw new Error("Connection is closed.");
    }) as typeof queues.check.add;
    try {
      const failure = await requestCheck(context(queues), { ...request, origin: origin("t3") }).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(CheckNotQueuedError);
      expect(failure).toMatchObject({ ip: "203.0.113.11", told: true });
      const queued = await queues.delivery("console").getJobs(["waiting", "delayed", "prioritized"]);
      const told = queued.map((job) => [job.data.target, job.data.message]);
      expect(told).toHaveLength(2);
      expect(told).toEqual(
        expect.arrayContaining([
          [
            { op: "reply", thread: "t3" },
            { kind: "not-queued", ip: "203.0.113.11" },
          ],
          [
            { op: "reply", thread: "t4" },
            { kind: "not-queued", ip: "203.0.113.11" },
          ],
        ]),
      );
    } finally {
      await queues.close();
    }
  });
});

// What a watch keeps in Redis (issue 28 point 6), against real Redis and the lab's DNS: a run
// keeps one state entry per address (its row facts inside, its owner once per block), a full
// report and a history only where something changed; every key the watch made has an expiry or
// is deleted by unwatch; and the deployment-wide cap (WATCH_CAP_TOTAL) refuses atomically.
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { buildServerRows } from "../../../src/app/server-rows.js";
import type { Origin } from "../../../src/chat/types.js";
import { runCheck } from "../../../src/check/index.js";
import { storeKeys } from "../../../src/keys.js";
import { firstWatchRunId } from "../../../src/queue/ids.js";
import type { WatchJob } from "../../../src/queue/jobs.js";
import { createQueues } from "../../../src/queue/queues.js";
import { readHistory } from "../../../src/store/history.js";
import { readWatchStates } from "../../../src/store/watch-states.js";
import { addWatch, listWatches, removeWatch } from "../../../src/store/watches.js";
import { processWatchJob } from "../../../workers/watch.js";
import { cleanupPrefix, labSettings, logger, REDIS_URL } from "./support.js";

const TARGET = "203.0.113.8/29";
const RECOVERED = "203.0.113.10";
const OLD = "2026-12-01T00:00:00.000Z";

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, names] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    found.push(...names);
    cursor = next;
  } while (cursor !== "0");
  return found.sort();
}

describe("what a watch keeps", () => {
  const settings = labSettings("watchstore", { checkAttempts: 1 });
  const keys = storeKeys(settings.prefix);
  const redis = new Redis(REDIS_URL);
  const queues = createQueues(redis, settings);
  const deps = {
    redis,
    queues,
    settings,
    logger,
    runCheck: (options: Parameters<typeof runCheck>[0]) => runCheck(options),
  };
  const channel = "console:C-store";
  const origin: Origin = { platform: "console", channel: "C-store", thread: "test:C-store:1", parent: null };

  afterAll(async () => {
    await queues.close();
    redis.disconnect();
    await cleanupPrefix(settings.prefix);
  });

  /** Runs the watch's first run and every chunk it queues, as the watch worker would. */
  async function runWatch(createdAt: string): Promise<void> {
    const runId = firstWatchRunId(channel, TARGET, createdAt);
    const run = { id: runId, data: { kind: "run", channel, target: TARGET } } as unknown as Job<WatchJob>;
    await processWatchJob(run, deps);
    for (const job of await queues.watch.getJobs(["waiting", "prioritized"])) {
      if (job.data.kind === "chunk") await processWatchJob(job, deps);
    }
  }

  it("keeps a state per address, a report and a history only for the change, and nothing unwatch leaves without an expiry", async () => {
    const createdAt = new Date().toISOString();
    expect(
      await addWatch(redis, keys, channel, { target: TARGET, origin, user: "U", createdAt }, 64),
    ).toEqual({
      ok: true,
    });
    // Last seen failing: it passes now, so this run tells "recovered" for it alone.
    await redis.hset(
      keys.watchState(channel),
      RECOVERED,
      JSON.stringify({ verdict: "fail", names: [], problems: ["NO_PTR"], since: OLD, checkedAt: OLD }),
    );
    await runWatch(createdAt);

    const states = await readWatchStates(redis, keys, channel);
    expect(states.size).toBe(8);
    // The row facts ride in the state, the owner filled in from its block's entry.
    const recovered = states.get(RECOVERED);
    expect(recovered?.facts?.fcrdns).toBe("pass");
    expect(recovered?.facts?.owner?.zone).toBe("113.0.203.in-addr.arpa");
    const stored = JSON.parse((await redis.hget(keys.watchState(channel), "203.0.113.9")) ?? "{}");
    expect(stored.facts.owner).toBeUndefined();
    expect(stored.by).toBeUndefined();
    const [watch] = await listWatches(redis, keys, channel);
    const rows = buildServerRows({
      channels: [{ channel, watches: watch === undefined ? [] : [watch], states }],
      reports: new Map(),
    });
    expect(rows.find((row) => row.ip === RECOVERED)).toMatchObject({
      verdict: "pass",
      fcrdns: "pass",
      ptr: ["mail.example.test"],
      owner: { zone: "113.0.203.in-addr.arpa" },
    });

    // A full report and a history for the address that changed; none for the seven that did not.
    expect(await scanKeys(redis, `${settings.prefix}:s:report:*`)).toEqual([keys.lastReport(RECOVERED)]);
    expect(await scanKeys(redis, `${settings.prefix}:s:reportrow:*`)).toEqual([]);
    expect(await scanKeys(redis, `${settings.prefix}:s:history:*`)).toEqual([
      keys.watchHistory(channel, RECOVERED),
    ]);
    expect(await readHistory(redis, keys, channel, RECOVERED)).toHaveLength(1);

    // Every key the watch made: an expiry, or one unwatch deletes.
    const made = await scanKeys(redis, `${settings.prefix}:s:*`);
    const withoutExpiry: string[] = [];
    for (const key of made) if ((await redis.ttl(key)) < 0) withoutExpiry.push(key);
    expect(withoutExpiry.length).toBeGreaterThan(0);
    expect(await removeWatch(redis, keys, channel, TARGET)).toMatchObject({ removed: { target: TARGET } });
    const left: string[] = [];
    for (const key of withoutExpiry) if ((await redis.exists(key)) === 1) left.push(key);
    // The one deployment-wide index of channels that ever watched (a few bytes a channel) stays.
    expect(left).toEqual([keys.watchChannels()]);
    for (const key of await scanKeys(redis, `${settings.prefix}:s:*`))
      if (key !== keys.watchChannels()) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it("refuses a watch past WATCH_CAP_TOTAL, counting every channel's addresses, in one script", async () => {
    const record = (target: string) => ({ target, origin, user: "U", createdAt: new Date().toISOString() });
    expect(await addWatch(redis, keys, "console:C-cap-a", record("192.0.2.0/24"), 1000, 300)).toEqual({
      ok: true,
    });
    // 256 in the other channel + 64 here = 320 > 300.
    expect(await addWatch(redis, keys, "console:C-cap-b", record("198.51.100.0/26"), 1000, 300)).toEqual({
      ok: false,
      reason: "total-cap",
      watched: 256,
    });
    // The channel's own cap is told first, and an address another channel watches counts again.
    expect(await addWatch(redis, keys, "console:C-cap-b", record("198.51.100.0/26"), 10, 300)).toMatchObject({
      reason: "cap",
    });
    expect(await addWatch(redis, keys, "console:C-cap-b", record("198.51.100.0/27"), 1000, 300)).toEqual({
      ok: true,
    });
    // Eight at once, each 8 addresses, room for two: exactly two are stored.
    const racing = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        addWatch(redis, keys, `console:C-cap-${i}`, record(`203.0.113.${i * 8}/29`), 1000, 304),
      ),
    );
    expect(racing.filter((result) => result.ok)).toHaveLength(2);
  });
});

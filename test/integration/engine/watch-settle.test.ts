// A watch chunk settles its addresses in batches (workers/settle.ts: one pipeline of saves,
// one of state reads, one of compare-and-sets), against real Redis. What must hold is what held
// address by address: a chunk re-run after dying part-way posts each notice once and appends each
// change to the history once; a compare-and-set that loses inside the batch is decided again
// against what the winner wrote; the batched store calls keep the newest report and refuse a
// stale state.
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Origin } from "../../../src/chat/types.js";
import type { CheckReport } from "../../../src/check/types.js";
import { storeKeys } from "../../../src/keys.js";
import type { DeliveryJob, WatchJob } from "../../../src/queue/jobs.js";
import { createQueues, type Queues } from "../../../src/queue/queues.js";
import { readHistory } from "../../../src/store/history.js";
import { getLastReport, saveLastReports } from "../../../src/store/reports.js";
import {
  compareAndSetWatchStates,
  readWatchState,
  readWatchStatesOf,
} from "../../../src/store/watch-states.js";
import { addWatch } from "../../../src/store/watches.js";
import { chunkAddressJobId, settleChunkReports } from "../../../workers/settle.js";
import { processWatchJob } from "../../../workers/watch.js";
import { makeReport } from "../../fixtures/check-report.js";
import { cleanupPrefix, labSettings, logger, REDIS_URL } from "./support.js";

const TARGET = "203.0.113.240/29";
const IPS = Array.from({ length: 8 }, (_, i) => `203.0.113.${240 + i}`);
const OLD = "2026-12-01T00:00:00.000Z";

/** A failing report of `ip` (NO_PTR), checked at `checkedAt`. */
function failing(ip: string, checkedAt = new Date().toISOString()): CheckReport {
  return makeReport({ ip, checkedAt, helo: null });
}

function chunkJob(id: string, channel: string): Job<WatchJob> {
  const data: WatchJob = {
    kind: "chunk",
    channel,
    target: TARGET,
    runId: "run-settle",
    index: 0,
    attempt: 1,
    ips: IPS,
    helo: null,
    baseline: false,
  };
  return { id, data, attemptsMade: 0, opts: { attempts: 1 } } as unknown as Job<WatchJob>;
}

describe("a watch chunk settled in batches", () => {
  const settings = labSettings("watchsettle", { checkAttempts: 1 });
  const keys = storeKeys(settings.prefix);
  const redis = new Redis(REDIS_URL);
  const queues = createQueues(redis, settings);
  const deps = { redis, queues, settings, logger, runCheck: async ({ ip }: { ip: string }) => failing(ip) };
  let channel = "";
  let test = 0;

  /** Watch notices waiting in the console delivery queue for this test's channel. */
  const queuedNotices = async () =>
    (await queues.delivery("console").getJobs(["waiting", "delayed", "prioritized"])).filter(
      (job) => job.data.message.kind === "watch-change" && job.data.watchChannel === channel,
    );

  beforeEach(async () => {
    // Every address passed when last seen, so every one of them "broke" now.
    channel = `console:C-settle-${++test}`;
    const origin: Origin = { platform: "console", channel, thread: `test:${channel}:1`, parent: null };
    await addWatch(redis, keys, channel, { target: TARGET, ips: IPS, origin, user: "U", createdAt: "" }, 64);
    const passed = JSON.stringify({
      verdict: "pass",
      names: ["mail.example.test"],
      problems: [],
      checkedAt: OLD,
    });
    await redis.hset(keys.watchState(channel), Object.fromEntries(IPS.map((ip) => [ip, passed])));
  });

  afterAll(async () => {
    await queues.close();
    await cleanupPrefix(settings.prefix);
    redis.disconnect();
  });

  it("re-run after dying between its writes and its enqueue: each notice once, each change in the history once", async () => {
    const dying: Queues = {
      ...queues,
      delivery: () => ({ add: async () => Promise.reject(new Error("killed before the enqueue")) }) as never,
    };
    await expect(processWatchJob(chunkJob("chunk-a", channel), { ...deps, queues: dying })).rejects.toThrow(
      "killed before the enqueue",
    );
    // Its writes won (by the address's own job id) though nothing was enqueued.
    for (const ip of IPS) {
      const { state } = await readWatchState(redis, keys, channel, ip);
      expect(state).toMatchObject({ verdict: "fail", by: chunkAddressJobId("chunk-a", ip) });
    }
    expect(await queuedNotices()).toHaveLength(0);

    // Run again (later reports: a re-run asks DNS again), and once more as a stalled job would.
    for (let run = 0; run < 2; run++) {
      const outcome = await processWatchJob(chunkJob("chunk-a", channel), deps);
      expect(outcome).toMatchObject({ kind: "chunk", checked: 8, deliveries: 8 });
    }
    const notices = await queuedNotices();
    expect(
      notices.map((job) => job.data.message.kind === "watch-change" && job.data.message.report.ip).sort(),
    ).toEqual([...IPS].sort());
    expect(
      notices.every((job) => job.data.message.kind === "watch-change" && job.data.message.change === "broke"),
    ).toBe(true);
    for (const ip of IPS) expect(await readHistory(redis, keys, channel, ip)).toHaveLength(1);
  });

  it("re-run after dying with only part of its batch written: the written repeat, the rest write, none doubles", async () => {
    // The first attempt settled half the addresses (as if it died inside the batch) and enqueued nothing.
    const firstHalf = IPS.slice(0, 4).map((ip) => failing(ip));
    const lost = await settleChunkReports(redis, keys, "chunk-b", firstHalf, 3600);
    expect(lost).toHaveLength(4);

    const outcome = await processWatchJob(chunkJob("chunk-b", channel), deps);
    expect(outcome).toMatchObject({ deliveries: 8 });
    const notices = await queuedNotices();
    expect(notices).toHaveLength(8);
    // The first half's notices are the ones the first attempt decided (same delivery ids).
    const ids = new Set(notices.map((job) => job.id));
    for (const notice of lost) expect(ids.has(notice.deliveryId)).toBe(true);
    for (const ip of IPS) expect(await readHistory(redis, keys, channel, ip)).toHaveLength(1);
  });

  it("a compare-and-set lost inside the batch is decided again against what the winner wrote", async () => {
    const [older, newer] = [IPS[0] ?? "", IPS[1] ?? ""];
    const reports = IPS.map((ip) => failing(ip, "2026-12-02T12:00:00.000Z"));
    // Between the batch's read and its writes, two other checks write: for `older` a check that
    // started earlier (still "pass"), for `newer` one that started later and already said "broke".
    const interleaved = new Proxy(redis, {
      get(target, property) {
        if (property === "hmget")
          return async (...args: [string, ...string[]]) => {
            const found = await target.hmget(...args);
            await target.hset(
              keys.watchState(channel),
              older,
              JSON.stringify({
                verdict: "pass",
                names: ["x.example.test"],
                problems: [],
                checkedAt: "2026-12-02T11:00:00.000Z",
              }),
              newer,
              JSON.stringify({
                verdict: "fail",
                names: [],
                problems: ["NO_PTR"],
                checkedAt: "2026-12-02T13:00:00.000Z",
                by: "other",
                notice: { change: "broke", previousNames: [] },
              }),
            );
            return found;
          };
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const notices: DeliveryJob[] = await settleChunkReports(interleaved, keys, "chunk-c", reports, 3600);

    const noticed = notices.map((job) => job.message.kind === "watch-change" && job.message.report.ip);
    // `older`: lost, read again, still a change against the older check's state: written and told.
    expect(noticed).toContain(older);
    expect((await readWatchState(redis, keys, channel, older)).state).toMatchObject({
      verdict: "fail",
      by: chunkAddressJobId("chunk-c", older),
    });
    // `newer`: lost to a newer check that already told the channel: nothing written, nothing said.
    expect(noticed).not.toContain(newer);
    expect((await readWatchState(redis, keys, channel, newer)).state).toMatchObject({ by: "other" });
    // The others were not disturbed.
    expect(noticed.filter((ip) => ip !== older).sort()).toEqual(IPS.slice(2).sort());
  });
});

describe("the batched store calls", () => {
  const settings = labSettings("watchsettle-store");
  const keys = storeKeys(settings.prefix);
  const redis = new Redis(REDIS_URL);

  afterAll(async () => {
    await cleanupPrefix(settings.prefix);
    redis.disconnect();
  });

  it("saveLastReports keeps a newer stored report and saves the rest, in order", async () => {
    const [a, b] = ["203.0.113.250", "203.0.113.251"];
    await saveLastReports(redis, keys, [failing(a, "2026-12-02T12:00:05.000Z")], 3600);
    const written = await saveLastReports(
      redis,
      keys,
      [failing(a, "2026-12-02T12:00:00.000Z"), failing(b, "2026-12-02T12:00:00.000Z")],
      3600,
    );
    expect(written).toEqual([false, true]);
    expect((await getLastReport(redis, keys, a))?.checkedAt).toBe("2026-12-02T12:00:05.000Z");
    expect((await getLastReport(redis, keys, b))?.checkedAt).toBe("2026-12-02T12:00:00.000Z");
  });

  it("compareAndSetWatchStates writes each address on its own: a stale one loses, its history untouched", async () => {
    const channel = "console:C-cas";
    const [a, b, c] = ["203.0.113.252", "203.0.113.253", "203.0.113.254"];
    await redis.hset(keys.watchState(channel), b, "written by someone else");
    const [before] = await readWatchStatesOf(redis, keys, [{ channel, ip: a }]);
    expect(before).toEqual({ text: null, state: null });
    const state = { verdict: "fail" as const, names: [], problems: ["NO_PTR"], checkedAt: OLD };
    const change = { at: OLD, verdict: "fail" as const, names: [], problems: ["NO_PTR"] };
    const won = await compareAndSetWatchStates(redis, keys, [
      { channel, ip: a, expected: null, state, change },
      { channel, ip: b, expected: null, state, change },
      { channel, ip: c, expected: null, state, change },
    ]);
    expect(won).toEqual([true, false, true]);
    const read = await readWatchStatesOf(redis, keys, [
      { channel, ip: c },
      { channel: "console:C-none", ip: a },
      { channel, ip: a },
    ]);
    expect(read.map((entry) => entry.state?.verdict ?? null)).toEqual(["fail", null, "fail"]);
    expect(await redis.hget(keys.watchState(channel), b)).toBe("written by someone else");
    expect(await readHistory(redis, keys, channel, a)).toHaveLength(1);
    expect(await readHistory(redis, keys, channel, b)).toHaveLength(0);
  });
});

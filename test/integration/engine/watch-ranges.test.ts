// Watching ranges through the queue, against real Redis (and the DNS lab where DNS is asked):
// concurrent watches in one channel respect the cap and are announced once each; a /16 is
// answered within 3 s and runs as 256 chunk jobs from one scheduler; a range's first run posts
// one baseline, and each address settles as `rdns check` reports it.
import type { Job } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { storeKeys } from "../../../src/keys.js";
import { watchRunSchedulerId } from "../../../src/queue/ids.js";
import type { WatchJob } from "../../../src/queue/jobs.js";
import type { Runtime } from "../../../src/runtime.js";
import { readWatchStates } from "../../../src/store/watch-states.js";
import { countWatchedAddresses, listWatches } from "../../../src/store/watches.js";
import { processWatchJob } from "../../../workers/watch.js";
import { cleanupPrefix, labSettings, logger, RecordingPlatform, startLabRuntime } from "./support.js";

const watchingNotices = (platform: RecordingPlatform) =>
  platform.posted.filter(
    (item) => item.message.kind === "notice" && item.message.text.startsWith("Watching"),
  );

describe("concurrent watches in one channel", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watchcap", { watchCap: 1024 });
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;

  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("20 watches of /24 ranges at once: never past the cap, each stored watch announced once", async () => {
    // No workers: nothing here asks DNS; the commands share the bot's one Redis connection.
    runtime = await startLabRuntime(settings, [platform], { worker: false });
    // 10 distinct /24s, each asked twice, all at once: 4 fit under a cap of 1,024.
    const targets = Array.from({ length: 10 }, (_, i) => `198.51.${10 + i}.0/24`);
    await Promise.all([...targets, ...targets].map((target) => platform.command(["watch", target], "C-cap")));

    const stored = await listWatches(runtime.redis, keys, "console:C-cap");
    const addresses = new Set(stored.flatMap((watch) => watch.ips));
    expect(stored).toHaveLength(4);
    expect(addresses.size).toBe(1024);
    expect(await countWatchedAddresses(runtime.redis, keys, "console:C-cap")).toBe(1024);
    const announced = watchingNotices(platform).map(
      (item) => item.message.kind === "notice" && item.message.text,
    );
    expect(announced).toHaveLength(4);
    for (const watch of stored) {
      expect(announced.filter((text) => String(text).includes(watch.target))).toHaveLength(1);
      expect(watch.origin).not.toBeNull();
    }
    // Every other command was told why privately: over the cap, or already watched.
    const refusals = platform.posted.filter((item) => item.op === "private");
    expect(refusals).toHaveLength(16);
    // One scheduler per stored watch, none for the refused ones.
    const schedulers = (await runtime.queues.watch.getJobSchedulers()).map((s) => s.key).sort();
    expect(schedulers).toEqual(
      stored.map((watch) => watchRunSchedulerId("console:C-cap", watch.target)).sort(),
    );
  });

  it("20 identical watches at once: one watch, one thread", async () => {
    const before = watchingNotices(platform).length;
    await Promise.all(
      Array.from({ length: 20 }, () => platform.command(["watch", "203.0.113.200"], "C-same")),
    );
    expect(watchingNotices(platform).length - before).toBe(1);
    const stored = await listWatches(runtime.redis, keys, "console:C-same");
    expect(stored.map((watch) => watch.target)).toEqual(["203.0.113.200"]);
    expect(stored[0]?.origin?.thread).toBe(watchingNotices(platform).at(-1)?.address);
    // Unwatching gives the addresses back to the cap's count.
    await platform.command(["unwatch", "198.51.10.0/24"], "C-cap");
    const left = await listWatches(runtime.redis, keys, "console:C-cap");
    expect(await countWatchedAddresses(runtime.redis, keys, "console:C-cap")).toBe(
      new Set(left.flatMap((watch) => watch.ips)).size,
    );
  });
});

describe("a /16 watch", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watch16");
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;

  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("is answered within 3 s and runs as 256 chunk jobs from one scheduler", async () => {
    // No workers: the first run is taken by hand below, so no DNS is asked for 65,536 addresses.
    runtime = await startLabRuntime(settings, [platform], { worker: false });
    expect(settings.watchCap).toBe(65_536);
    const started = performance.now();
    const origin = await platform.command(["watch", "198.51.0.0/16"], "C-big");
    const elapsed = performance.now() - started;
    expect(origin).not.toBeNull();
    expect(elapsed).toBeLessThan(3000);
    expect(watchingNotices(platform)[0]?.message).toMatchObject({
      text: expect.stringContaining("198.51.0.0/16 (65536 addresses)"),
    });
    expect(await countWatchedAddresses(runtime.redis, keys, "console:C-big")).toBe(65_536);
    expect(await runtime.queues.watch.getJobSchedulersCount()).toBe(1);

    const [first] = (await runtime.queues.watch.getWaiting()) as Job<WatchJob>[];
    expect(first?.data).toEqual({ kind: "run", channel: "console:C-big", target: "198.51.0.0/16" });
    const asked: string[] = [];
    const outcome = await processWatchJob(first as Job<WatchJob>, {
      redis: runtime.redis,
      queues: runtime.queues,
      settings,
      logger,
      runCheck: async (options) => {
        asked.push(options.ip);
        throw new Error("a run only splits; its chunks ask DNS");
      },
    });
    expect(outcome).toEqual({ kind: "run", chunks: 256, baseline: true });
    expect(asked).toEqual([]);
    const chunks = (await runtime.queues.watch.getJobs(["waiting", "delayed"])).filter(
      (job) => job.data.kind === "chunk",
    );
    expect(chunks).toHaveLength(256);
    const covered = new Set(chunks.flatMap((job) => (job.data.kind === "chunk" ? job.data.ips : [])));
    expect(covered.size).toBe(65_536);
    // Spread over a short window, not all at once.
    const delays = chunks.map((job) => job.opts.delay ?? 0);
    expect(Math.min(...delays)).toBe(0);
    expect(Math.max(...delays)).toBeGreaterThan(1000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(60_000);
  }, 30_000);
});

describe("a range's first run against the lab", () => {
  const platform = new RecordingPlatform("console");
  // Chunks of 16: the /26 is 4 chunk jobs, so the baseline waits for the last of several.
  const settings = labSettings("watchbase", { watchChunkSize: 16, watchIntervalMs: 3_600_000 });
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;

  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("posts one baseline and settles each address as rdns check reports it", async () => {
    runtime = await startLabRuntime(settings, [platform]);
    const origin = await platform.command(["watch", "203.0.113.0/26"], "C-base");
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).length >= 1, 60_000);
    const baseline = platform.in(thread)[0]?.message;
    if (baseline?.kind !== "watch-baseline") throw new Error(`expected a baseline, got ${baseline?.kind}`);

    // What `rdns check` says of each address (same options as the worker).
    const ips = Array.from({ length: 64 }, (_, i) => `203.0.113.${i}`);
    const direct = await Promise.all(ips.map((ip) => runCheck({ ip, helo: null, ...settings.check })));
    const count = (verdict: string) => direct.filter((report) => report.verdict === verdict).length;
    expect(baseline).toMatchObject({
      target: "203.0.113.0/26",
      pass: count("pass"),
      fail: count("fail"),
      inconclusive: count("inconclusive"),
    });
    expect(baseline.pass + baseline.fail + baseline.inconclusive).toBe(64);
    // Many non-passing addresses: grouped by problem, every one counted once.
    expect(baseline.groups.reduce((sum, group) => sum + group.count, 0)).toBe(
      baseline.fail + baseline.inconclusive,
    );
    expect(baseline.lines.length + baseline.unlisted).toBe(baseline.fail + baseline.inconclusive);
    const nxdomainLine = baseline.lines.find((line) => line.ip === "203.0.113.0");
    expect(nxdomainLine).toMatchObject({ verdict: "fail", ptr: [], problem: "NO_PTR" });

    // Each address's watch state agrees with the direct check; a run keeps no full report of an
    // address whose first sight announced nothing (issue 28: a /16 kept 2.6 KB an address).
    const states = await readWatchStates(runtime.redis, keys, "console:C-base");
    for (const report of direct) {
      expect(await runtime.redis.exists(keys.lastReport(report.ip))).toBe(0);
      if (report.verdict === "inconclusive") continue;
      const state = states.get(report.ip);
      expect({ verdict: state?.verdict, names: state?.names, fcrdns: state?.facts?.fcrdns }).toEqual({
        verdict: report.verdict,
        names: [...report.ptr.names].sort(),
        fcrdns: report.fcrdns,
      });
      expect(state?.problems).toEqual([...new Set(report.problems.map((p) => p.code))].sort());
    }
    expect(await runtime.redis.hlen(keys.watchState("console:C-base"))).toBe(64 - count("inconclusive"));
    // One baseline only, and no change notices on a first run.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(platform.in(thread)).toHaveLength(1);
  }, 90_000);
});

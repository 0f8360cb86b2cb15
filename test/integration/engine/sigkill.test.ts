// A worker killed with SIGKILL in the middle of a job: BullMQ's stalled-job check gives the job
// to another worker, which completes it, and the thread gets exactly one answer: whether the
// kill lands during DNS (nothing queued yet) or after the deliveries were queued and posted
// (the re-run finds the same delivery ids and queues nothing new).
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues } from "../../../src/queue/queues.js";
import type { Runtime } from "../../../src/runtime.js";
import type { EngineSettings } from "../../../src/settings.js";
import { createCheckWorker } from "../../../workers/check.js";
import {
  cleanupPrefix,
  labSettings,
  logger,
  REDIS_URL,
  RecordingPlatform,
  startLabRuntime,
} from "./support.js";

describe("a check worker killed mid-job", () => {
  const lab = inject("lab");
  const settings = labSettings("sigkill", { lockDurationMs: 2000, stalledIntervalMs: 1000 });
  const platform = new RecordingPlatform("console");
  let bot: Runtime | undefined;
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const cleanup of cleanups) await cleanup();
    await bot?.stop();
    await cleanupPrefix(settings.prefix);
  });

  /** A check worker in a child process; `seen` collects what it prints. */
  async function spawnWorker(childSettings: EngineSettings, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ["--import", "tsx", "test/integration/engine/child-worker.ts"], {
      env: { ...process.env, ...env, REDIS_URL, RDNS_TEST_SETTINGS: JSON.stringify(childSettings) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const seen: string[] = [];
    lines.on("line", (line) => seen.push(line));
    const until = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; child said ${seen.join(" | ")}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await until(() => seen.includes("ready"), "the child worker");
    const kill = async () => {
      child.kill("SIGKILL");
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    };
    return { seen, until, kill };
  }

  /** Another worker, asking the lab's real resolver; returns its stop. */
  function startSurvivor(): () => Promise<void> {
    const redis = createRedis(REDIS_URL, "worker");
    const queues = createQueues(createRedis(REDIS_URL, "client"), settings);
    const survivor = createCheckWorker({
      redis,
      queues,
      settings,
      logger,
      runCheck: (options) => runCheck(options),
    });
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await survivor.close();
      await queues.close();
      redis.disconnect();
    };
    cleanups.push(stop);
    return stop;
  }

  it("completes the job on another worker with exactly one delivery", async () => {
    bot = await startLabRuntime(settings, [platform], { worker: false });
    // The doomed worker asks a resolver that never answers, with a long timeout: it is slow.
    const slow = { ...settings, check: { ...settings.check, resolvers: [lab.dead], timeoutMs: 20_000 } };
    const child = await spawnWorker(slow);

    const origin = await platform.command(["203.0.113.10", "mail.example.test"]);
    await child.until(
      () => child.seen.some((line) => line.startsWith("active ")),
      "the child to take the job",
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // well inside its DNS wait
    await child.kill();
    expect(platform.in(origin?.thread ?? "")).toHaveLength(0);

    // Another worker, asking the lab's real resolver, finds the stalled job and completes it.
    const stop = startSurvivor();
    const startedAt = Date.now();
    await platform.waitFor(() => platform.in(origin?.thread ?? "").length === 1, 30_000);
    process.stdout.write(
      `[measure] stalled job recovered by another worker after ${Date.now() - startedAt} ms\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const replies = platform.in(origin?.thread ?? "");
    expect(replies).toHaveLength(1);
    expect(replies[0]?.message).toMatchObject({ kind: "report", report: { verdict: "pass" } });
    expect(platform.in(origin?.parent ?? "", "update")).toHaveLength(1);
    await stop();
  });

  it("re-runs a job killed after it enqueued its deliveries without posting them twice", async () => {
    bot ??= await startLabRuntime(settings, [platform], { worker: false });
    const checkQueue = bot.queues.check;
    const completed = async () => (await checkQueue.getJobCounts("completed")).completed ?? 0;
    const completedBefore = await completed();
    // This worker gets real answers and queues the deliveries, then hangs before completing.
    const child = await spawnWorker(settings, { RDNS_TEST_HANG_AFTER_ENQUEUE: "1" });

    const origin = await platform.command(["203.0.113.10"], "C-after");
    const thread = origin?.thread ?? "";
    // The deliveries are out and posted while the check job is still active on the child.
    await child.until(
      () => child.seen.filter((line) => line.startsWith("enqueued ")).length >= 2,
      "the child to enqueue the report and the parent update",
    );
    await platform.waitFor(
      () => platform.in(thread).length === 1 && platform.in(thread, "update").length === 1,
    );
    await child.kill();

    // Another worker re-runs the whole job (DNS included) and must not deliver it again.
    const stop = startSurvivor();
    const deadline = Date.now() + 30_000;
    while ((await completed()) <= completedBefore) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(platform.in(thread)).toHaveLength(1);
    expect(platform.in(thread)[0]?.message).toMatchObject({ kind: "report", report: { verdict: "pass" } });
    expect(platform.in(thread, "update")).toHaveLength(1);
    await stop();
  });
});

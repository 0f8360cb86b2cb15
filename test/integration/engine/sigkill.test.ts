// A worker killed with SIGKILL in the middle of a job: BullMQ's stalled-job check gives the job
// to another worker, which completes it, and the thread gets exactly one answer.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { Runtime } from "../../../src/app/runtime.js";
import { runCheck } from "../../../src/check/index.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues } from "../../../src/queue/queues.js";
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
  let child: ChildProcess | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    if (child?.exitCode === null) child.kill("SIGKILL");
    for (const cleanup of cleanups) await cleanup();
    await bot?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("completes the job on another worker with exactly one delivery", async () => {
    bot = await startLabRuntime(settings, [platform], { worker: false });
    // The doomed worker asks a resolver that never answers, with a long timeout: it is slow.
    const slow = { ...settings, check: { ...settings.check, resolvers: [lab.dead], timeoutMs: 20_000 } };
    child = spawn(process.execPath, ["--import", "tsx", "test/integration/engine/child-worker.ts"], {
      env: { ...process.env, REDIS_URL, RDNS_TEST_SETTINGS: JSON.stringify(slow) },
      stdio: ["ignore", "pipe", "inherit"],
    });
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

    const origin = await platform.command(["203.0.113.10", "mail.example.test"]);
    await until(() => seen.some((line) => line.startsWith("active ")), "the child to take the job");
    await new Promise((resolve) => setTimeout(resolve, 300)); // well inside its DNS wait
    child.kill("SIGKILL");
    await new Promise((resolve) => child?.once("exit", resolve));
    expect(platform.in(origin?.thread ?? "")).toHaveLength(0);

    // Another worker, asking the lab's real resolver, finds the stalled job and completes it.
    const redis = createRedis(REDIS_URL, "worker");
    const queues = createQueues(createRedis(REDIS_URL, "client"), settings);
    const survivor = createCheckWorker({
      redis,
      queues,
      settings,
      logger,
      runCheck: (options) => runCheck(options),
    });
    cleanups.push(async () => {
      await survivor.close();
      await queues.close();
      redis.disconnect();
    });
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
  });
});

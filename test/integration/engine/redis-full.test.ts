// A full Redis is a clear state (issue 28, point 5). The test's own redis-server on a free
// loopback port (never the shared one on 6379) with a small `maxmemory` and `noeviction`, filled
// with filler keys until it refuses writes ("OOM command not allowed when used memory >
// 'maxmemory'"). Through the real console platform and the engine: read-only commands still
// answer, a check says the storage is full (with the reference) in place of its "Checking…", a
// check that was already running when Redis filled up is not lost, /readyz says why, the metric
// counts it, the command limiter lets commands through uncounted; then the filler keys are
// deleted and everything works again with no restart.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeWorkers } from "../../../src/app/observe-workers.js";
import { runCheck } from "../../../src/check/index.js";
import type { CheckOptions } from "../../../src/check/types.js";
import { loadConfig } from "../../../src/config.js";
import { storeKeys } from "../../../src/keys.js";
import { createConsolePlatform } from "../../../src/platforms/console/index.js";
import { type Runtime, startRuntime } from "../../../src/runtime.js";
import { type OpsServer, startOpsServer } from "../../../src/web/ops-server.js";
import { freePort } from "../../support/free-port.js";
import { sampleValue } from "../ops/scrape.js";
import { labSettings, logger } from "./support.js";

async function startRedis(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
      ...["--maxmemory", "24mb", "--maxmemory-policy", "noeviction"],
    ],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("redis-server did not start");
}

/** Whether Redis's own figures say it refuses writes now (used_memory above maxmemory). */
async function over(redis: Redis): Promise<boolean> {
  const info = await redis.info("memory");
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1]);
  return field("used_memory") > field("maxmemory");
}

/**
 * Writes filler keys until Redis refuses them for memory and its figures say it is over
 * maxmemory: 256 KB values first, then small ones, since a refused big write leaves room for
 * small ones (its own query buffer had counted). Returns how many filler keys it wrote.
 */
async function fill(redis: Redis): Promise<number> {
  let written = 0;
  for (const size of [256 * 1024, 1024, 16]) {
    const value = "x".repeat(size);
    for (;;) {
      if (written > 10_000) throw new Error("Redis never refused a write: is maxmemory set?");
      try {
        await redis.set(`filler:${written}`, value);
        written++;
      } catch (error) {
        expect(String(error)).toMatch(/OOM command not allowed when used memory > 'maxmemory'/);
        break;
      }
    }
  }
  while (!(await over(redis))) {
    await redis.set(`filler:${written}`, "x".repeat(16)).catch(() => undefined);
    written++;
  }
  // At the very edge, anything Redis frees (a reply buffer, a job BullMQ removes) lets the next
  // small write in; 2 MB less keeps it refusing every write, as a Redis well past its limit does.
  const used = Number(/^used_memory:(\d+)/m.exec(await redis.info("memory"))?.[1]);
  await redis.config("SET", "maxmemory", String(used - 2 * 1024 * 1024));
  return written;
}

describe("a full Redis (maxmemory, noeviction)", () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  let dir = "";
  let redisServer: ChildProcess | undefined;
  let admin: Redis;
  let runtime: Runtime;
  let ops: OpsServer;
  let base = "";
  // Short locks, so a job whose worker could not save its result is picked up again soon after
  // memory is freed (the defaults are 30 s).
  // One check at a time: while HELD runs, a second check waits in the queue (QUEUED).
  const settings = labSettings("redis-full", {
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
    checkConcurrency: 1,
  });
  // The check of HELD waits here until the test lets it go: a check in flight while Redis fills.
  const HELD = "203.0.113.11";
  let enteredHeld: () => void = () => undefined;
  const heldEntered = new Promise<void>((resolve) => {
    enteredHeld = resolve;
  });
  let releaseHeld: () => void = () => undefined;
  const heldReleased = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });

  /** Waits for `pattern` in what the console printed after `from` (an offset into it). */
  const waitForText = async (pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(text.slice(from));
      if (match !== null) return match[0];
      if (Date.now() > deadline) throw new Error(`no ${pattern} in console output:\n${text.slice(from)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const type = (line: string): number => {
    const from = text.length;
    input.write(`${line}\n`);
    return from;
  };
  const scrape = async (): Promise<string> => (await fetch(`${base}/metrics`)).text();
  const fullCount = (metrics: string, where: string): number =>
    sampleValue(metrics, "rdns_redis_full_total", { where });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rdns-full-"));
    const port = await freePort();
    redisServer = await startRedis(dir, port);
    const url = `redis://127.0.0.1:${port}`;
    admin = new Redis(url);
    // LIMIT_USER_COMMANDS set: the console's commands are counted, so the limiter meets the full Redis too.
    const config = loadConfig({ REDIS_URL: url, LIMIT_USER_COMMANDS: "100" });
    runtime = await startRuntime({
      config,
      logger,
      bot: true,
      worker: true,
      settings,
      platforms: [createConsolePlatform({ input, output, pasteIdleMs: 200 })],
      runCheck: async (options: CheckOptions) => {
        if (options.ip === HELD) {
          enteredHeld();
          await heldReleased;
        }
        return runCheck(options);
      },
      onWorker: (created, context) =>
        observeWorkers([created], { redis: context.redis, keys: storeKeys(settings.prefix), logger }),
    });
    ops = await startOpsServer({
      config,
      prefix: settings.prefix,
      queues: runtime.queues,
      logger,
      host: "127.0.0.1",
      port: 0,
    });
    base = `http://127.0.0.1:${ops.port}`;
  });
  afterAll(async () => {
    releaseHeld();
    await ops?.close();
    await runtime?.stop();
    admin?.disconnect();
    if (redisServer !== undefined && redisServer.exitCode === null) {
      const exited = new Promise((resolve) => redisServer?.once("exit", resolve));
      redisServer.kill("SIGKILL");
      await exited;
    }
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("answers what reads, refuses what writes in one clear sentence, and recovers when memory is freed", async () => {
    // Before: a watch to list, and a check that starts and then waits in its worker.
    let from = type("/rdns watch 203.0.113.0/30");
    await waitForText(/Baseline of 203\.0\.113\.0\/30 \(4 addresses\)/, from);
    from = type(`/rdns ${HELD} mail.example.test`);
    const heldThread = (
      await waitForText(/\[console:main:[0-9a-f]{6}-\d+\] Checking 203\.0\.113\.11 /, from)
    ).match(/console:main:[0-9a-f]{6}-\d+/)?.[0] as string;
    await heldEntered;
    // A check queued behind it, not yet taken by a worker when Redis fills up.
    from = type("/rdns 203.0.113.10 mail.example.test");
    const queuedThread = (
      await waitForText(/\[console:main:[0-9a-f]{6}-\d+\] Checking 203\.0\.113\.10 /, from)
    ).match(/console:main:[0-9a-f]{6}-\d+/)?.[0] as string;
    expect(await runtime.queues.check.getJobCountByTypes("waiting")).toBe(1);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // Full.
    const fillers = await fill(admin);
    expect(fillers).toBeGreaterThan(0);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: "not ready",
      notReady: ["redis"],
      reasons: ["redis: full (used_memory >= maxmemory, noeviction)"],
    });
    // Liveness is not Redis's business: a restart would not free memory.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    // Read-only commands answer.
    from = type("/rdns help");
    await waitForText(/\/rdns watch/, from);
    from = type("/rdns watches");
    await waitForText(/\(only you\) This channel watches: 203\.0\.113\.0\/30/, from);
    from = type("/rdns status");
    await waitForText(/203\.0\.113\.0\/30/, from);
    expect(text.slice(from)).not.toMatch(/storage|failed on our side/);

    // A new check: its "Checking…" is replaced by the storage-full sentence with a reference.
    from = type("/rdns 203.0.113.10 mail.example.test");
    const checkingLine = await waitForText(
      /\[console:main:[0-9a-f]{6}-\d+\] Checking 203\.0\.113\.10 /,
      from,
    );
    const thread = checkingLine.match(/console:main:[0-9a-f]{6}-\d+/)?.[0] as string;
    const replaced = await waitForText(
      new RegExp(
        `\\[${thread}\\] \\(updated\\) Could not check 203\\.0\\.113\\.10: the bot's storage \\(Redis\\) is full, so nothing was checked; .*\\(reference [0-9a-f]{8}\\)`,
      ),
      from,
    );
    expect(replaced).not.toMatch(/could not reach its queue|PTR/);

    // Another command that needs a write: the one failure wording, storage-full flavour.
    from = type("/rdns watch 203.0.113.20");
    await waitForText(
      /\(only you\) Sorry, the bot's storage \(Redis\) is full, so this could not be saved and nothing was started; .*\(reference [0-9a-f]{8}\)/,
      from,
    );

    from = type("/rdns recheck 203.0.113.10");
    await waitForText(
      /\(only you\) Sorry, the bot's storage \(Redis\) is full, .*\(reference [0-9a-f]{8}\)/,
      from,
    );
    expect(text.slice(from)).not.toMatch(/could not reach its queue/);

    // The check that was running when Redis filled up finishes its DNS work now, and cannot save it.
    releaseHeld();
    // Full for three lock durations: long enough for a worker that retried at once to have spent
    // every attempt (4) and failed the check for good, with nobody told.
    await new Promise((resolve) => setTimeout(resolve, 3 * settings.lockDurationMs));
    const metrics = await scrape();
    expect(fullCount(metrics, "command")).toBeGreaterThanOrEqual(2);
    // The limiter could not count and let the commands through (they were answered above).
    expect(fullCount(metrics, "limiter")).toBeGreaterThanOrEqual(2);
    // The worker's refused writes are counted once they happen.
    const deadline = Date.now() + 10_000;
    while (fullCount(await scrape(), "worker") === 0) {
      if (Date.now() > deadline) throw new Error("the worker's refused write was not counted");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The check that ran says, in place of its "Checking…", that its answer waits for memory
    // (told over PUBLISH: a delivery is a write); the one still queued says "Checking…"; neither
    // failed for good, nor said anything about DNS.
    const waiting = await waitForText(
      new RegExp(`\\[${heldThread}\\] \\(updated\\) Checking 203\\.0\\.113\\.11 [^\\n]*`),
    );
    expect(waiting).toMatch(
      /Checked, but the bot's storage \(Redis\) is full, so the answer cannot be saved or posted yet; .*\(reference [0-9a-f]{8}\)\.$/,
    );
    expect(text.match(new RegExp(`\\[${heldThread}\\] \\(updated\\)`, "g"))).toHaveLength(1);
    expect(text).not.toMatch(new RegExp(`\\[${queuedThread}\\] \\(updated\\)`));
    expect(await runtime.queues.check.getJobCountByTypes("failed")).toBe(0);

    // Memory freed: no restart, everything answers again.
    const freedAt = text.length;
    await admin.del(...Array.from({ length: fillers }, (_, i) => `filler:${i}`));
    const readyDeadline = Date.now() + 5000;
    while ((await fetch(`${base}/readyz`)).status !== 200) {
      if (Date.now() > readyDeadline) throw new Error("/readyz did not come back to 200");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The held check's result is saved and delivered: its "Checking…" becomes the verdict.
    await waitForText(new RegExp(`\\[${heldThread}\\] \\(updated\\) (PASS|FAIL)`), freedAt, 20_000);
    // The queued check is taken and answered.
    await waitForText(new RegExp(`\\[${queuedThread}\\] \\(updated\\) PASS: 203\\.0\\.113\\.10 `), freedAt);
    from = type("/rdns 203.0.113.10 mail.example.test");
    await waitForText(/\[console:main:[0-9a-f]{6}-\d+\] \(updated\) PASS: 203\.0\.113\.10 /, from);
    from = type("/rdns watch 203.0.113.20");
    await waitForText(/Watching 203\.0\.113\.20 /, from);
  });
});

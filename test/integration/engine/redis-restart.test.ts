// A Redis restart with AOF persistence: watches, their job schedulers and a scheduled re-check
// all survive, and the re-check still fires afterwards. Uses its own redis-server on a free port
// in a temporary folder (never the shared one on 6379).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { watchRunSchedulerId } from "../../../src/queue/ids.js";
import { type Runtime, startRuntime } from "../../../src/runtime.js";
import { connectLab } from "../../lab/lab.js";
import { freePort } from "../../support/free-port.js";
import { labSettings, logger, RecordingPlatform } from "./support.js";

const run = promisify(execFile);
const WATCHED = "192.0.2.60"; // has a PTR and a matching A
const FAILING = "192.0.2.52"; // no PTR until this test adds it

function exited(child: ChildProcess | undefined): Promise<unknown> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", resolve));
}

async function startRedis(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--save",
      "",
      "--daemonize",
      "no",
    ],
    { stdio: "ignore" },
  );
  for (let i = 0; i < 100; i++) {
    const ok = await run("redis-cli", ["-p", String(port), "ping"]).then(
      ({ stdout }) => stdout.trim() === "PONG",
      () => false,
    );
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("redis-server did not start");
}

describe("Redis restart with AOF", () => {
  const control = connectLab(inject("lab"));
  // The re-check waits 8 s past the cache expiry, long enough to restart Redis before it fires.
  const settings = labSettings("aof", { recheckMarginMs: 8000, watchIntervalMs: 60_000 });
  const platform = new RecordingPlatform("console");
  let dir = "";
  let redis: ChildProcess | undefined;
  let runtime: Runtime | undefined;

  afterAll(async () => {
    await runtime?.stop();
    if (redis?.exitCode === null) {
      redis.kill("SIGTERM");
      await exited(redis);
    }
    if (dir !== "") await rm(dir, { recursive: true, force: true });
    await control.removePtr(FAILING);
  });

  it("loses no watch and no scheduled re-check", async () => {
    dir = await mkdtemp(join(tmpdir(), "rdns-aof-"));
    const port = await freePort();
    const config = loadConfig({ REDIS_URL: `redis://127.0.0.1:${port}` });
    await control.removePtr(FAILING);
    redis = await startRedis(dir, port);
    const start = () =>
      startRuntime({ config, logger, bot: true, worker: true, settings, platforms: [platform] });

    runtime = await start();
    const watch = await platform.command(["watch", WATCHED]);
    expect(watch).not.toBeNull();
    const origin = await platform.command([FAILING]);
    await platform.waitFor(() => platform.in(origin?.thread ?? "").length === 1);
    expect(await runtime.queues.check.getDelayedCount()).toBeGreaterThanOrEqual(1);
    await control.setPtr(FAILING, "spare52.example.test");

    // Graceful restart: the workers drain, Redis writes its AOF and exits, then comes back.
    await runtime.stop();
    runtime = undefined;
    await run("redis-cli", ["-p", String(port), "shutdown"]).catch(() => undefined);
    await exited(redis);
    redis = await startRedis(dir, port);

    runtime = await start();
    const schedulers = await runtime.queues.watch.getJobSchedulers();
    expect(schedulers.map((scheduler) => scheduler.key)).toContain(
      watchRunSchedulerId("console:C1", WATCHED),
    );
    const delayed = await runtime.queues.check.getDelayed();
    // A failing chain waits on a poll of the authority (or a re-check): either survives the restart.
    expect(
      delayed.some(
        (job) => (job.data.reason === "poll" || job.data.reason === "recheck") && job.data.ip === FAILING,
      ),
    ).toBe(true);
    const before = platform.posted.length;
    await platform.command(["watches"]);
    expect(platform.posted.slice(before)[0]?.message).toEqual({
      kind: "watches",
      channel: "C1",
      targets: [WATCHED],
    });

    // The re-check scheduled before the restart fires after it, and the thread hears "cleared".
    await platform.waitFor(
      () => platform.in(origin?.thread ?? "").some((item) => item.message.kind === "cleared"),
      30_000,
    );
  });
});

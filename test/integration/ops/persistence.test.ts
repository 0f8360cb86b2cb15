// Redis persistence at start-up, against redis-server processes of the test's own on free
// loopback ports: `rdns worker` warns in one line when Redis keeps nothing on disk (no AOF, no
// RDB) and stays ready; with AOF it says nothing; a Redis that refuses CONFIG is "could not tell"
// unless INFO shows AOF.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPersistence, warnIfNotPersistent } from "../../../src/queue/persistence-check.js";
import { buildUnlessBuilt, ROOT } from "../../support/built-cli.js";
import { freePort } from "../../support/free-port.js";

const WARNING = "Redis keeps nothing on disk (no AOF, no RDB)";
const children: ChildProcess[] = [];
const dirs: string[] = [];

/** A redis-server of its own (its files in a fresh directory); resolves once it answers PING. */
async function startRedis(...args: string[]): Promise<string> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "rdns-persist-"));
  dirs.push(dir);
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, ...args],
    {
      stdio: "ignore",
    },
  );
  children.push(child);
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    const up = await probe
      .connect()
      .then(() => probe.ping())
      .then(
        () => true,
        () => false,
      );
    probe.disconnect();
    if (up) return url;
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `rdns worker` against `url` until its "started" line; its log lines (JSON) and /readyz status. */
async function startWorker(
  url: string,
): Promise<{ lines: Array<{ level: number; msg: string }>; ready: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/rdns.js", "worker"], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL: url,
      QUEUE_PREFIX: "persist",
      WEB_PORT: String(port),
      WEB_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let text = "";
  child.stderr?.on("data", (chunk) => {
    text += String(chunk);
  });
  const deadline = Date.now() + 30_000;
  while (!text.includes('"msg":"started"')) {
    expect(Date.now(), text).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let ready = 0;
  while (ready !== 200 && Date.now() < deadline) {
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  const lines = text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
  return { lines, ready };
}

function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

describe("Redis persistence, read at start-up", () => {
  beforeAll(() => buildUnlessBuilt(), 120_000);
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('appendonly no, save "": rdns worker warns in one line and /readyz stays 200', async () => {
    const url = await startRedis("--appendonly", "no", "--save", "");
    const redis = new Redis(url);
    expect(await readPersistence(redis)).toEqual({ known: true, aof: false, rdb: false });
    redis.disconnect();
    const { lines, ready } = await startWorker(url);
    const warnings = lines.filter((line) => line.msg.includes(WARNING));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(40);
    expect(warnings[0]?.msg).toContain("appendonly yes");
    expect(ready).toBe(200);
  }, 60_000);

  it("appendonly yes: rdns worker says nothing about persistence", async () => {
    const url = await startRedis("--appendonly", "yes", "--save", "");
    const redis = new Redis(url);
    expect(await readPersistence(redis)).toEqual({ known: true, aof: true, rdb: false });
    redis.disconnect();
    const { lines, ready } = await startWorker(url);
    expect(lines.some((line) => line.msg.includes("started"))).toBe(true);
    expect(lines.filter((line) => /on disk|persist|restart/i.test(line.msg))).toEqual([]);
    expect(ready).toBe(200);
  }, 60_000);

  it("RDB snapshots alone are not warned about", async () => {
    const url = await startRedis("--appendonly", "no", "--save", "3600 1");
    const redis = new Redis(url);
    const { logger, lines } = capture();
    expect(await warnIfNotPersistent(redis, logger)).toEqual({ known: true, aof: false, rdb: true });
    expect(lines).toEqual([]);
    redis.disconnect();
  });

  it("CONFIG refused (as managed Redis does): could not tell, unless INFO shows AOF", async () => {
    const hidden = await startRedis("--appendonly", "no", "--save", "", "--rename-command", "CONFIG", "");
    const redis = new Redis(hidden);
    const { logger, lines } = capture();
    expect(await warnIfNotPersistent(redis, logger)).toMatchObject({ known: false });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: expect.stringContaining("could not tell") });
    redis.disconnect();

    const aof = await startRedis("--appendonly", "yes", "--rename-command", "CONFIG", "");
    const withAof = new Redis(aof);
    expect(await readPersistence(withAof)).toEqual({ known: true, aof: true, rdb: false });
    withAof.disconnect();
  });
});

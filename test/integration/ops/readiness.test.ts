// /readyz follows Redis: 200 while it answers, 503 naming "redis" once it stops, 200 again after
// it comes back, with no restart of the process. Uses its own redis-server on a free port (never
// the shared one on 6379), stopped and started by the test. /healthz stays 200 throughout, and
// /metrics still answers (quickly, with rdns_redis_up 0) while Redis is down.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues, type Queues } from "../../../src/queue/queues.js";
import { type OpsServer, startOpsServer } from "../../../src/web/ops-server.js";
import { freePort } from "../../support/free-port.js";
import { labSettings, logger } from "../engine/support.js";
import { sampleValue } from "./scrape.js";

async function startRedis(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
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

function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL"); // as a crash would: no goodbye to the clients
  });
}

/** Polls `url` until it answers `status`; returns the last body. */
async function until(url: string, status: number, timeoutMs = 15_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url).catch(() => null);
    if (response?.status === status) return response.json();
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("GET /readyz follows Redis and the platforms", () => {
  let dir = "";
  let port = 0;
  let redis: ChildProcess | undefined;
  let queues: Queues;
  let client: ReturnType<typeof createRedis>;
  let server: OpsServer;
  let base = "";
  let discordConnected = true;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rdns-readyz-"));
    port = await freePort();
    redis = await startRedis(dir, port);
    const url = `redis://127.0.0.1:${port}`;
    client = createRedis(url, "client");
    client.on("error", () => undefined);
    const settings = labSettings("readyz");
    queues = createQueues(client, settings);
    server = await startOpsServer({
      config: loadConfig({ REDIS_URL: url }),
      prefix: settings.prefix,
      queues,
      logger,
      host: "127.0.0.1",
      port: 0,
      platformChecks: [{ name: "discord", ready: () => discordConnected }],
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await queues?.close().catch(() => undefined);
    client?.disconnect();
    await stopRedis(redis);
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("is 200 while Redis answers and every platform is connected", async () => {
    const body = await until(`${base}/readyz`, 200);
    expect(body).toEqual({
      status: "ready",
      checks: [
        { name: "redis", ready: true },
        { name: "discord", ready: true },
      ],
    });
  });

  it("is 503 naming the platform that is not connected", async () => {
    discordConnected = false;
    try {
      const body = await until(`${base}/readyz`, 503);
      expect(body).toMatchObject({ status: "not ready", notReady: ["discord"] });
    } finally {
      discordConnected = true;
    }
    await until(`${base}/readyz`, 200);
  });

  it("drops to 503 when Redis stops and comes back to 200 when it returns", async () => {
    await stopRedis(redis);
    const down = (await until(`${base}/readyz`, 503)) as { notReady: string[]; checks: { error?: string }[] };
    expect(down.notReady).toEqual(["redis"]);
    expect(down.checks[0]?.error).toBeTruthy();

    // The process is alive, and a scrape still answers, quickly, saying Redis could not be read.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const started = Date.now();
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(sampleValue(text, "rdns_redis_up")).toBe(0);
    // prom-client writes "Nan"; Prometheus parses float values case-insensitively (Go ParseFloat).
    expect(text).toMatch(/^rdns_watched_addresses nan$/im);

    redis = await startRedis(dir, port);
    const up = await until(`${base}/readyz`, 200);
    expect(up).toMatchObject({ status: "ready" });
    const after = await (await fetch(`${base}/metrics`)).text();
    expect(sampleValue(after, "rdns_redis_up")).toBe(1);
    expect(sampleValue(after, "rdns_watched_addresses")).toBe(0);
  });
});

// The compose healthcheck without Docker: the built `rdns worker` serves /readyz on WEB_PORT and
// `rdns ready` (the containers' healthcheck command) exits 0 against it, 1 once the worker is gone.
// Two workers on one Redis each serve their own port (what `--scale worker=N` runs).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { newCheckJob } from "../../../src/queue/jobs.js";
import { CHECK_QUEUE } from "../../../src/queue/names.js";
import { buildUnlessBuilt, ROOT } from "../../support/built-cli.js";
import { freePort } from "../../support/free-port.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "../engine/support.js";
import { sampleValue, scrape } from "./scrape.js";

const run = promisify(execFile);

describe("rdns worker and rdns ready, as the containers run them", () => {
  const prefix = uniquePrefix("ops-processes");
  const children: ChildProcess[] = [];
  const env = (port: number) => {
    const lab = inject("lab");
    return {
      ...process.env,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      RESOLVERS: lab.resolver,
      AUTHORITIES: lab.authority,
      WEB_PORT: String(port),
      WEB_HOST: "0.0.0.0",
      LOG_LEVEL: "silent",
    };
  };
  const ready = (port: number, ...args: string[]) =>
    run(process.execPath, ["bin/rdns.js", "ready", ...args], { cwd: ROOT, env: env(port) }).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code: number; stderr: string }) => ({ code: error.code, output: error.stderr }),
    );

  beforeAll(() => buildUnlessBuilt(), 120_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await cleanupPrefix(prefix);
  });

  it("answers ready on each worker's own port, and not once the worker stopped", async () => {
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      children.push(
        spawn(process.execPath, ["bin/rdns.js", "worker"], { cwd: ROOT, env: env(port), stdio: "ignore" }),
      );
    }
    for (const port of ports) {
      const deadline = Date.now() + 30_000;
      let result = await ready(port);
      while (result.code !== 0) {
        expect(Date.now(), result.output).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 250));
        result = await ready(port);
      }
      // A wildcard bind is reached on loopback.
      expect(result.output).toContain(`http://127.0.0.1:${port}/readyz: 200`);
      expect((await ready(port, "--live")).code).toBe(0);
      const text = await scrape(`http://127.0.0.1:${port}`);
      expect(sampleValue(text, "rdns_redis_up")).toBe(1);
      expect(sampleValue(text, "bullmq_job_count", { queue: "check", state: "waiting" })).toBe(0);
    }

    const [first] = children;
    first?.kill("SIGTERM");
    expect(await new Promise((resolve) => first?.once("exit", resolve))).toBe(0);
    const down = await ready(ports[0] as number);
    expect(down.code).toBe(1);
    expect(down.output).toContain(`http://127.0.0.1:${ports[0]}/readyz: not answering (ECONNREFUSED)`);
    expect((await ready(ports[1] as number)).code).toBe(0);
  });

  it("counts the DNS questions a worker's checks send in rdns_dns_queries_total", async () => {
    const port = await freePort();
    // A prefix of its own: the first test's second worker still runs on `prefix` and would take
    // the job, leaving this worker's counters at zero.
    const own = uniquePrefix("ops-dns-count");
    const child = spawn(process.execPath, ["bin/rdns.js", "worker"], {
      cwd: ROOT,
      env: { ...env(port), QUEUE_PREFIX: own },
      stdio: "ignore",
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while ((await ready(port)).code !== 0) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(sampleValue(await scrape(base), "rdns_dns_queries_total", { outcome: "answer" })).toBe(0);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(CHECK_QUEUE, { connection: redis, prefix: own });
    try {
      // A command check with nobody to tell: the worker runs the real DNS pipeline and says nothing.
      const data = newCheckJob({
        ip: "203.0.113.10",
        helo: null,
        origins: [],
        originsKey: null,
        reason: "command",
        chainId: "ops-dns-count",
      });
      await queue.add("check", data, { jobId: "ops-dns-count" });
      let answered = 0;
      while (answered === 0) {
        expect(Date.now()).toBeLessThan(deadline + 30_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
        answered = sampleValue(await scrape(base), "rdns_dns_queries_total", { outcome: "answer" });
      }
      // The resolver and the authority for the PTR, then the forward A of the PTR name.
      expect(answered).toBeGreaterThanOrEqual(3);
      expect(sampleValue(await scrape(base), "rdns_dns_query_duration_seconds_count")).toBeGreaterThanOrEqual(
        answered,
      );
    } finally {
      await queue.close();
      redis.disconnect();
      child.kill("SIGTERM");
      await cleanupPrefix(own);
    }
  }, 90_000);
});

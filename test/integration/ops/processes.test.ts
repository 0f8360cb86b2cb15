// The compose healthcheck without Docker: the built `rdns worker` serves /readyz on WEB_PORT and
// `rdns ready` (the containers' healthcheck command) exits 0 against it, 1 once the worker is gone.
// Two workers on one Redis each serve their own port (what `--scale worker=N` runs).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildUnlessBuilt, ROOT } from "../../support/built-cli.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "../engine/support.js";
import { scrape, valueOf } from "./scrape.js";

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
      expect(valueOf(text, "rdns_redis_up")).toBe(1);
      expect(valueOf(text, "bullmq_job_count", { queue: "check", state: "waiting" })).toBe(0);
    }

    const [first] = children;
    first?.kill("SIGTERM");
    expect(await new Promise((resolve) => first?.once("exit", resolve))).toBe(0);
    const down = await ready(ports[0] as number);
    expect(down.code).toBe(1);
    expect(down.output).toContain(`http://127.0.0.1:${ports[0]}/readyz: not answering (ECONNREFUSED)`);
    expect((await ready(ports[1] as number)).code).toBe(0);
  });
});

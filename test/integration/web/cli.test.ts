// `rdns web` and `rdns serve` as an operator runs them (bin/rdns.js -> dist/): the page is served
// on WEB_HOST:WEB_PORT, /healthz answers, SIGTERM ends the process cleanly, and a page reachable
// from other machines without WEB_TOKEN is refused at start in one line.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../support/built-cli.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "../engine/support.js";

const run = promisify(execFile);
const BIN = join(ROOT, "bin", "rdns.js");

/** Resolves with the first stdout/stderr line matching `pattern`. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in: ${buffer}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((candidate) => pattern.test(candidate));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", resolve));
}

describe("rdns web / rdns serve", () => {
  const prefix = uniquePrefix("web-cli");
  const env = { ...process.env, REDIS_URL, QUEUE_PREFIX: prefix, WEB_PORT: "0", WEB_HOST: "127.0.0.1" };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, "dist", "src", "cli", "web.js")))
      await run("npm", ["run", "--silent", "build"], { cwd: ROOT });
  }, 120_000);
  afterAll(async () => cleanupPrefix(prefix));

  it("rdns web refuses a non-loopback WEB_HOST without WEB_TOKEN: exit 78, one line saying why", async () => {
    const failure = await run(process.execPath, [BIN, "web"], {
      env: { ...env, WEB_HOST: "0.0.0.0", WEB_TOKEN: "" },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(78);
    const lines = failure?.stderr.trim().split("\n") ?? [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^rdns web: WEB_HOST=0\.0\.0\.0 is not a loopback address and WEB_TOKEN is unset/,
    );
  });

  it("rdns web serves the page and /healthz, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "web"], {
      env: { ...env, LOG_LEVEL: "warn" },
      stdio: "pipe",
    });
    try {
      const line = await waitForLine(child, /^servers page: http:\/\/127\.0\.0\.1:\d+\/$/);
      const url = line.replace("servers page: ", "");
      expect((await fetch(`${url}healthz`)).status).toBe(200);
      const api = await fetch(`${url}api/servers`);
      expect(api.status).toBe(200);
      expect(await api.json()).toEqual([]);
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("rdns serve serves the page too", async () => {
    const child = spawn(process.execPath, [BIN, "serve"], {
      env: { ...env, LOG_LEVEL: "info", SLACK_BOT_TOKEN: "", DISCORD_TOKEN: "" },
      stdio: "pipe",
    });
    try {
      // The console chat logs pretty lines to stderr: `web: "http://..."` under "started".
      const line = await waitForLine(child, /web: "http:\/\/[^"]+"/);
      const url = /web: "(http:\/\/[^"]+)"/.exec(line)?.[1] ?? "";
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/`)).status).toBe(200);
      child.kill("SIGTERM");
      expect(await exitCode(child)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

// The console is a chat, not a log: `printf '/rdns 203.0.113.10\n' | rdns serve` (the built CLI,
// real Redis, the DNS lab) prints the answer before it exits by itself, stdout holds only the
// conversation, and the logs go to stderr (or LOG_FILE), pretty, at warn unless LOG_LEVEL asks.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildUnlessBuilt, ROOT } from "../../support/built-cli.js";
import { cleanupPrefix, REDIS_ENV, uniquePrefix } from "./support.js";

const prefixes: string[] = [];

function serve(input: string, env: Record<string, string>) {
  const lab = inject("lab");
  const prefix = uniquePrefix("consolepipe");
  prefixes.push(prefix);
  const child = spawn(process.execPath, ["bin/rdns.js", "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL: REDIS_ENV.REDIS_URL ?? "",
      REDIS_CLUSTER_NODES: REDIS_ENV.REDIS_CLUSTER_NODES ?? "",
      QUEUE_PREFIX: prefix,
      RESOLVERS: lab.resolver,
      AUTHORITIES: lab.authority,
      WEB_PORT: "0",
      SLACK_BOT_TOKEN: "",
      DISCORD_TOKEN: "",
      LOG_LEVEL: "",
      LOG_FILE: "",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(input);
  const started = Date.now();
  const exited = new Promise<{ code: number | null; ms: number; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, ms: Date.now() - started, stdout, stderr })),
  );
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return exited.finally(() => clearTimeout(timer));
}

describe("rdns serve with piped input (the console chat)", () => {
  const dir = mkdtempSync(join(tmpdir(), "rdns-console-"));
  beforeAll(buildUnlessBuilt, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const prefix of prefixes) await cleanupPrefix(prefix);
  });

  it("prints the answer before exiting, and nothing but the conversation on stdout", async () => {
    const result = await serve("/rdns 203.0.113.10 mail.example.test\n", {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Checking 203\.0\.113\.10 \(HELO mail\.example\.test\)/);
    expect(result.stdout).toMatch(/waiting up to 30 s for 1 answer/);
    expect(result.stdout).toMatch(/\(updated\) PASS: 203\.0\.113\.10 -> mail\.example\.test/);
    expect(result.stdout).toMatch(/↳ PASS: 203\.0\.113\.10/);
    // The intro first, however fast the piped command is answered.
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^rdns-bot console chat\./);
    expect(lines[1]).toMatch(/^Servers page: /);
    // No log line in the conversation: not JSON, not pretty.
    expect(result.stdout).not.toMatch(/"level":|\bINFO\b|\bWARN\b/);
    // At warn (no LOG_LEVEL): the info lines ("started", "stopped") are not written at all.
    expect(result.stderr).not.toMatch(/started|stopped/);
  }, 90_000);

  it("writes the logs pretty into LOG_FILE at the LOG_LEVEL asked", async () => {
    const file = join(dir, "rdns.log");
    const result = await serve("/rdns help\n", { LOG_LEVEL: "info", LOG_FILE: file });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\(only you\)/);
    expect(result.stdout).not.toMatch(/"level":|\bINFO\b/);
    const log = readFileSync(file, "utf8");
    expect(log).toMatch(/INFO.*started/);
    expect(log).not.toMatch(/^\{"level"/m);
    expect(result.stderr).not.toMatch(/INFO/);
  }, 90_000);

  it("says first where the servers page is, and that it wants WEB_TOKEN, without printing the token", async () => {
    const token = "console-intro-token-7f3a9c";
    const withToken = await serve("", { WEB_TOKEN: token });
    expect(withToken.code, withToken.stderr).toBe(0);
    const lines = withToken.stdout.split("\n");
    expect(lines[0]).toMatch(/^rdns-bot console chat\./);
    expect(lines[1]).toMatch(
      /^Servers page: http:\/\/127\.0\.0\.1:[1-9]\d*\/ \(WEB_TOKEN is set: open it once with \?token=<your WEB_TOKEN>/,
    );
    expect(withToken.stdout + withToken.stderr).not.toContain(token);

    const open = await serve("", {});
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout.split("\n")[1]).toMatch(/^Servers page: http:\/\/127\.0\.0\.1:[1-9]\d*\/$/);
  }, 90_000);
});

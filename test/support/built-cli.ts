// The CLI as built (bin/rdns.js -> dist/), run as a child process. `npm test` builds first
// (scripts/test.sh); a test run alone builds here when dist/ is missing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "rdns.js");

/** For beforeAll (allow it two minutes): builds dist/ unless `rdns bounce` is there already. */
export function buildUnlessBuilt(): void {
  if (existsSync(join(ROOT, "dist", "src", "cli", "bounce.js"))) return;
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
}

/** Runs `rdns <args>` with `input` on stdin and logging silenced; its exit status and output. */
export function runBuiltCli(args: string[], input: string | undefined, timeoutMs: number) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent" },
    timeout: timeoutMs,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

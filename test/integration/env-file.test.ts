// bin/rdns.js (`npx rdns`, `npm start`) reads `.env` from the current directory before the
// configuration: a variable there is used, the real environment wins, no file is fine, and a
// malformed file stops it with one line.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { CASES } from "../lab/zones.js";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;
const lab = inject("lab");

beforeAll(async () => {
  // `npm test` builds first; build here when the test runs alone.
  if (!existsSync(join(root, "dist/src/cli/load-env.js")))
    await run("npm", ["run", "-s", "build"], { cwd: root });
});

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});
const tempDir = (envText?: string) => {
  dir = mkdtempSync(join(tmpdir(), "rdns-env-"));
  if (envText !== undefined) writeFileSync(join(dir, ".env"), envText);
  return dir;
};

/** The built CLI in `cwd`, with none of the variables under test inherited from this process. */
async function rdns(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !["DNS_TIMEOUT_MS", "RESOLVERS", "AUTHORITIES"].includes(name),
    ),
  );
  try {
    const { stdout, stderr } = await run("node", [join(root, "bin/rdns.js"), ...args], {
      cwd,
      env: { ...inherited, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("bin/rdns.js reads .env", () => {
  it("uses RESOLVERS and AUTHORITIES from .env", async () => {
    const cwd = tempDir(`RESOLVERS=${lab.resolver}\nAUTHORITIES=${lab.authority}\n`);
    const { code, stdout } = await rdns(cwd, ["check", CASES.pass, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.resolvers.map((r: { server: string }) => r.server)).toEqual([lab.resolver]);
    expect(report.authority.servers).toEqual([lab.authority]);
  });

  it("lets the real environment win over .env", async () => {
    const cwd = tempDir(`RESOLVERS=${lab.resolver}\nAUTHORITIES=${lab.authority}\n`);
    const { code, stdout } = await rdns(cwd, ["check", CASES.pass, "--json", "--timeout", "300"], {
      RESOLVERS: lab.dead,
    });
    expect(code).toBe(2);
    const report = JSON.parse(stdout);
    expect(report.resolvers).toMatchObject([{ server: lab.dead, status: "timeout" }]);
    expect(report.authority.servers).toEqual([lab.authority]);
  });

  it("works with no .env", async () => {
    const { code, stdout } = await rdns(tempDir(), ["check", CASES.pass, "--json"], {
      RESOLVERS: lab.resolver,
      AUTHORITIES: lab.authority,
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).verdict).toBe("pass");
  });

  it("stops with one line naming a malformed .env (exit 78)", async () => {
    const { code, stdout, stderr } = await rdns(tempDir(`RESOLVERS=${lab.resolver}\noops\n`), [
      "check",
      CASES.pass,
    ]);
    expect(code).toBe(78);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/\.env line 2: expected NAME=value, got "oops"/);
  });

  it("validates a value from .env like any other (a bad one names the variable)", async () => {
    const { code, stderr } = await rdns(tempDir("DNS_TIMEOUT_MS=5\n"), ["check", CASES.pass]);
    expect(code).toBe(64);
    expect(stderr).toMatch(/DNS_TIMEOUT_MS/);
  });
});

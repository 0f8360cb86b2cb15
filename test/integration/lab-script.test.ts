// `npm run lab` (scripts/lab.ts) for real: it starts its own lab, prints the RESOLVERS= and
// AUTHORITIES= lines (and writes them into ./.env on request), a check against it fails, `fix`
// sets the PTR through knotc, the check then passes, and Ctrl-C (SIGINT to the whole process
// group, as a terminal sends it) stops it and removes its files.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../src/check/dns-client.js";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;
const tsx = join(root, "node_modules/.bin/tsx");
const labArgs = ["--import", join(root, "src/cli/load-env.ts"), join(root, "scripts/lab.ts")];
const cwd = mkdtempSync(join(tmpdir(), "rdns-lab-script-"));
const IP = "192.0.2.55";
const OTHER = "192.0.2.56";

let lab: ChildProcess;
let output = "";

async function exec(file: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const rdns = (args: string[]) => exec("node", [join(root, "bin/rdns.js"), ...args]);

beforeAll(async () => {
  if (!existsSync(join(root, "dist/src/cli/load-env.js")))
    await run("npm", ["run", "-s", "build"], { cwd: root });
  writeFileSync(join(cwd, ".env"), "# mine\nLOG_LEVEL=warn\nRESOLVERS=192.0.2.1\n");
  lab = spawn(tsx, [...labArgs, "--write-env"], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  lab.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  lab.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 30_000;
  while (!output.includes("written into .env")) {
    if (lab.exitCode !== null || Date.now() > deadline) throw new Error(`the lab did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(() => {
  if (lab.exitCode === null && lab.pid !== undefined) process.kill(-lab.pid, "SIGKILL");
  rmSync(cwd, { recursive: true, force: true });
});

const line = (name: string) => new RegExp(`^${name}=(.+)$`, "m").exec(output)?.[1] ?? "";

describe("npm run lab", () => {
  it("prints RESOLVERS= and AUTHORITIES= lines, a table of cases, and writes them into .env", () => {
    expect(line("RESOLVERS")).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(line("AUTHORITIES")).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    for (const address of [
      "203.0.113.10",
      "203.0.113.13",
      "203.0.113.20",
      "203.0.113.70",
      "2001:db8::10",
      "198.51.100.7",
    ]) {
      expect(output).toContain(address);
    }
    expect(output).toMatch(/npm run lab -- fix 192\.0\.2\.53/);
    expect(readFileSync(join(cwd, ".env"), "utf8")).toBe(
      `# mine\nLOG_LEVEL=warn\nRESOLVERS=${line("RESOLVERS")}\nAUTHORITIES=${line("AUTHORITIES")}\n`,
    );
    expect(existsSync(join(cwd, ".rdns-lab.json"))).toBe(true);
  });

  it("a check through .env fails, fix sets the PTR at the authority: cached at the resolver, then passing", async () => {
    const before = await rdns(["check", IP, "--json"]);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).problems.map((p: { code: string }) => p.code)).toContain("NO_PTR");

    const fixed = await exec(tsx, [...labArgs, "fix", IP]);
    expect(fixed.stderr).toBe("");
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`spare55.example.test A ${IP}`);

    const authority = line("AUTHORITIES").split(",")[0] ?? "";
    const answer = await query({
      name: "55.2.0.192.in-addr.arpa",
      type: "PTR",
      server: authority,
      recursion: false,
      timeoutMs: 2000,
    });
    expect(answer.answers.map((record) => record.data)).toEqual(["spare55.example.test"]);

    // The resolver holds the NXDOMAIN it cached for the lab's demo negative TTL (45 s): the
    // check now says the authority has the PTR and when the cache lets go.
    const cached = JSON.parse((await rdns(["check", IP, "--json"])).stdout);
    expect(cached.problems.map((p: { code: string }) => p.code)).toContain("CACHED_NEGATIVE");
    expect(cached.authority).toMatchObject({ status: "found", names: ["spare55.example.test"] });
    expect(cached.negativeCache.ttl).toBe(45);

    // An address nobody asked before the fix passes at once.
    expect((await exec(tsx, [...labArgs, "fix", OTHER])).code).toBe(0);
    const after = await rdns(["check", OTHER, "--json"]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).ptr).toMatchObject({ status: "found", names: ["spare56.example.test"] });
  });

  it("fix names a bad address or one outside the lab in one line", async () => {
    const outside = await exec(tsx, [...labArgs, "fix", "8.8.8.8"]);
    expect(outside.code).toBe(64);
    expect(outside.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(outside.stderr).toMatch(/not in the lab's zones/);
    const bad = await exec(tsx, [...labArgs, "fix", "mail.example.test"]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/is a host name/);
  });

  it("the table says what each case really answers: the dead zone's statuses, the spare addresses' negative TTL", async () => {
    const row = (address: string) =>
      output.split("\n").find((text) => text.trimStart().startsWith(`${address} `)) ?? "";
    const dead = JSON.parse((await rdns(["check", "198.51.100.7", "--json"])).stdout);
    expect(dead.verdict).toBe("inconclusive");
    const statuses = new Set<string>([
      ...dead.authority.answers.map((answer: { status: string }) => answer.status),
      ...dead.resolvers.map((answer: { status: string }) => answer.status),
    ]);
    expect(statuses.size).toBeGreaterThan(0);
    for (const status of statuses) expect(row("198.51.100.7")).toContain(status.toUpperCase());
    expect(row("198.51.100.7")).toMatch(/never "no PTR"/);

    const spare = JSON.parse((await rdns(["check", "192.0.2.58", "--json"])).stdout);
    const said = Number(/cached (\d+) s/.exec(row("192.0.2.51-59"))?.[1]);
    expect(spare.resolvers[0].negativeTtlRemaining).toBe(said);
  });

  it('fix says how long the lab\'s resolver still serves its cached "no PTR", as the next check does', async () => {
    const ip = "192.0.2.57";
    const before = JSON.parse((await rdns(["check", ip, "--json"])).stdout);
    expect(before.resolvers[0].status).toBe("nxdomain");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const fixed = await exec(tsx, [...labArgs, "fix", ip]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).not.toMatch(/a few seconds/);
    const said = /"no PTR" \(NXDOMAIN\) of 57\.2\.0\.192\.in-addr\.arpa (\d+) s more/.exec(fixed.stdout);
    expect(said, fixed.stdout).not.toBeNull();
    const remaining = Number(said?.[1]);
    const after = JSON.parse((await rdns(["check", ip, "--json"])).stdout);
    const left = after.resolvers[0].negativeTtlRemaining as number;
    expect(after.problems.map((p: { code: string }) => p.code)).toContain("CACHED_NEGATIVE");
    // What fix printed is what the check right after reads, give or take the seconds between them.
    expect(remaining).toBeLessThan(before.resolvers[0].negativeTtlRemaining);
    expect(left).toBeLessThanOrEqual(remaining);
    expect(remaining - left).toBeLessThanOrEqual(3);

    // An address nobody asked before: the resolver already serves the new PTR.
    const fresh = await exec(tsx, [...labArgs, "fix", "192.0.2.59"]);
    expect(fresh.stdout).toMatch(/already serves the new PTR and address/);
  });

  it("Ctrl-C stops it and removes its folder and state file; fix then says no lab is running", async () => {
    const dir = /files in (\S+)/.exec(output)?.[1] ?? "";
    expect(existsSync(dir)).toBe(true);
    const exited = new Promise<number | null>((resolve) => lab.once("exit", (code) => resolve(code)));
    process.kill(-(lab.pid ?? 0), "SIGINT");
    // The group's SIGINT reaches tsx too, which may exit 130 as the lab itself finishes cleanly;
    // the lab's own word and its removed folder are what show a clean stop.
    expect([0, 130]).toContain(await exited);
    expect(output).toContain("lab stopped");
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(cwd, ".rdns-lab.json"))).toBe(false);
    const fix = await exec(tsx, [...labArgs, "fix", IP]);
    expect(fix.code).toBe(69);
    expect(fix.stderr).toMatch(/no running lab found.*npm run lab/);
  });
});

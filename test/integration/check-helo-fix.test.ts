// Fix advice that fits the HELO, on the lab's broken pair (203.0.113.13: PTR broken.example.test,
// whose A is 203.0.113.99) checked with that same name as HELO: the advice is the name's A record,
// never "announce HELO/EHLO broken.example.test", the name the server already announces.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { CASES } from "../lab/zones.js";

const run = promisify(execFile);
const lab = inject("lab");

beforeAll(async () => {
  if (!existsSync("dist/src/cli/main.js")) await run("npm", ["run", "-s", "build"]);
});

async function checkJson(args: string[]): Promise<{ code: number; report: Record<string, unknown> }> {
  try {
    const { stdout } = await run("node", ["bin/rdns.js", "check", ...args, "--json"], {
      env: { ...process.env, RESOLVERS: "", AUTHORITIES: "" },
    });
    return { code: 0, report: JSON.parse(stdout) };
  } catch (err) {
    const failed = err as { code: number; stdout: string };
    return { code: failed.code, report: JSON.parse(failed.stdout) };
  }
}

describe("rdns check --helo <the PTR name whose A is elsewhere> (lab)", () => {
  it("advises the A record, never announcing the HELO already given", async () => {
    const name = "broken.example.test";
    const servers = [
      "--resolver",
      lab.resolver,
      "--authority",
      lab.authority,
      "--authority",
      lab.childAuthority,
    ];
    const { code, report } = await checkJson([CASES.brokenPair, "--helo", name, ...servers]);
    expect(code).toBe(1);
    const problems = report.problems as Array<{ code: string; fix: string }>;
    const fixSteps = report.fixSteps as string[];
    expect(problems.map((problem) => problem.code)).toEqual(["BROKEN_PAIR", "HELO_IP_MISMATCH"]);
    const advice = [...problems.map((problem) => problem.fix), ...fixSteps];
    for (const line of advice) expect(line).not.toContain(`announce HELO/EHLO ${name}`);
    expect(fixSteps[0]).toContain(`A record ${name} -> ${CASES.brokenPair}`);
    expect(problems.find((problem) => problem.code === "HELO_IP_MISMATCH")?.fix).toBe(
      `Point ${name}'s A record at ${CASES.brokenPair}.`,
    );
  });
});

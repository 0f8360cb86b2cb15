// `rdns sweep --format csv` (the built CLI) lists the addresses in the order the table does (the
// order given), not in the order checks happen to finish, with one or two threads; the rows are
// the table's. ndjson keeps streaming (sweep-cli.test.ts).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const lab = inject("lab");

beforeAll(async () => {
  if (!existsSync("dist/src/cli/sweep.js")) await run("npm", ["run", "-s", "build"]);
}, 120_000);

async function sweep(args: string[]): Promise<string> {
  try {
    return (
      await run("node", ["bin/rdns.js", "sweep", ...args], {
        env: { ...process.env, RESOLVERS: "", AUTHORITIES: "" },
      })
    ).stdout;
  } catch (err) {
    // Exit 1 (some fail) is expected here: the output is what matters.
    return (err as { stdout: string }).stdout;
  }
}

const servers = ["--resolver", lab.resolver, "--authority", lab.authority, "--authority", lab.childAuthority];
// Passes (several DNS rounds) given before failures (one round) and across two ranges, so the
// order checks finish in differs from the order given.
const TARGETS = ["203.0.113.16/29", "203.0.113.8/29", "203.0.113.70/31", "2001:db8::10/127"];

describe("rdns sweep --format csv", () => {
  it("rows in the table's order (as given), whether one thread or two checked them", {
    timeout: 120_000,
  }, async () => {
    const table = await sweep([...TARGETS, ...servers]);
    const tableRows = table
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s+/).slice(0, 2));
    expect(tableRows).toHaveLength(8 + 8 + 2 + 2);
    expect(tableRows[0]?.[0]).toBe("203.0.113.16");
    expect(tableRows[8]?.[0]).toBe("203.0.113.8");
    for (const threads of ["1", "2"]) {
      const csv = await sweep([...TARGETS, ...servers, "--format", "csv", "--threads", threads]);
      expect(csv.startsWith("ip,verdict,ptr,fcrdns,problems,owner_zone,owner_provider\n")).toBe(true);
      const rows = (parse(csv, { columns: true }) as { ip: string; verdict: string }[]).map((row) => [
        row.ip,
        row.verdict,
      ]);
      expect(rows).toEqual(tableRows);
    }
  });
});

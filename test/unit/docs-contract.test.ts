// docs/ must name what the code offers: every environment variable src/config.ts reads, every
// problem code of src/check/types.ts, every `rdns` sub-command of src/cli/main.ts, every field of
// the JSON report and every metric the processes export. The lists are read from the source
// files, so a new variable, code, command, field or metric fails here until it is documented.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** The text between `start` and the first `end` after it, so names are matched where they belong. */
function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  expect(from, `"${start}" not found`).toBeGreaterThanOrEqual(0);
  const to = text.indexOf(end, from + start.length);
  return text.slice(from, to === -1 ? undefined : to);
}

describe("docs match the code", () => {
  it("docs/configuration.md has a row for every variable src/config.ts reads, and no other", () => {
    const variables = [...read("src/config.ts").matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
    const rows = [...read("docs/configuration.md").matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map(
      (m) => m[1],
    );
    expect(variables.length).toBeGreaterThan(20);
    expect(new Set(rows)).toEqual(new Set(variables));
  });

  it("docs/cli.md's problem-code table has every ProblemCode, and no other", () => {
    const union = between(read("src/check/types.ts"), "export type ProblemCode =", "\n\nexport ");
    const codes = [...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]);
    const table = between(read("docs/cli.md"), "### Problem codes", "\n## ");
    const documented = [...table.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(10);
    expect(new Set(documented)).toEqual(new Set(codes));
  });

  it("docs/cli.md has a section for every rdns sub-command", () => {
    const table = between(read("src/cli/main.ts"), "const subcommands", "};\n");
    const commands = [...table.matchAll(/^ {2}([a-z]+): \{/gm)].map((m) => m[1] as string);
    expect(commands).toContain("sweep");
    const headings = [...read("docs/cli.md").matchAll(/^## rdns (.+)$/gm)].flatMap((m) =>
      (m[1] as string).split(/,\s*/),
    );
    for (const command of commands) expect(headings, command).toContain(command);
  });

  it("docs/cli.md's JSON example shows every CheckReport field", () => {
    const body = between(read("src/check/types.ts"), "export interface CheckReport {", "\n}");
    const fields = [...body.matchAll(/^ {2}([a-zA-Z]+): /gm)].map((m) => m[1] as string);
    const json = between(read("docs/cli.md"), "### JSON (`--json`)", "### Problem codes");
    expect(fields.length).toBeGreaterThan(15);
    for (const field of fields) expect(json, field).toContain(`"${field}":`);
  });

  it("docs/operations.md names every metric the processes export", () => {
    const sources = read("src/app/metrics.ts") + read("src/web/metrics.ts");
    const names = [...sources.matchAll(/name: "(rdns_[a-z_]+)"/g)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThanOrEqual(8);
    const operations = read("docs/operations.md");
    for (const name of names) expect(operations, name).toContain(`\`${name}`);
  });
});

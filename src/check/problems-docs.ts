// docs/cli.md's "Problem codes" table, written from src/check/problems.ts (report order).
// `npm run docs:codes` writes it into docs/cli.md; test/unit/check/problems.test.ts fails while
// the file and the table differ.
import { PROBLEM_CODES, PROBLEMS } from "./problems.js";

export function problemCodeTable(): string {
  const rows = PROBLEM_CODES.map((code) => [`\`${code}\``, PROBLEMS[code].severity, PROBLEMS[code].docs]);
  const header = ["code", "severity", "meaning"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** `markdown` with the table under "### Problem codes" replaced by the one written from the table. */
export function withProblemCodeTable(markdown: string): string {
  const heading = markdown.indexOf("### Problem codes");
  if (heading === -1) throw new Error('docs/cli.md has no "### Problem codes" heading');
  const start = markdown.indexOf("\n|", heading);
  let end = start + 1;
  while (markdown.startsWith("|", end)) {
    const next = markdown.indexOf("\n", end);
    end = next === -1 ? markdown.length : next + 1;
  }
  return `${markdown.slice(0, start + 1)}${problemCodeTable()}\n${markdown.slice(end)}`;
}

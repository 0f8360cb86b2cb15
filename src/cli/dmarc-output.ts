// How `rdns dmarc` writes its rows: an aligned table (with a volume summary) or one JSON object
// per row. Values that came from a report (domains, results) are the reporter's bytes: shown inert.
import type { DmarcRow } from "../dmarc/index.js";
import { safeJson, terminalText } from "../render/inert-text.js";

/** A row with its check, when `--check` asked for one. */
export interface CheckedRow extends DmarcRow {
  verdict?: "pass" | "fail" | "inconclusive";
  problems?: string[];
}

export function jsonLines(rows: CheckedRow[]): string {
  return rows.map((row) => `${safeJson(row)}\n`).join("");
}

function pad(cells: string[][]): string {
  const widths =
    cells[0]?.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length))) ?? [];
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderDmarcTable(rows: CheckedRow[], checked: boolean): string {
  const header = ["IP", "COUNT", "SPF", "DKIM", "DISPOSITION", "HEADER FROM"];
  if (checked) header.push("VERDICT", "PROBLEMS");
  const cells = rows.map((row) => {
    const line = [row.ip, String(row.count), row.spf, row.dkim, row.disposition, row.headerFrom].map((cell) =>
      terminalText(cell),
    );
    if (checked) line.push(row.verdict ?? "-", (row.problems ?? []).join(" ") || "-");
    return line;
  });
  return `${pad([header, ...cells])}\n`;
}

const share = (part: number, total: number) => (total === 0 ? "0%" : `${((part / total) * 100).toFixed(1)}%`);

/** The summary: messages, sources, reports; with a check, the volume sent from failing addresses. */
export function renderDmarcSummary(
  rows: CheckedRow[],
  reports: number,
  organisations: string[],
  checked: boolean,
): string {
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const orgs = [...new Set(organisations)].map((org) => terminalText(org)).join(", ");
  const lines = [
    `${total} messages from ${rows.length} source IPs in ${reports} report${reports === 1 ? "" : "s"}${orgs === "" ? "" : ` (${orgs})`}`,
  ];
  if (checked) {
    for (const verdict of ["fail", "inconclusive"] as const) {
      const matching = rows.filter((row) => row.verdict === verdict);
      if (matching.length === 0) continue;
      const volume = matching.reduce((sum, row) => sum + row.count, 0);
      const what = verdict === "fail" ? "fail reverse DNS" : "could not be checked (DNS errors)";
      const list = matching
        .slice(0, 10)
        .map((row) => `${row.ip} (${row.count})`)
        .join(", ");
      lines.push(
        `${volume} messages (${share(volume, total)}) were sent from ${matching.length} address${matching.length === 1 ? "" : "es"} that ${what}: ${list}${matching.length > 10 ? ", ..." : ""}`,
      );
    }
    if (rows.every((row) => row.verdict === "pass")) lines.push("every source IP passes reverse DNS");
  }
  return `${lines.join("\n")}\n`;
}

// How `rdns sweep` writes its rows (stdout) and its summary (stderr). ndjson streams one report per
// check as it completes; the table and csv keep a small row per address (not the report) so they
// can list the addresses in order at the end (the table also aligns its columns), as a reader of
// a spreadsheet or a diff of two sweeps expects.
import { type AddressRange, partsOf } from "../check/ranges.js";
import type { CheckReport, Verdict } from "../check/types.js";
import { safeJson, terminalText } from "../render/inert-text.js";

export type SweepFormat = "table" | "csv" | "ndjson";
export const SWEEP_FORMATS: readonly SweepFormat[] = ["table", "csv", "ndjson"];

/** Non-public blocks named per range at most; the rows name every address anyway. */
const MAX_NOTED = 5;

/**
 * One stderr line per non-public block inside a range that is otherwise public (192.88.99.0/24 in
 * 192.88.0.0/16): its addresses are still rows, each failing NOT_PUBLIC without a DNS question
 * (the check's rule for single addresses), and this says up front why, in one place. A range that
 * is wholly non-public needs no note: every one of its rows says it.
 */
export function notPublicNotes(ranges: readonly AddressRange[]): string {
  let text = "";
  for (const range of ranges) {
    if (range.size === 1) continue;
    const parts = partsOf(range);
    const hidden = parts.filter((part) => part.why !== null);
    if (hidden.length === 0 || hidden.length === parts.length) continue;
    for (const part of hidden.slice(0, MAX_NOTED)) {
      text += `rdns sweep: ${part.cidr} in ${range.text} ${part.why}: ${part.size === 1 ? "it is" : `its ${part.size} addresses are`} not asked about (rows fail NOT_PUBLIC)\n`;
    }
    if (hidden.length > MAX_NOTED) {
      text += `rdns sweep: and ${hidden.length - MAX_NOTED} more non-public blocks in ${range.text}\n`;
    }
  }
  return text;
}

/** What the table and csv show of one report. */
export interface SweepRow {
  index: number;
  ip: string;
  verdict: Verdict;
  /** The PTR names, or the status when there are none (nxdomain, timeout, ...). */
  ptr: string;
  fcrdns: string;
  problems: string;
  /** Who controls the PTR: the reverse zone and the provider its servers reveal ("" when unknown). */
  ownerZone: string;
  ownerProvider: string;
}

export function toRow(report: CheckReport, index: number): SweepRow {
  return {
    index,
    ip: report.ip,
    verdict: report.verdict,
    // PTR names are the zone owner's bytes: shown inert (control and bidi characters written out).
    ptr:
      report.ptr.names.length > 0
        ? report.ptr.names.map((name) => terminalText(name)).join(" ")
        : report.ptr.status,
    fcrdns: report.fcrdns,
    problems: [...new Set(report.problems.map((problem) => problem.code))].join(" "),
    // From DNS, like PTR names: inert. A report without an owner (an older one) shows nothing.
    ownerZone: terminalText(report.owner?.zone ?? ""),
    ownerProvider: report.owner?.provider ?? "",
  };
}

export const CSV_HEADER = "ip,verdict,ptr,fcrdns,problems,owner_zone,owner_provider\n";

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string): string {
  // A cell a spreadsheet would run as a formula (OWASP "CSV injection") starts with a quote mark.
  const cell = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

export function csvLine(row: SweepRow): string {
  return `${[row.ip, row.verdict, row.ptr, row.fcrdns, row.problems, row.ownerZone, row.ownerProvider].map(csvField).join(",")}\n`;
}

/** One CheckReport per line, the object `rdns check --json` prints (compact). */
export function ndjsonLine(report: CheckReport): string {
  return `${safeJson(report)}\n`;
}

/** In the order the addresses were given, like the table. */
function inOrder(rows: SweepRow[]): SweepRow[] {
  return [...rows].sort((a, b) => a.index - b.index);
}

/** The header and one line per row, rows in address order. */
export function renderCsv(rows: SweepRow[]): string {
  return CSV_HEADER + inOrder(rows).map(csvLine).join("");
}

const COLUMNS: Array<[string, keyof SweepRow]> = [
  ["IP", "ip"],
  ["VERDICT", "verdict"],
  ["PTR", "ptr"],
  ["FCRDNS", "fcrdns"],
  ["PROBLEMS", "problems"],
];

/** Aligned columns, rows in the order the addresses were given. */
export function renderTable(rows: SweepRow[]): string {
  const sorted = inOrder(rows);
  const widths = COLUMNS.map(([title, key]) =>
    Math.max(title.length, ...sorted.map((row) => String(row[key]).length)),
  );
  const line = (cells: string[]) =>
    `${cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd()}\n`;
  return (
    line(COLUMNS.map(([title]) => title)) +
    sorted.map((row) => line(COLUMNS.map(([, key]) => String(row[key])))).join("")
  );
}

/** Counts by verdict and by problem code (each code once per address). */
export class SweepTally {
  readonly verdicts: Record<Verdict, number> = { pass: 0, fail: 0, inconclusive: 0 };
  readonly problems = new Map<string, number>();
  total = 0;

  add(report: CheckReport): void {
    this.addResult(report.verdict, new Set(report.problems.map((problem) => problem.code)));
  }

  /** One address's verdict and its distinct problem codes (what a sweep thread posts). */
  addResult(verdict: Verdict, codes: Iterable<string>): void {
    this.total++;
    this.verdicts[verdict]++;
    for (const code of codes) this.problems.set(code, (this.problems.get(code) ?? 0) + 1);
  }

  /** The summary lines for stderr. */
  render(seconds: number, questions: number): string {
    const rate = seconds > 0 ? Math.round(this.total / seconds) : this.total;
    const problems = [...this.problems.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([code, count]) => `${code} ${count}`);
    return (
      `swept ${this.total} address${this.total === 1 ? "" : "es"} in ${seconds.toFixed(2)} s ` +
      `(${rate} checks/s, ${questions} DNS questions): ` +
      `${this.verdicts.pass} pass, ${this.verdicts.fail} fail, ${this.verdicts.inconclusive} inconclusive\n` +
      `problems: ${problems.length > 0 ? problems.join(", ") : "none"}\n`
    );
  }
}

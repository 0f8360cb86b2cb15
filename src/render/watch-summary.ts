// A watch's run summary (the "watch-summary" message: many addresses changed in one run) as lines
// of text with each platform's escaping and markup, which the plain-text renderer, Block Kit and
// Discord embeds all build from; and its attachment, every changed address as CSV.
//
// The CSV is written as GET /servers.csv is (./inert-csv.ts: formulas, control and bidi
// characters made inert), since PTR names come from DNS.
import type { OutboundMessage, WatchChange, WatchSummaryLine } from "../chat/types.js";
import { inertCsv } from "./inert-csv.js";

export type WatchSummaryMessage = Extract<OutboundMessage, { kind: "watch-summary" }>;

/** How a platform writes untrusted text inline, and bold. */
export interface SummaryMarkup {
  inline(text: string): string;
  bold(text: string): string;
}

/** The attachment's name. */
export const SUMMARY_FILENAME = "rdns-watch-changes.csv";

export const CHANGE_WORDS: Record<WatchChange, string> = {
  broke: "broke",
  recovered: "recovered",
  drifted: "changed PTR name",
  "helo-broke": "HELO broke",
  "helo-recovered": "HELO recovered",
  "greeting-drifted": "changed SMTP greeting name",
  listed: "got listed on a blocklist",
  delisted: "got delisted",
};

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** "203.0.113.0/24: 40 addresses changed in one run: 38 broke, 2 recovered" */
export function summaryTitle(message: WatchSummaryMessage, markup: SummaryMarkup): string {
  const counts = message.changes.map(
    ({ change, count }) => `${count.toLocaleString("en-US")} ${CHANGE_WORDS[change]}`,
  );
  return `${markup.inline(message.target)}: ${plural(message.total, "address", "addresses")} changed in one run: ${counts.join(", ")}`;
}

/** One changed address: what it did, its verdict and PTR now, its main problem. */
export function summaryLineText(line: WatchSummaryLine, markup: SummaryMarkup): string {
  const ptr = line.ptr.length === 0 ? "no PTR name" : `PTR ${line.ptr.map(markup.inline).join(", ")}`;
  const was =
    line.previousNames.length === 0 || line.previousNames.join(" ") === line.ptr.join(" ")
      ? ""
      : ` (was ${line.previousNames.map(markup.inline).join(", ")})`;
  const problem = line.problem === null ? "" : `; ${markup.bold(line.problem)}`;
  return `${markup.inline(line.ip)} ${CHANGE_WORDS[line.change]}, now ${line.verdict}: ${ptr}${was}${problem}`;
}

/** "NO_PTR: 40 addresses (203.0.113.1, 203.0.113.2, …)" */
export function summaryGroupText(
  group: WatchSummaryMessage["groups"][number],
  markup: SummaryMarkup,
): string {
  const more = group.count > group.ips.length ? ", …" : "";
  return `${markup.bold(group.problem)}: ${plural(group.count, "address", "addresses")} (${group.ips.map(markup.inline).join(", ")}${more})`;
}

/**
 * The lines after the title: the problems now, the first addresses, and where the rest are:
 * `files`, the names of the files sent with it (none on a terminal, which prints them).
 */
export function summaryBody(
  message: WatchSummaryMessage,
  markup: SummaryMarkup,
  files: readonly string[],
): string[] {
  const lines: string[] = [];
  if (message.groups.length > 0)
    lines.push("By problem now:", ...message.groups.map((group) => `• ${summaryGroupText(group, markup)}`));
  const first = message.lines.length < message.total ? `The first ${message.lines.length}:` : "Each address:";
  lines.push(first, ...message.lines.map((line) => `• ${summaryLineText(line, markup)}`));
  const left = message.total - message.lines.length;
  if (files.length > 0) {
    const names = files.map((name) => markup.inline(name));
    const where = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
    lines.push(
      `${left > 0 ? `… and ${plural(left, "more address", "more addresses")}. ` : ""}Every changed address is in ${where}.`,
    );
  }
  return lines;
}

/** One row of the attachment: a changed address, as the run saw it. */
export interface SummaryCsvRow extends WatchSummaryLine {
  watch: string;
  problems: string[];
  lists: string[];
  checkedAt: string;
}

const HEADER = [
  "ip",
  "watch",
  "change",
  "verdict",
  "ptr",
  "previous",
  "problem",
  "problems",
  "lists",
  "checked_at",
];

export function summaryCsv(rows: readonly SummaryCsvRow[]): string {
  return inertCsv(
    HEADER,
    rows.map((row) => [
      row.ip,
      row.watch,
      row.change,
      row.verdict,
      row.ptr.join(" "),
      row.previousNames.join(" "),
      row.problem ?? "",
      row.problems.join(" "),
      row.lists.join(" "),
      row.checkedAt,
    ]),
  );
}

/**
 * A CSV cut into files of at most `maxBytes` each (UTF-8), every one with the header, its rows in
 * order and never cut inside a row (summaryCsv writes line breaks inside a cell out as `\u000a`,
 * so a record is one line): for a platform whose upload limit a /16's changes can pass.
 * One part, named as given, when it fits; else `name-1.csv`, `name-2.csv`, ...
 */
export function splitCsv(
  filename: string,
  content: string,
  maxBytes: number,
): { name: string; content: string }[] {
  if (Buffer.byteLength(content, "utf8") <= maxBytes) return [{ name: filename, content }];
  const newline = "\r\n";
  const [header = "", ...rows] = content.split(newline).filter((row) => row !== "");
  const stem = filename.replace(/\.csv$/i, "");
  const parts: string[][] = [];
  let current: string[] = [];
  let size = Buffer.byteLength(header + newline, "utf8");
  const start = size;
  for (const row of rows) {
    const bytes = Buffer.byteLength(row + newline, "utf8");
    if (current.length > 0 && size + bytes > maxBytes) {
      parts.push(current);
      current = [];
      size = start;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length > 0) parts.push(current);
  return parts.map((part, index) => ({
    name: `${stem}-${index + 1}.csv`,
    content: [header, ...part].join(newline) + newline,
  }));
}

// `/rdns status` as lines of plain text, shared by every platform: a head (per-watch counts), one
// line per row, and the fitting of as many rows as a platform's limit allows with "N more" (the
// whole table then goes along as the message's CSV attachment). Each platform escapes the lines
// its own way (terminalText, slackText, escapeText) before they are measured.
import type { OutboundMessage, StatusRow, StatusWatchSummary } from "../chat/types.js";
import { blocklistRowText } from "./blocklist-row.js";

type StatusMessage = Extract<OutboundMessage, { kind: "status" }>;

const VERDICT_WORD: Record<StatusRow["verdict"], string> = {
  pass: "PASS",
  fail: "FAIL",
  inconclusive: "COULD NOT TELL",
  pending: "PENDING",
};

/** "2026-12-01 09:00Z": minutes are enough in chat; the CSV keeps the full ISO time. */
function shortTime(iso: string | null): string {
  return iso === null ? "never" : `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

function heloPart(helo: StatusRow["helo"]): string {
  if (helo === null) return "HELO -";
  const matches =
    helo.matchesPtr === null ? "match unknown" : helo.matchesPtr ? "matches PTR" : "differs from PTR";
  const resolves =
    helo.resolvesToIp === null
      ? ""
      : helo.resolvesToIp
        ? ", resolves to the IP"
        : ", does not resolve to the IP";
  return `HELO ${helo.name} (${matches}${resolves})`;
}

/**
 * One address's line in three parts: before the problem codes (IP, PTR, FCrDNS, HELO, verdict),
 * the codes, and after them (since, last checked). A renderer that escapes free text in a way
 * that would disfigure a code (Slack's look-alike underscore) shows the codes its own way.
 */
export function statusRowParts(row: StatusRow): { head: string; problems: string[]; tail: string } {
  const ptr = row.ptr.length === 0 ? "no PTR name" : row.ptr.join(", ");
  const paused = row.paused ? " · paused" : "";
  const listText = blocklistRowText(row.blocklists ?? []);
  const lists = listText === "" ? "" : ` · lists ${listText}`;
  return {
    head: `${row.ip} · PTR ${ptr} · FCrDNS ${row.fcrdns} · ${heloPart(row.helo)} · ${VERDICT_WORD[row.verdict]}`,
    problems: row.problems,
    tail: `${lists} · since ${shortTime(row.since)} · checked ${shortTime(row.checkedAt)}${paused}`,
  };
}

/** One address on one line: IP, PTR, FCrDNS, HELO, verdict (and problems), since, last checked. */
export function statusRowLine(row: StatusRow): string {
  const { head, problems, tail } = statusRowParts(row);
  return `${head}${problems.map((code) => ` ${code}`).join("")}${tail}`;
}

function summaryLine(summary: StatusWatchSummary): string {
  const counts = (["pass", "fail", "inconclusive", "pending"] as const)
    .filter((verdict) => summary.counts[verdict] > 0)
    .map(
      (verdict) => `${summary.counts[verdict]} ${verdict === "inconclusive" ? "could not tell" : verdict}`,
    );
  const helo = summary.helo === null ? "" : ` (HELO ${summary.helo})`;
  const paused = summary.paused ? " · paused: deliveries to this channel keep failing" : "";
  return `${summary.watch}${helo}: ${counts.length === 0 ? "nothing checked yet" : counts.join(", ")}${paused}`;
}

/** The lines before the rows: a title, and per-watch counts when the whole channel was asked. */
export function statusHeadLines(message: StatusMessage): string[] {
  if (message.summaries.length === 0)
    return [
      message.scope === null
        ? "This channel watches nothing yet. Try /rdns watch 203.0.113.5"
        : `Nothing this channel watches matches ${message.scope}.`,
    ];
  const title = message.scope === null ? "Status of this channel's watches:" : `Status of ${message.scope}:`;
  const head = [title, ...(message.scope === null ? message.summaries.map(summaryLine) : [])];
  if (message.scope === null)
    head.push(
      message.rows.length === 0 ? "Every watched address passes." : `Not passing (${message.rows.length}):`,
    );
  return head;
}

export interface FittedStatus {
  lines: string[];
  /** Rows shown. */
  shown: number;
  /** Rows left out for the limit: when more than 0, the CSV attachment carries them. */
  more: number;
}

/**
 * The head and as many rows as fit in `budget` characters once escaped (lines joined by "\n"),
 * then "N more", naming the attached file. Infinity shows everything.
 */
export function fitStatus(
  message: StatusMessage,
  escapeLine: (line: string) => string,
  budget: number,
  /** One row, rendered for the platform (default: its plain line, escaped whole). */
  rowLine: (row: StatusRow) => string = (row) => escapeLine(statusRowLine(row)),
): FittedStatus {
  const lines = statusHeadLines(message).map(escapeLine);
  let used = lines.reduce((sum, line) => sum + line.length + 1, 0);
  const moreLine = (count: number) =>
    escapeLine(`… ${count} more: the whole table is attached as ${message.attachment.filename}.`);
  // Room for the "N more" line is kept whenever something could be left out.
  const reserve = moreLine(message.rows.length).length + 1;
  let shown = 0;
  for (const row of message.rows) {
    const line = rowLine(row);
    const last = shown === message.rows.length - 1;
    if (used + line.length + 1 + (last ? 0 : reserve) > budget) break;
    lines.push(line);
    used += line.length + 1;
    shown++;
  }
  const more = message.rows.length - shown;
  if (more > 0) lines.push(moreLine(more));
  return { lines, shown, more };
}

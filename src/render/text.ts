// Every OutboundMessage as plain text: the console platform's rendering (and a fallback for any
// platform that has nothing richer). Text from users and DNS goes through terminalText
// (inert-text.ts): a PTR name or a pasted bounce cannot move the terminal's cursor, change its
// colours or reorder the line; echoes of what a user typed are cut (echo.ts) as on Slack and
// Discord.

import type { OutboundMessage } from "../chat/types.js";
import type { ReportView, VerdictView } from "../chat/views.js";
import { baselineBody, baselineTitle } from "./baseline.js";
import { listChangeDetail } from "./blocklist-row.js";
import { renderBounceText } from "./bounce-text.js";
import { renderReportText, renderVerdictLine } from "./check-text.js";
import { dmarcFooter, dmarcRowLines, dmarcTitle } from "./dmarc-text.js";
import { clearedFigures, formatDuration } from "./duration.js";
import { boundedProblem, shortenQuotedEchoes } from "./echo.js";
import { terminalText } from "./inert-text.js";
import { reusedNote } from "./reused.js";
import { namedListLine } from "./sections/blocklists.js";
import { fitStatus } from "./status-text.js";
import { summaryBody, summaryTitle } from "./watch-summary.js";

/** Untrusted text that may span lines (notices): invisible characters written out, lines kept. */
export function plain(text: string): string {
  return terminalText(text, { multiline: true });
}

/** One untrusted value on one line. */
const value = (text: string) => terminalText(text);

/** One line: the verdict and the summary (src/render/check-text.ts, shared with `rdns check`). */
export function verdictLine(report: VerdictView): string {
  return renderVerdictLine(report);
}

/** The whole report, for the thread: the same text `rdns check` prints. */
export function reportText(report: ReportView): string {
  return renderReportText(report);
}

function silentNote(servers: readonly string[] | undefined): string {
  if (servers === undefined || servers.length === 0) return "";
  return ` ${servers.join(", ")} did not answer, so ${servers.length === 1 ? "it is" : "they are"} not included.`;
}

/** The one wording of a check that never ran (every renderer says the same). */
/** After "Checking…" when the check ran but a full Redis refused its answer; "" otherwise. */
export function storageFullWait({ storageFull }: { storageFull?: { reference: string } }): string {
  if (storageFull === undefined) return "";
  return ` Checked, but the bot's storage (Redis) is full, so the answer cannot be saved or posted yet; it will replace this line once an operator frees memory (reference ${storageFull.reference}).`;
}

export function notQueuedText({
  ip,
  storageFull,
}: {
  ip: string;
  storageFull?: { reference: string };
}): string {
  if (storageFull !== undefined)
    return `Could not check ${ip}: the bot's storage (Redis) is full, so nothing was checked; an operator has to free memory, then please ask again (reference ${storageFull.reference}).`;
  return `Could not check ${ip}: the check could not be queued (the bot could not reach its queue), so nothing was checked. Please ask again.`;
}

/** The reused-answer note for a typed-command platform, between `before` and `after`; "" if fresh. */
function reusedLine(
  message: { report: { ip: string }; reusedSeconds?: number },
  before: string,
  after = "",
): string {
  if (message.reusedSeconds === undefined) return "";
  return `${before}${reusedNote(message.reusedSeconds, `/rdns recheck ${value(message.report.ip)}`)}${after}`;
}

export function renderText(message: OutboundMessage): string {
  // The last pass catches nothing a branch below missed on purpose; it keeps the promise if one
  // is added without escaping.
  return plain(renderParts(message)).trimEnd();
}

function renderParts(message: OutboundMessage): string {
  switch (message.kind) {
    case "notice":
      return plain(shortenQuotedEchoes(message.text));
    case "checking":
      return `Checking ${value(message.ip)}${message.helo === null ? "" : ` (HELO ${value(message.helo)})`}...${storageFullWait(message)}`;
    case "verdict":
      return `${verdictLine(message.report)}${reusedLine(message, " ")}`;
    case "report":
      return `${message.focusList ? `${value(namedListLine(message.focusList, message.report))}\n` : ""}${reusedLine(message, "", "\n")}${reportText(message.report)}`;
    case "bounce":
      return renderBounceText(message.findings, message.truncated);
    case "dmarc": {
      const markup = { inline: value, text: value };
      const footer = dmarcFooter(message);
      return [
        dmarcTitle(message, markup),
        ...dmarcRowLines(message, markup),
        ...(footer === null ? [] : [footer]),
      ].join("\n");
    }
    case "cleared":
      return `Cleared: ${message.report.ip} now passes at the authority and every resolver that answered, after ${formatDuration(message.elapsedSeconds)} and ${message.rechecks} re-check${message.rechecks === 1 ? "" : "s"}${clearedFigures(message)}.${silentNote(message.silentResolvers)} ${verdictLine(message.report)}`;
    case "still-failing":
      return message.final === true
        ? `Gave up after ${formatDuration(message.elapsedSeconds)} (${message.rechecks} re-checks): still failing, no more re-checks. ${verdictLine(message.report)}`
        : `Still failing after ${formatDuration(message.elapsedSeconds)} (${message.rechecks} re-checks): ${verdictLine(message.report)}`;
    case "could-not-tell":
      // The detail says why (which servers failed, or that the worker kept stopping): not every
      // final failure is a DNS server's silence.
      return `Could not tell for ${value(message.ip)} after ${message.attempts} attempt${message.attempts === 1 ? "" : "s"}: ${value(message.detail)}. This is not a "no PTR"; try again later.`;
    case "not-queued":
      return notQueuedText(message);
    case "watch-change": {
      const was =
        message.previousNames.length === 0 ? "" : ` (was ${message.previousNames.map(value).join(", ")})`;
      const what = {
        broke: "broke",
        recovered: "recovered",
        drifted: "PTR name changed",
        "helo-broke": "HELO check now fails",
        "helo-recovered": "HELO check passes again",
        "greeting-drifted": "SMTP greeting name changed",
        listed: "is on a blocklist",
        delisted: "is off a blocklist",
      }[message.change];
      const lists = listChangeDetail(message.change, message.lists, message.report);
      return `${value(message.target)} ${what}${was}${lists ? ` (${value(lists)})` : ""}: ${verdictLine(message.report)}`;
    }
    case "watch-baseline": {
      const markup = { inline: value, bold: value };
      return [`${baselineTitle(message, markup)}.`, ...baselineBody(message, markup)].join("\n");
    }
    case "watch-summary": {
      // A terminal has no length limit and no attachments: every changed address follows, as CSV.
      const markup = { inline: value, bold: value };
      const rest =
        message.lines.length < message.total
          ? ["Every changed address (CSV):", plain(message.attachment.content).trimEnd()]
          : [];
      return [`${summaryTitle(message, markup)}.`, ...summaryBody(message, markup, []), ...rest].join("\n");
    }
    case "watches":
      return message.targets.length === 0
        ? "This channel watches nothing yet. Try /rdns watch 203.0.113.5"
        : `This channel watches: ${message.targets.map(value).join(", ")}`;
    case "status":
      // A terminal has no length limit: every row, no attachment needed.
      return fitStatus(message, value, Number.POSITIVE_INFINITY).lines.join("\n");
    case "usage-error":
      return `${value(boundedProblem(message.problem))}. Try: ${value(message.example)}`;
  }
}

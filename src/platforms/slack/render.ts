// OutboundMessage -> Slack Block Kit, with a plain `text` fallback on every message (shown in
// notifications and by clients that cannot draw blocks). Every value from a user or from DNS goes
// through escape.ts; every mrkdwn text object is `verbatim: true` (no auto-linking).
// Block Kit limits (api.slack.com/reference/block-kit/blocks): 50 blocks per message, 3000
// characters per section text, 150 per header, 10 fields of 2000 each.

import type { OutboundMessage, StatusRow } from "../../chat/types.js";
import { type BaselineMessage, baselineBody, baselineTitle } from "../../render/baseline.js";
import { listChangeDetail } from "../../render/blocklist-row.js";
import { buttonsFor } from "../../render/buttons.js";
import { dmarcFooter, dmarcRowLines, dmarcTitle } from "../../render/dmarc-text.js";
import { clearedFigures, formatDuration } from "../../render/duration.js";
import { boundedProblem, shortenQuotedEchoes } from "../../render/echo.js";
import { reusedNote } from "../../render/reused.js";
import { namedListLine } from "../../render/sections/blocklists.js";
import { type FittedStatus, fitStatus, statusRowParts } from "../../render/status-text.js";
import { notQueuedText, storageFullWait } from "../../render/text.js";
import { summaryBody, summaryTitle, type WatchSummaryMessage } from "../../render/watch-summary.js";
import { context, limitBlocks, MAX_BLOCKS, MAX_SECTION_TEXT, type SlackBlock, section } from "./blocks.js";
import { slackActionsBlock } from "./buttons.js";
import { codeBlock, inlineCode, slackText, truncateMrkdwn } from "./escape.js";
import { names, RECEIVER_LABEL, reportBlocks, verdictLine } from "./report.js";

export { limitBlocks, MAX_BLOCKS, MAX_SECTION_TEXT, type SlackBlock } from "./blocks.js";
export { reportBlocks, verdictLine } from "./report.js";

export interface SlackRendered {
  /** Fallback text (mrkdwn, escaped); also what notifications show. */
  text: string;
  blocks: SlackBlock[];
}

const MAX_FALLBACK_TEXT = 3000;

function fallback(text: string): string {
  return truncateMrkdwn(text, MAX_FALLBACK_TEXT);
}

/** `/rdns status` within one section; rows left out go in the CSV file the sender uploads. */
export function fitSlackStatus(message: Extract<OutboundMessage, { kind: "status" }>): FittedStatus {
  // Problem codes as inline code: slackText would swap their underscores for a look-alike
  // (NO_PTR shown as NOˍPTR, which nobody can search for or paste into /rdns help).
  const rowLine = (row: StatusRow) => {
    const { head, problems, tail } = statusRowParts(row);
    return `${slackText(head)}${problems.map((code) => ` ${inlineCode(code)}`).join("")}${slackText(tail)}`;
  };
  return fitStatus(message, (line) => slackText(line), MAX_SECTION_TEXT, rowLine);
}

/** Renders any OutboundMessage. Pure: the same message always renders the same way. */
export function renderSlackMessage(message: OutboundMessage): SlackRendered {
  const rendered = renderBody(message);
  // A check result ends with its buttons (Re-check now, Watch this IP, Stop re-checking), kept
  // within Slack's 50 blocks however long the report is.
  const actions = slackActionsBlock(buttonsFor(message));
  if (actions === null) return rendered;
  return { text: rendered.text, blocks: [...limitBlocks(rendered.blocks, MAX_BLOCKS - 1), actions] };
}

function renderBody(message: OutboundMessage): SlackRendered {
  switch (message.kind) {
    case "status": {
      const { lines } = fitSlackStatus(message);
      return { text: fallback(lines[0] ?? "Status"), blocks: [section(lines.join("\n"))] };
    }
    case "notice": {
      const text = slackText(shortenQuotedEchoes(message.text), { multiline: true });
      return { text: fallback(text), blocks: [section(text)] };
    }
    case "checking": {
      const helo = message.helo === null ? "" : ` with HELO ${inlineCode(message.helo)}`;
      const text = `:mag: Checking ${inlineCode(message.ip)}${helo} …${slackText(storageFullWait(message))}`;
      return { text: fallback(text), blocks: [section(text)] };
    }
    case "verdict": {
      const text = verdictLine(message.report);
      const reused =
        message.reusedSeconds === undefined ? "" : `${reusedNote(message.reusedSeconds, "Re-check now")} `;
      return { text: fallback(text), blocks: [section(text), context(`${reused}Details in the thread.`)] };
    }
    case "report": {
      const reused =
        message.reusedSeconds === undefined
          ? []
          : [context(reusedNote(message.reusedSeconds, "Re-check now"))];
      // A bounce named a list: its state for the refused IP comes first.
      const named = message.focusList
        ? [section(slackText(namedListLine(message.focusList, message.report)))]
        : [];
      return {
        text: fallback(verdictLine(message.report)),
        blocks: limitBlocks([...named, ...reused, ...reportBlocks(message.report)]),
      };
    }
    case "bounce":
      return renderBounce(message);
    case "dmarc": {
      // Result words and names both as inline code: slackText would swap underscores in a domain.
      const markup = { inline: inlineCode, text: (text: string) => slackText(text) };
      const title = `:bar_chart: ${dmarcTitle(message, markup)}`;
      const rows = dmarcRowLines(message, markup);
      const footer = dmarcFooter(message);
      const blocks: SlackBlock[] = [section(title)];
      if (rows.length > 0) blocks.push(section(truncateMrkdwn(rows.join("\n"), MAX_SECTION_TEXT)));
      // Our own words: the command shows as inline code.
      if (footer !== null) blocks.push(context(footer));
      return { text: fallback(title), blocks };
    }
    case "cleared": {
      const silent = message.silentResolvers ?? [];
      const note =
        silent.length === 0
          ? ""
          : ` (${silent.map(inlineCode).join(", ")} did not answer, so ${silent.length === 1 ? "it is" : "they are"} not included)`;
      const text = `:tada: ${inlineCode(message.report.ip)} cleared after ${formatDuration(message.elapsedSeconds)} (${message.rechecks} re-checks${clearedFigures(message)})${note}: ${slackText(message.report.summary)}`;
      return { text: fallback(text), blocks: [section(text)] };
    }
    case "still-failing": {
      const text =
        message.final === true
          ? `:x: Gave up: ${inlineCode(message.report.ip)} is still failing after ${formatDuration(message.elapsedSeconds)} (${message.rechecks} re-checks); I have stopped re-checking.`
          : `:x: ${inlineCode(message.report.ip)} is still failing after ${formatDuration(message.elapsedSeconds)} (${message.rechecks} re-checks); I keep re-checking.`;
      const blocks = [section(text), ...reportBlocks(message.report).slice(1)];
      return { text: fallback(text), blocks: limitBlocks(blocks) };
    }
    case "could-not-tell": {
      const text = `:warning: Could not tell for ${inlineCode(message.ip)} after ${message.attempts} attempts: ${slackText(message.detail)}. A DNS failure is not a missing PTR; try again later.`;
      return { text: fallback(text), blocks: [section(text)] };
    }
    case "not-queued": {
      const text = `:warning: ${slackText(notQueuedText(message))}`;
      return { text: fallback(text), blocks: [section(text)] };
    }
    case "watch-change":
      return renderWatchChange(message);
    case "watch-baseline":
      return renderBaseline(message);
    case "watch-summary":
      return renderWatchSummary(message);
    case "watches": {
      const list =
        message.targets.length === 0
          ? "No watches in this channel. Add one: `/rdns watch 203.0.113.5`"
          : `Watching in this channel:\n${message.targets.map((t) => `• ${inlineCode(t)}`).join("\n")}`;
      return { text: fallback(list), blocks: [section(list)] };
    }
    case "usage-error": {
      const text = `${slackText(boundedProblem(message.problem))}\nExample: ${inlineCode(message.example)}`;
      return { text: fallback(text), blocks: [section(text)] };
    }
  }
}

const BOUNCE_RECEIVER: Record<string, string> = {
  ...RECEIVER_LABEL,
  other: "The receiver",
  unknown: "The receiver",
};
const CATEGORY_WORDS: Record<string, string> = {
  rdns: "reverse DNS (PTR / FCrDNS)",
  blocklist: "a blocklist listing, not reverse DNS",
  auth: "authentication (SPF / DKIM / DMARC), not reverse DNS",
  reputation: "sender reputation, not reverse DNS",
  ratelimit: "rate limiting, not reverse DNS",
  mailbox: "the recipient's mailbox, not the sender",
  policy: "the receiver's policy",
  other: "a reason the text does not make clear",
};

function renderBounce(message: Extract<OutboundMessage, { kind: "bounce" }>): SlackRendered {
  const count = message.findings.length;
  const title = `:envelope_with_arrow: Read ${count} refused ${count === 1 ? "delivery" : "deliveries"}${message.truncated ? " (only the start of a long message was read)" : ""}`;
  const blocks: SlackBlock[] = [section(title)];
  for (const finding of message.findings) {
    const codes = [finding.smtpCode, finding.enhancedCode].filter((c) => c !== null).join(" ");
    const who = BOUNCE_RECEIVER[finding.receiver] ?? "The receiver";
    const lines = [
      `*${who}* refused ${finding.ip === null ? "the sender (no IP in the text)" : inlineCode(finding.ip)}${codes === "" ? "" : ` (${slackText(codes)})`}: ${CATEGORY_WORDS[finding.category] ?? slackText(finding.category)}`,
      finding.helo === null ? null : `HELO ${inlineCode(finding.helo)}`,
      finding.recipient === null ? null : `Recipient ${inlineCode(finding.recipient)}`,
      codeBlock(finding.diagnostic),
    ].filter((line): line is string => line !== null);
    blocks.push(section(lines.join("\n")));
  }
  return { text: fallback(title), blocks: limitBlocks(blocks) };
}

function renderWatchChange(message: Extract<OutboundMessage, { kind: "watch-change" }>): SlackRendered {
  const { report, change } = message;
  const what =
    change === "broke"
      ? ":rotating_light: broke"
      : change === "recovered"
        ? ":white_check_mark: recovered"
        : change === "drifted"
          ? ":twisted_rightwards_arrows: PTR changed"
          : change === "helo-broke"
            ? ":warning: HELO check now fails"
            : change === "greeting-drifted"
              ? ":twisted_rightwards_arrows: SMTP greeting changed"
              : change === "listed"
                ? ":no_entry: now on a blocklist"
                : change === "delisted"
                  ? ":white_check_mark: off a blocklist"
                  : ":white_check_mark: HELO check passes again";
  const lists = listChangeDetail(change, message.lists, report);
  const greeting = report.smtp?.bannerName ?? null;
  const drift =
    change === "drifted"
      ? `\nWas ${names(message.previousNames)}, now ${names(report.ptr.names)}.`
      : change === "greeting-drifted"
        ? `\nWas ${names(message.previousNames)}, now ${greeting === null ? "none" : names([greeting])}.`
        : lists
          ? `\n${slackText(lists)}.`
          : "";
  const text = `${what}: ${inlineCode(report.ip)} (watching ${inlineCode(message.target)}): ${slackText(report.summary)}${drift}`;
  const blocks = [section(text), ...reportBlocks(report).slice(1)];
  return { text: fallback(text), blocks: limitBlocks(blocks) };
}

/** Lines packed into sections of at most 3000 characters each, after a title section. */
function packedSections(title: string, body: readonly string[]): SlackBlock[] {
  const blocks: SlackBlock[] = [section(truncateMrkdwn(title, MAX_SECTION_TEXT))];
  let chunk = "";
  for (const raw of body) {
    const line = truncateMrkdwn(raw, MAX_SECTION_TEXT);
    if (chunk !== "" && chunk.length + line.length + 1 > MAX_SECTION_TEXT) {
      blocks.push(section(chunk));
      chunk = "";
    }
    chunk = chunk === "" ? line : `${chunk}\n${line}`;
  }
  if (chunk !== "") blocks.push(section(chunk));
  return limitBlocks(blocks);
}

/** The baseline: a title, then its lines packed into sections of at most 3000 characters. */
function renderBaseline(message: BaselineMessage): SlackRendered {
  const markup = { inline: inlineCode, bold: (text: string) => `*${slackText(text)}*` };
  const icon = message.fail > 0 ? ":x:" : message.inconclusive > 0 ? ":warning:" : ":white_check_mark:";
  const title = `${icon} ${baselineTitle(message, markup)}.`;
  return { text: fallback(title), blocks: packedSections(title, baselineBody(message, markup)) };
}

/**
 * Many changes of one watch in one run: counts, the problems, the first addresses; the sender
 * uploads the CSV of every changed address into the thread (SlackSender.attachFile).
 */
function renderWatchSummary(message: WatchSummaryMessage): SlackRendered {
  // Problem codes bold as plain text would lose their underscores to slackText's look-alike.
  const markup = { inline: inlineCode, bold: (text: string) => `*${inlineCode(text)}*` };
  const broke = message.changes.some(({ change }) => change === "broke" || change === "listed");
  const title = `${broke ? ":rotating_light:" : ":twisted_rightwards_arrows:"} Watch ${summaryTitle(message, markup)}.`;
  return {
    text: fallback(title),
    blocks: packedSections(title, summaryBody(message, markup, [message.attachment.filename])),
  };
}

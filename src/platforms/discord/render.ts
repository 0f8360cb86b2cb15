// Every OutboundMessage kind as Discord messages: embeds coloured by verdict, plain content for
// short notices. Renderers return one or more payloads; only `update` needs a single one, and the
// kinds it is used with (checking, verdict, notice) always render to one.

import type { APIEmbed } from "discord.js";
import type { BounceFinding } from "../../bounce/types.js";
import type { OutboundMessage } from "../../chat/types.js";
import type { ReportView, VerdictView } from "../../chat/views.js";
import { SECTION_IDS } from "../../check/sections/index.js";
import { baselineBody, baselineTitle } from "../../render/baseline.js";
import { listChangeDetail } from "../../render/blocklist-row.js";
import { buttonsFor } from "../../render/buttons.js";
import { clearedFigures, formatDuration } from "../../render/duration.js";
import { boundedProblem, shortenQuotedEchoes } from "../../render/echo.js";
import { reusedNote } from "../../render/reused.js";
import { namedListLine } from "../../render/sections/blocklists.js";
import { fitStatus } from "../../render/status-text.js";
import { notQueuedText, storageFullWait } from "../../render/text.js";
import { isReportView } from "../../render/views.js";
import { splitCsv, summaryBody, summaryTitle } from "../../render/watch-summary.js";
import { componentsFor } from "./buttons.js";
import { code, escapeInline, escapeText } from "./escape.js";
import {
  type DiscordPayload,
  fitLines,
  LIMITS,
  packEmbeds,
  type Section,
  sectionsToFields,
  splitContent,
  truncateName,
} from "./limits.js";
import { dmarcEmbed } from "./render-dmarc.js";
import {
  COLOURS,
  cacheLines,
  DISCORD_SECTIONS,
  fcrdnsLines,
  fixLines,
  ptrLines,
  RECEIVER_NAMES,
  receiverLines,
  reportSections,
  verdictTitle,
} from "./render-report.js";

const more = (left: number) => (left > 0 ? `… ${left} more line${left === 1 ? "" : "s"} in the thread` : "");

function fieldValue(lines: string[]): string {
  const value = fitLines(lines, LIMITS.fieldValue, more).trimEnd();
  return value === "" ? "-" : value;
}

/**
 * The parent message: one embed, each field cut at line boundaries with a pointer to the thread.
 * Discord's parent shows the report's fields, so its delivery carries a ReportView
 * (src/render/views.ts); a verdict with only the line gets the line.
 */
export function verdictEmbed(report: VerdictView | ReportView): APIEmbed {
  if (!isReportView(report)) {
    return {
      title: truncateName(verdictTitle(report), LIMITS.title),
      description: fitLines([escapeInline(report.summary)], 1000, more),
      color: COLOURS[report.verdict],
      footer: { text: "full report in the thread" },
    };
  }
  const receivers = (Object.keys(RECEIVER_NAMES) as (keyof typeof RECEIVER_NAMES)[]).map((name) => ({
    name: RECEIVER_NAMES[name],
    value: fieldValue(receiverLines(report, name, false)),
    inline: true,
  }));
  return {
    title: truncateName(verdictTitle(report), LIMITS.title),
    description: fitLines([escapeInline(report.summary)], 1000, more),
    color: COLOURS[report.verdict],
    fields: [
      { name: "PTR", value: fieldValue(ptrLines(report)), inline: false },
      { name: "FCrDNS", value: fieldValue(fcrdnsLines(report)), inline: true },
      ...SECTION_IDS.flatMap((id) => {
        const lines = DISCORD_SECTIONS[id].lines(report);
        return lines.length === 0
          ? []
          : [{ name: DISCORD_SECTIONS[id].name, value: fieldValue(lines), inline: true }];
      }),
      { name: "Caches (time left)", value: fieldValue(cacheLines(report)), inline: false },
      ...receivers,
      { name: "Fix", value: fieldValue(fixLines(report)), inline: false },
    ],
    footer: { text: `checked in ${report.durationMs} ms · full report in the thread` },
    timestamp: report.checkedAt,
  };
}

function reportPayloads(report: ReportView, title: string, colour: number, lead: string[]): DiscordPayload[] {
  const head: APIEmbed = {
    title: truncateName(title, LIMITS.title),
    description: fitLines([...lead, escapeInline(report.summary)], LIMITS.description, more),
    color: colour,
    timestamp: report.checkedAt,
  };
  return packEmbeds(head, sectionsToFields(reportSections(report)));
}

function bouncePayloads(findings: BounceFinding[], truncated: boolean): DiscordPayload[] {
  const sections: Section[] = findings.map((f, i) => ({
    name: `Bounce ${i + 1}: ${f.receiver}${f.enhancedCode !== null ? ` ${f.enhancedCode}` : ""}`,
    lines: [
      `IP: ${f.ip !== null ? escapeInline(f.ip) : "not named"} · HELO: ${f.helo !== null ? escapeInline(f.helo) : "not named"}`,
      `SMTP ${f.smtpCode ?? "?"} ${escapeInline(f.enhancedCode ?? "")} · ${f.category}${f.rdnsRelated ? " (reverse DNS)" : ""}`,
      ...(f.recipient !== null ? [`recipient: ${escapeInline(f.recipient)}`] : []),
      `> ${escapeInline(f.diagnostic)}`,
    ],
  }));
  const related = findings.filter((f) => f.rdnsRelated).length;
  const head: APIEmbed = {
    title: `Bounce read: ${findings.length} failure${findings.length === 1 ? "" : "s"}, ${related} about reverse DNS`,
    description: truncated ? "The paste was long; only its beginning was read." : undefined,
    color: related > 0 ? COLOURS.fail : COLOURS.neutral,
  };
  return packEmbeds(head, sectionsToFields(sections));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** An embed description holds 4,096 characters; a little is kept for the escaping's slack. */
const STATUS_BUDGET = 4_000;

/**
 * Every OutboundMessage as Discord payloads; a check result's last payload carries its buttons
 * (Re-check now, Watch this IP, Stop re-checking while the chain is open).
 */
export function renderMessage(message: OutboundMessage): DiscordPayload[] {
  const payloads = renderBody(message);
  const components = componentsFor(buttonsFor(message));
  const last = payloads.at(-1);
  if (components.length === 0 || last === undefined) return payloads;
  return [...payloads.slice(0, -1), { ...last, components }];
}

function renderBody(message: OutboundMessage): DiscordPayload[] {
  switch (message.kind) {
    case "status": {
      const fitted = fitStatus(message, escapeText, STATUS_BUDGET);
      const failing = message.rows.some((row) => row.verdict === "fail");
      const [title = "Status", ...body] = fitted.lines;
      const payload: DiscordPayload = {
        content: title,
        embeds: [
          {
            description: body.join("\n") || title,
            color: failing ? COLOURS.fail : message.rows.length === 0 ? COLOURS.pass : COLOURS.inconclusive,
          },
        ],
      };
      // Cut for the limit: the whole table goes along as a file.
      if (fitted.more > 0)
        payload.files = [
          { name: message.attachment.filename, data: Buffer.from(message.attachment.content, "utf8") },
        ];
      return [payload];
    }
    case "notice":
      return splitContent(escapeText(shortenQuotedEchoes(message.text)));
    case "checking":
      return splitContent(
        `🔎 Checking ${escapeInline(message.ip)}${message.helo !== null ? ` (HELO ${escapeInline(message.helo)})` : ""} …${escapeText(storageFullWait(message))}`,
      );
    case "verdict":
      return [
        {
          ...(message.reusedSeconds === undefined
            ? {}
            : { content: reusedNote(message.reusedSeconds, "Re-check now") }),
          embeds: [verdictEmbed(message.report)],
        },
      ];
    case "report":
      return reportPayloads(
        message.report,
        `Report for ${escapeInline(message.report.ip)}`,
        COLOURS[message.report.verdict],
        [
          // A bounce named a list: its state for the refused IP comes first.
          ...(message.focusList ? [escapeText(namedListLine(message.focusList, message.report))] : []),
          ...(message.reusedSeconds === undefined ? [] : [reusedNote(message.reusedSeconds, "Re-check now")]),
        ],
      );
    case "bounce":
      return bouncePayloads(message.findings, message.truncated);
    case "dmarc":
      return [{ embeds: [dmarcEmbed(message)] }];
    case "cleared": {
      const silent = message.silentResolvers ?? [];
      const silentNote =
        silent.length === 0
          ? []
          : [
              `${silent.map(escapeInline).join(", ")} did not answer, so ${silent.length === 1 ? "it is" : "they are"} not included.`,
            ];
      return reportPayloads(message.report, `✅ Cleared: ${escapeInline(message.report.ip)}`, COLOURS.pass, [
        `Visible everywhere after ${formatDuration(message.elapsedSeconds)} (${plural(message.rechecks, "re-check")}${clearedFigures(message)}).`,
        ...silentNote,
      ]);
    }
    case "still-failing":
      return reportPayloads(
        message.report,
        message.final === true
          ? `❌ Gave up: ${escapeInline(message.report.ip)}`
          : `❌ Still failing: ${escapeInline(message.report.ip)}`,
        COLOURS.fail,
        [
          message.final === true
            ? `Still failing after ${formatDuration(message.elapsedSeconds)} (${plural(message.rechecks, "re-check")}); no more re-checks.`
            : `Still failing after ${formatDuration(message.elapsedSeconds)} (${plural(message.rechecks, "re-check")}); re-checks go on.`,
        ],
      );
    case "could-not-tell":
      return [
        {
          embeds: [
            {
              title: truncateName(`⚠️ Could not tell for ${escapeInline(message.ip)}`, LIMITS.title),
              description: fitLines(
                [
                  escapeInline(message.detail),
                  `Gave up after ${plural(message.attempts, "attempt")}; DNS errors are not "no PTR".`,
                ],
                LIMITS.description,
                more,
              ),
              color: COLOURS.inconclusive,
            },
          ],
        },
      ];
    case "not-queued":
      return [{ embeds: [{ description: escapeText(notQueuedText(message)), color: COLOURS.inconclusive }] }];
    case "watch-change": {
      const words = {
        broke: "❌ broke",
        recovered: "✅ recovered",
        drifted: "🔀 PTR changed",
        "helo-broke": "⚠️ HELO check now fails",
        "helo-recovered": "✅ HELO check passes again",
        "greeting-drifted": "🔀 SMTP greeting changed",
        listed: "🚫 now on a blocklist",
        delisted: "✅ off a blocklist",
      }[message.change];
      const colour =
        message.change === "recovered" || message.change === "helo-recovered" || message.change === "delisted"
          ? COLOURS.pass
          : message.change === "broke" || message.change === "listed"
            ? COLOURS.fail
            : COLOURS.inconclusive;
      const lists = listChangeDetail(message.change, message.lists, message.report);
      const was =
        message.previousNames.length > 0 ? message.previousNames.map(escapeInline).join(", ") : "no names";
      return reportPayloads(
        message.report,
        `Watch ${escapeInline(message.target)}: ${escapeInline(message.report.ip)} ${words}`,
        colour,
        [`Before: ${was}`, ...(lists ? [escapeInline(lists)] : [])],
      );
    }
    case "watch-baseline": {
      const markup = { inline: escapeInline, bold: (text: string) => `**${escapeInline(text)}**` };
      const colour =
        message.fail > 0 ? COLOURS.fail : message.inconclusive > 0 ? COLOURS.inconclusive : COLOURS.pass;
      const description = fitLines(baselineBody(message, markup), LIMITS.description, (left) =>
        left > 0 ? `… ${left} more line${left === 1 ? "" : "s"} left out` : "",
      );
      return [
        {
          embeds: [
            {
              title: truncateName(baselineTitle(message, markup), LIMITS.title),
              description: description.trimEnd(),
              color: colour,
            },
          ],
        },
      ];
    }
    case "watch-summary": {
      // Many changes of one watch in one run: one embed, every changed address as CSV, in files
      // within Discord's upload limit (the first with the embed, any more one message each).
      const markup = { inline: escapeInline, bold: (text: string) => `**${escapeInline(text)}**` };
      const broke = message.changes.some(({ change }) => change === "broke" || change === "listed");
      const files = splitCsv(message.attachment.filename, message.attachment.content, LIMITS.fileBytes);
      const names = files.map((file) => file.name);
      const description = fitLines(summaryBody(message, markup, names), LIMITS.description, (left) =>
        left > 0 ? `… ${left} more line${left === 1 ? "" : "s"}: every address is in the attached file` : "",
      );
      const asFile = (file: { name: string; content: string }) => ({
        name: file.name,
        data: Buffer.from(file.content, "utf8"),
      });
      const [first, ...rest] = files;
      return [
        {
          embeds: [
            {
              title: truncateName(`Watch ${summaryTitle(message, markup)}`, LIMITS.title),
              description: description.trimEnd(),
              color: broke ? COLOURS.fail : COLOURS.inconclusive,
            },
          ],
          ...(first === undefined ? {} : { files: [asFile(first)] }),
        },
        ...rest.map((file) => ({ content: escapeInline(file.name), embeds: [], files: [asFile(file)] })),
      ];
    }
    case "watches": {
      const head: APIEmbed = {
        title: `Watched here: ${plural(message.targets.length, "target")}`,
        color: COLOURS.neutral,
        description:
          message.targets.length === 0 ? "Nothing yet. Try `/rdns watch range:203.0.113.0/28`." : undefined,
      };
      const fields = sectionsToFields(
        message.targets.length > 0 ? [{ name: "Targets", lines: message.targets.map(escapeInline) }] : [],
      );
      return packEmbeds(head, fields);
    }
    case "usage-error":
      return splitContent(
        `⚠️ ${escapeInline(boundedProblem(message.problem))}\nExample: ${code(message.example)}`,
      );
  }
}

// A check report as Block Kit, for the thread, and its one-line verdict for the parent message.
// Every value from DNS goes through escape.ts.

import type { PtrAnswerView, ReportView, VerdictView } from "../../chat/views.js";
import {
  isNonPublicAddress,
  privateAddressWords,
  type ShownAddresses,
} from "../../check/private-addresses.js";
import { SECTION_IDS } from "../../check/sections/index.js";
import type { LookupStatus, ReceiverName } from "../../check/types.js";
import { disagreeingServers, standingWords } from "../../render/authority-servers.js";
import { formatDuration } from "../../render/duration.js";
import { reportRequest } from "../../render/request-text.js";
import { context, header, type SlackBlock, section } from "./blocks.js";
import { codeBlock, inlineCode, slackText, truncateMrkdwn } from "./escape.js";
import { SLACK_SECTIONS } from "./sections.js";

export const VERDICT_ICON = { pass: ":white_check_mark:", fail: ":x:", inconclusive: ":warning:" } as const;
export const VERDICT_WORD = { pass: "passes", fail: "fails", inconclusive: "could not be checked" } as const;
export const RECEIVER_LABEL: Record<ReceiverName, string> = {
  gmail: "Gmail",
  microsoft: "Microsoft 365",
  yahoo: "Yahoo",
};

export function names(list: string[]): string {
  return list.length === 0 ? "none" : list.map(inlineCode).join(", ");
}

/** A forward lookup's addresses, each in code, non-public ones counted in words (issue 28); null: none. */
function forwardAddresses(lookup: ShownAddresses): string | null {
  const shown = lookup.addresses.map((address) =>
    isNonPublicAddress(address) ? `${inlineCode(address)} (private)` : inlineCode(address),
  );
  if ((lookup.privateAddresses ?? 0) > 0) shown.push(privateAddressWords(lookup.privateAddresses ?? 0));
  return shown.length > 0 ? shown.join(", ") : null;
}

function statusWords(status: LookupStatus | "skipped"): string {
  switch (status) {
    case "skipped":
      return "not asked (not a public address)";
    case "found":
      return "found";
    case "nxdomain":
      return "no PTR (NXDOMAIN)";
    case "nodata":
      return "no PTR (NODATA)";
    case "servfail":
      return "could not tell (SERVFAIL)";
    case "timeout":
      return "could not tell (timeout)";
    case "refused":
      return "could not tell (REFUSED)";
  }
}

function resolverLine(answer: PtrAnswerView): string {
  let line = `• ${inlineCode(answer.server)}: ${statusWords(answer.status)}`;
  if (answer.status === "found") line += ` ${names(answer.names)}`;
  if (answer.negativeTtlRemaining !== null) {
    line += `, cached for ${formatDuration(answer.negativeTtlRemaining)} more`;
  } else if (answer.ttl !== null && answer.status === "found") {
    line += ` (TTL ${formatDuration(answer.ttl)})`;
  }
  if (answer.error !== null) line += ` — ${slackText(answer.error)}`;
  return line;
}

/** One line for the parent message and for notifications: icon, IP, summary. */
export function verdictLine(report: VerdictView): string {
  return `${VERDICT_ICON[report.verdict]} *${slackText(report.ip)}* ${VERDICT_WORD[report.verdict]}: ${slackText(report.summary)}`;
}

/** The full result, for the thread. */
export function reportBlocks(report: ReportView): SlackBlock[] {
  const blocks: SlackBlock[] = [
    header(`${report.ip} ${VERDICT_WORD[report.verdict]}`),
    section(`${VERDICT_ICON[report.verdict]} ${slackText(report.summary)}`),
  ];
  const ptr = `${statusWords(report.ptr.status)}${report.ptr.status === "found" ? ` ${names(report.ptr.names)}` : ""}`;
  const fcrdns =
    report.fcrdns === "pass"
      ? "pass (a PTR name resolves back to the IP)"
      : report.fcrdns === "fail"
        ? "fail (no PTR name resolves back to the IP)"
        : "unknown";
  blocks.push(
    section(
      [
        `*PTR* (${inlineCode(report.reverseName)}): ${ptr}`,
        `*FCrDNS*: ${fcrdns}`,
        ...report.forward.map(
          (f) => `   ${inlineCode(f.name)} → ${forwardAddresses(f) ?? statusWords(f.status)}`,
        ),
        ...SECTION_IDS.flatMap((id) => {
          const row = SLACK_SECTIONS[id].render(report);
          return row === null ? [] : [`*${SLACK_SECTIONS[id].label}*: ${row}`];
        }),
      ].join("\n"),
    ),
  );
  if (report.authority !== null) {
    const auth = report.authority;
    blocks.push(
      section(
        [
          `*Authority* (${auth.zone === null ? "zone unknown" : inlineCode(auth.zone)}, asked ${names(auth.servers)}): ${statusWords(auth.status)}${auth.status === "found" ? ` ${names(auth.names)}` : ""}`,
          ...(auth.notAsked ?? []).map(
            (entry) => `• ${inlineCode(entry.nameServer)}: ${slackText(entry.reason)}`,
          ),
          ...(disagreeingServers(auth) === null ? [] : ["The zone's servers disagree:"]),
          ...(disagreeingServers(auth) ?? []).map(
            (line) =>
              `• ${inlineCode(line.server)}: ${slackText(standingWords(line))} — ${slackText(line.answer)}`,
          ),
        ].join("\n"),
      ),
    );
  }
  if (report.resolvers.length > 0) {
    const lines = report.resolvers.map(resolverLine);
    if (report.negativeCache !== null) {
      lines.push(
        `Negative TTL ${formatDuration(report.negativeCache.ttl)}; the last cached "no PTR" clears by ${slackText(report.negativeCache.clearsBy)}.`,
      );
    }
    blocks.push(section(`*Resolvers' caches*\n${lines.join("\n")}`));
  }
  const receivers = (Object.keys(RECEIVER_LABEL) as ReceiverName[]).map((name) => {
    const verdict = report.receivers[name];
    const line = `• *${RECEIVER_LABEL[name]}*: ${verdict.outcome} — ${slackText(verdict.reason)}`;
    return verdict.bounce === null ? line : `${line}\n${codeBlock(verdict.bounce)}`;
  });
  blocks.push(section(`*Receivers*\n${receivers.join("\n")}`));
  if (report.problems.length > 0) {
    blocks.push({ type: "divider" });
    for (const problem of report.problems) {
      const icon = problem.severity === "error" ? ":red_circle:" : ":large_yellow_circle:";
      blocks.push(section(`${icon} *${problem.code}*: ${slackText(problem.message)}`));
    }
  }
  if (report.fixSteps.length > 0) {
    const steps = report.fixSteps.map((step, i) => `${i + 1}. ${slackText(step)}`);
    blocks.push(section(`*How to fix*\n${steps.join("\n")}`));
  }
  const request = reportRequest(report);
  if (request !== null) {
    const to = request.selfService
      ? " (none needed: the provider's self-service)"
      : request.to === null
        ? " (to your provider's support)"
        : ` (send it to ${inlineCode(request.to)})`;
    blocks.push(section(truncateMrkdwn(`*Request text*${to}\n${codeBlock(request.text)}`, 3000)));
  }
  const provider = report.provider === null ? "" : ` · network: ${slackText(report.provider)}`;
  blocks.push(
    context(`Checked ${slackText(report.checkedAt)} in ${Math.round(report.durationMs)} ms${provider}`),
  );
  return blocks;
}

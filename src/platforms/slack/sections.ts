// Slack's entry per check section (src/check/sections), typed over SectionId like the text
// renderer's (src/render/sections/index.ts): a new section does not compile until it has a row
// in the Slack report. Values from DNS go through escape.ts.

import type { ReportView } from "../../chat/views.js";
import type { SectionId } from "../../check/sections/index.js";
import type { SectionRow } from "../../render/sections/index.js";
import { ownerFacts } from "../../render/sections/owner.js";
import { smtpFacts, smtpOf } from "../../render/sections/smtp.js";
import { inlineCode, slackText } from "./escape.js";

/** Slack mrkdwn, escaped: the line after "*HELO*: ". */
export function heloSlack(report: ReportView): string {
  const helo = report.helo;
  if (helo === null) return "not given (add it: `/rdns <ip> <helo-name>`)";
  const checks = [
    helo.fqdn || helo.addressLiteral ? "FQDN" : "not an FQDN",
    helo.resolvesToIp === null
      ? null
      : helo.resolvesToIp
        ? "resolves to the IP"
        : "does not resolve to the IP",
    helo.matchesPtr === null ? null : helo.matchesPtr ? "matches the PTR" : "differs from the PTR",
    helo.source === "greeting" ? "taken from the SMTP greeting (no HELO given)" : null,
  ].filter((part): part is string => part !== null);
  return `${inlineCode(helo.name)}: ${checks.join(", ")}`;
}

/** Slack mrkdwn, escaped: the greeting and the names are the remote server's, shown as inline code. */
export function smtpSlack(report: ReportView): string | null {
  const smtp = smtpOf(report);
  if (smtp === null) return null;
  const facts = smtpFacts(smtp);
  const parts = [slackText(facts.outcome)];
  if (facts.name !== null)
    parts.push(`greets as ${inlineCode(facts.name)}${facts.versusPtr ? `, ${facts.versusPtr}` : ""}`);
  if (facts.ehlo !== null) parts.push(`EHLO answered as ${inlineCode(facts.ehlo)}`);
  if (facts.tls !== null) parts.push(facts.tls);
  if (facts.banner !== null) parts.push(`greeting ${inlineCode(facts.banner)}`);
  if (facts.note !== null) parts.push(slackText(facts.note));
  return parts.join("; ");
}

/** Slack mrkdwn, escaped: each list's state; the list's TXT is untrusted text, shown inert. */
export function blocklistsSlack(report: ReportView): string {
  const entries = report.blocklists ?? [];
  if (entries.length === 0) return "not asked";
  return entries
    .map((entry) => {
      const icon = { listed: entry.policy ? "⚠️" : "❌", clean: "✅", refused: "⚠️", error: "⚠️" }[entry.status];
      const state =
        entry.status === "listed"
          ? `listed ${entry.codes.map(inlineCode).join(", ")}: ${slackText(entry.meaning ?? "")}`
          : entry.status === "clean"
            ? "not listed"
            : `could not tell: ${slackText(entry.meaning ?? "")}`;
      const txt = entry.txt ? ` (TXT ${inlineCode(entry.txt)})` : "";
      return `${icon} ${inlineCode(entry.zone)} ${state}${txt}`;
    })
    .join("\n");
}

/** Slack mrkdwn (report.ts), escaped. */
export const SLACK_SECTIONS: Record<SectionId, SectionRow> = {
  helo: { label: "HELO", render: heloSlack },
  owner: { label: "Owner", render: (report) => ownerFacts(report.owner, inlineCode).join(" · ") },
  smtp: { label: "SMTP", render: smtpSlack },
  blocklists: { label: "Blocklists", render: (report) => `\n${blocklistsSlack(report)}` },
};

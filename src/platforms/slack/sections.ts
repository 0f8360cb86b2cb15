// Slack's entry per check section (src/check/sections), typed over SectionId like the text
// renderer's (src/render/sections/index.ts): a new section does not compile until it has a row
// in the Slack report. Values from DNS go through escape.ts.

import type { ReportView } from "../../chat/views.js";
import type { SectionId } from "../../check/sections/index.js";
import type { SectionRow } from "../../render/sections/index.js";
import { ownerFacts } from "../../render/sections/owner.js";
import { inlineCode } from "./escape.js";

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
  ].filter((part): part is string => part !== null);
  return `${inlineCode(helo.name)}: ${checks.join(", ")}`;
}

/** Slack mrkdwn (report.ts), escaped. */
export const SLACK_SECTIONS: Record<SectionId, SectionRow> = {
  helo: { label: "HELO", render: heloSlack },
  owner: { label: "Owner", render: (report) => ownerFacts(report.owner, inlineCode).join(" · ") },
};

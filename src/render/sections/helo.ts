// The HELO section's rows in the shared renderers (plain text, Slack). Discord's is in
// src/platforms/discord/render-report.ts, the servers page's in src/web/pages/servers-page.ts.
import type { CheckReport } from "../../check/types.js";
import { inlineCode } from "../slack-escape.js";

/** Plain text (CLI, console): "HELO  <name>: FQDN, resolves to <ip>, matches the PTR". */
export function heloText(report: CheckReport): string {
  const helo = report.helo;
  if (!helo) return "not checked (no HELO name given)";
  const facts: string[] = [];
  if (helo.addressLiteral) {
    facts.push(
      helo.resolvesToIp
        ? `address literal of ${report.ip}`
        : `address literal of ANOTHER address, not ${report.ip}`,
    );
    return `${helo.name}: ${facts.join(", ")}`;
  }
  facts.push(helo.fqdn ? "FQDN" : "NOT an FQDN");
  if (helo.resolvesToIp === true) facts.push(`resolves to ${report.ip}`);
  else if (helo.resolvesToIp === false) {
    facts.push(helo.resolves ? `does NOT resolve to ${report.ip}` : "does NOT resolve");
  } else if (helo.fqdn) facts.push("lookup failed");
  if (helo.matchesPtr === true) facts.push("matches the PTR");
  else if (helo.matchesPtr === false) facts.push("differs from the PTR");
  return `${helo.name}: ${facts.join(", ")}`;
}

/** Slack mrkdwn, escaped: the line after "*HELO*: ". */
export function heloSlack(report: CheckReport): string {
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

// The HELO section's row in the shared plain-text renderer. Slack's is in
// src/platforms/slack/sections.ts, Discord's in src/platforms/discord/render-report.ts, the servers
// page's in src/web/pages/servers-page.ts.
import type { ReportView } from "../../chat/views.js";

/** Plain text (CLI, console): "HELO  <name>: FQDN, resolves to <ip>, matches the PTR". */
export function heloText(report: ReportView): string {
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
  if (helo.source === "greeting") facts.push("taken from the SMTP greeting (no HELO given)");
  return `${helo.name}: ${facts.join(", ")}`;
}

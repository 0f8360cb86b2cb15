// The blocklists section's row in the shared plain-text renderer (Slack's is in
// src/platforms/slack/sections.ts, Discord's in src/platforms/discord/render-report.ts). The
// report reaches it already made terminal-safe (check-text.ts), the list's TXT included.
import type { ReportView } from "../../chat/views.js";
import type { BlocklistResult } from "../../check/types.js";

/** "listed 127.0.0.2 (SBL: ...)", "clean", "refused (...)", "could not tell (...)". */
export function blocklistState(entry: BlocklistResult): string {
  switch (entry.status) {
    case "listed":
      return `LISTED ${entry.codes.join(", ")} (${entry.meaning ?? "listed"})${entry.policy ? " [policy]" : ""}`;
    case "clean":
      return "not listed";
    case "refused":
      return `refused, could not tell (${entry.meaning ?? "refused"})`;
    default:
      return `could not tell (${entry.meaning ?? "no answer"})`;
  }
}

/** Blocklists listed first (a bounce may have named one: bounce answers sort it first themselves). */
export function blocklistsText(report: ReportView): string {
  const entries = report.blocklists ?? [];
  if (entries.length === 0) return "not asked (DNSBL_ZONES empty, or none serves this address family)";
  return entries
    .map((entry) => `${entry.zone}: ${blocklistState(entry)}${entry.txt ? `; TXT "${entry.txt}"` : ""}`)
    .join("; ");
}

/**
 * The first line of a check asked for by a bounce that names a list: that list's state for the
 * refused IP (plain text; each renderer makes it inert). Microsoft's own list is no DNSBL.
 */
export function namedListLine(zone: string, report: Pick<ReportView, "ip" | "blocklists">): string {
  if (zone === "microsoft") {
    return `The bounce names Microsoft's own block list (S3140/S3150, "banned sending IP"): not a public DNSBL, so no check can ask it; ask for delisting through Microsoft's sender portal (sender.office.com).`;
  }
  const entry = (report.blocklists ?? []).find((candidate) => candidate.zone === zone);
  if (entry === undefined)
    return `The bounce names ${zone}; this check did not ask it (add it to DNSBL_ZONES).`;
  return `The bounce names ${zone}: for ${report.ip} it says ${blocklistState(entry)}${entry.status === "listed" && entry.removal ? `. ${entry.removal}` : ""}.`;
}

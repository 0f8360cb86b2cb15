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

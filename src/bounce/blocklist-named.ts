// Which blocklist a blocklist-category bounce names (DESIGN "Blocklists": a bounce whose category
// is blocklist names the list it matches), so the answer can show that list's state for the
// refused IP first. Public DNSBLs by the zone a check asks (src/check/sections/blocklists/lists.ts);
// Microsoft's S3140/S3150 and "banned sending IP" (5.7.606-649) are its own list, not a DNSBL
// (FACTS.md "Receivers": delisting through its sender portal, sender.office.com).
import type { BounceFinding } from "./types.js";

/** The value for Microsoft's own list: not a DNS zone, no check can ask it. */
export const MICROSOFT_OWN_LIST = "microsoft";

const LISTS: ReadonlyArray<readonly [zone: string, pattern: RegExp]> = [
  // Yahoo's [BL21]/[BL23] name Spamhaus (FACTS.md); SBL/XBL/PBL/CSS are ZEN's parts.
  ["zen.spamhaus.org", /spamhaus|\b(?:sbl|xbl|pbl|css)\b|\[bl2[13]\]/i],
  ["b.barracudacentral.org", /barracuda/i],
  ["bl.spamcop.net", /spamcop/i],
  [MICROSOFT_OWN_LIST, /\bs3140\b|\bs3150\b|banned sending ip|\b5\.7\.6(?:0[6-9]|[1-4]\d)\b/i],
];

/** The list a blocklist bounce names, or null (another category, or a list not known here). */
export function blocklistNamed(finding: Pick<BounceFinding, "category" | "diagnostic">): string | null {
  if (finding.category !== "blocklist") return null;
  return LISTS.find(([, pattern]) => pattern.test(finding.diagnostic))?.[0] ?? null;
}

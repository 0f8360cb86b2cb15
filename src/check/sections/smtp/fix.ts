// The SMTP section's fix step: the greeting's name, after the PTR's and the HELO's steps.
import { normaliseName } from "../../name-parts.js";
import type { SmtpReport } from "../../types.js";
import type { SectionFixInput } from "../section.js";
import { BANNER_WHERE } from "./analyse.js";

export function smtpFixSteps(smtp: SmtpReport | null, input: SectionFixInput): string[] {
  if (smtp === null || !input.codes.has("BANNER_MISMATCH")) return [];
  // The advised name may be the greeting's own (it resolves to the IP: the PTR should follow it,
  // an earlier step says so); telling the server to announce what it announces fixes nothing.
  if (smtp.bannerName !== null && normaliseName(smtp.bannerName) === normaliseName(input.name)) return [];
  return [`Make the SMTP greeting announce ${input.name} (${BANNER_WHERE}).`];
}

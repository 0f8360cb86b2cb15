// The SMTP section's analysis (pure): the greeting's name against the PTR names.
import { normaliseName } from "../../name-parts.js";
import type { Problem, SmtpProbe, SmtpReport } from "../../types.js";
import { SMTP_PROBLEMS } from "./problems.js";

/** Where the greeting's name is set, for the fix wording. */
export const BANNER_WHERE = "Postfix myhostname or smtpd_banner, Exim primary_hostname or smtp_banner";

export function analyseSmtp(
  probe: SmtpProbe,
  ptrNames: string[],
  target: string | null,
): { report: SmtpReport; problems: Problem[] } {
  const name = probe.bannerName;
  // An address literal names no host to compare with a PTR name.
  const comparable = name !== null && !name.startsWith("[") && ptrNames.length > 0;
  const matchesPtr = comparable
    ? ptrNames.some((ptrName) => normaliseName(ptrName) === normaliseName(name))
    : null;
  const problems: Problem[] = [];
  if (matchesPtr === false) {
    problems.push({
      code: "BANNER_MISMATCH",
      severity: SMTP_PROBLEMS.BANNER_MISMATCH.severity,
      message: `The SMTP greeting of ${probe.server} names ${name}, not the PTR name ${ptrNames.join(", ")}. Mail servers usually announce the same name in HELO/EHLO, where receivers compare it with the PTR.`,
      fix: `Make the server announce ${target ?? "its own FQDN, the name the PTR points at"} (${BANNER_WHERE}), or point the PTR at ${name} if that is the server's real name.`,
    });
  }
  return { report: { ...probe, matchesPtr }, problems };
}

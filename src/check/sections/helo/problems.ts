// The HELO section's problem codes, each with everything besides its logic (src/check/problem-meta.ts):
// severity, place in the report, lead wording and docs/cli.md's line. The rules that raise them
// are ./analyse.ts; src/check/problems.ts joins these entries with the other sections'.
//
// Why errors and a warning: Postfix's reject_unknown_helo_hostname refuses a HELO with no address
// and rspamd scores the shape and the address (HFILTER_HELO_NOT_FQDN, HFILTER_HELO_IP_A), while
// RFC 5321 4.1.4 forbids refusing on a HELO that merely differs from the PTR name.
import type { ProblemMeta } from "../../problem-meta.js";
import type { ProblemCode } from "../../types.js";

export type HeloProblemCode = Extract<
  ProblemCode,
  "HELO_NOT_FQDN" | "HELO_UNRESOLVED" | "HELO_IP_MISMATCH" | "HELO_MISMATCH"
>;

export const HELO_PROBLEMS = {
  HELO_NOT_FQDN: {
    severity: "error",
    order: 70,
    rechecks: false,
    lead: ({ helo }) => `HELO ${helo?.name ?? ""} is not a fully-qualified name`,
    docs: "the HELO is neither an FQDN nor an address literal",
  },
  HELO_UNRESOLVED: {
    severity: "error",
    order: 80,
    rechecks: false,
    lead: ({ helo }) => `HELO ${helo?.name ?? ""} does not resolve`,
    docs: "the HELO name has no A/AAAA",
  },
  HELO_IP_MISMATCH: {
    severity: "error",
    order: 90,
    rechecks: false,
    lead: ({ helo, ip }) => `HELO ${helo?.name ?? ""} does not resolve to ${ip}`,
    docs: "the HELO's A/AAAA lacks the IP",
  },
  HELO_MISMATCH: {
    severity: "warning",
    order: 120,
    rechecks: false,
    lead: null,
    docs: "the HELO differs from the PTR name (RFC 5321 4.1.4: scored, not refused)",
  },
} as const satisfies Record<HeloProblemCode, ProblemMeta>;

export const HELO_CODES = Object.keys(HELO_PROBLEMS) as HeloProblemCode[];

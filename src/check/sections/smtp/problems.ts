// The SMTP section's problem code, with everything besides its logic (src/check/problem-meta.ts).
//
// Why a warning: the greeting is what the server shows the clients that connect to it, not what
// it sends; but Postfix and Exim announce the same name in both ($myhostname, primary_hostname)
// unless told otherwise, so a greeting that names another host than the PTR usually means the
// HELO does too (which receivers score: rspamd HFILTER, SpamAssassin's HELO rules), and the
// server's own name is what the PTR should carry.
import type { ProblemMeta } from "../../problem-meta.js";
import type { ProblemCode } from "../../types.js";

export type SmtpProblemCode = Extract<ProblemCode, "BANNER_MISMATCH">;

export const SMTP_PROBLEMS = {
  BANNER_MISMATCH: {
    severity: "warning",
    order: 127,
    rechecks: false,
    lead: null,
    docs: "the SMTP greeting (`--smtp`) names another host than the PTR name",
  },
} as const satisfies Record<SmtpProblemCode, ProblemMeta>;

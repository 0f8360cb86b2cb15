// The blocklists section's problem codes (src/check/problem-meta.ts). LISTED is an error (a
// warning for a policy listing such as Spamhaus PBL, which says "end-user space", not "spam");
// BLOCKLIST_REFUSED is a warning: the list's answer cannot be read, and a resolver the lists
// refuse must never turn passes into failures (docs/cli.md).
import type { ProblemMeta } from "../../problem-meta.js";
import type { ProblemCode } from "../../types.js";

export type BlocklistProblemCode = Extract<ProblemCode, "LISTED" | "BLOCKLIST_REFUSED">;

export const BLOCKLIST_PROBLEMS = {
  LISTED: {
    severity: "error or warning",
    order: 97,
    rechecks: false,
    lead: ({ ip, blocklists }) => {
      const listed = (blocklists ?? []).filter((entry) => entry.status === "listed" && !entry.policy);
      return `${ip} is listed on ${listed.map((entry) => entry.zone).join(", ") || "a blocklist"}`;
    },
    docs: "a DNS blocklist lists the IP (an error; a warning for policy lists such as Spamhaus PBL)",
  },
  BLOCKLIST_REFUSED: {
    severity: "warning",
    order: 137,
    rechecks: false,
    lead: null,
    docs: 'a blocklist refused the query (Spamhaus 127.255.255.252-255), answered outside 127.0.0.0/8, did not answer, or does not list its RFC 5782 test point 127.0.0.2 (it says "not listed" to everything): unknown for that list, never clean',
  },
} as const satisfies Record<BlocklistProblemCode, ProblemMeta>;

// What every problem code carries besides its logic: the one shape of src/check/problems.ts.
// A section declares its own codes' entries beside its rules (src/check/sections/helo/problems.ts);
// the report's order, the summary's lead, the re-check policy and docs/cli.md's table are read
// from these entries, never from a second list (the way ESLint derives docs from a rule's `meta`).
import type { PtrTruth } from "./ptr-rules.js";
import type { BlocklistResult, HeloReport } from "./types.js";

/**
 * What a lead wording may name: the one-line summary's facts (src/check/summary.ts). A section
 * whose codes lead adds its report here by name: deriving it from the registry would make the
 * registry's type depend on itself (the sections' entries are ProblemMeta).
 */
export interface LeadInput {
  ip: string;
  truth: PtrTruth;
  helo: HeloReport | null;
  /** When the last cached "no PTR" lets go (ISO 8601), when known. */
  clearsBy: string | null;
  /** The blocklists' answers (LISTED's lead names the lists). */
  blocklists?: BlocklistResult[];
}

export interface ProblemMeta {
  /**
   * The severity the code is reported with. DNS_ERROR alone is either: an error when what matters
   * could not be learned (inconclusive), a warning when the rest of the answers decide.
   */
  severity: "error" | "warning" | "error or warning";
  /**
   * Place in the report among problems of the same severity (errors come first), lower first: the
   * order a person works through them. Unique across codes (test/unit/check/problems.test.ts).
   */
  order: number;
  /**
   * A re-check chain follows the code: it can go away with no one changing anything more (a cache
   * lets go, the owner's PTR change lands), so the bot looks again (workers/recheck.ts).
   */
  rechecks: boolean;
  /**
   * The summary's headline when this error leads a failing check ("FAIL: <lead>"); null for a code
   * that never leads (a warning, or an error whose report has its own summary).
   */
  lead: ((input: LeadInput) => string) | null;
  /** docs/cli.md's "Problem codes" line: what the code means, in one line. */
  docs: string;
}

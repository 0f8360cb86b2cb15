// The blocklists' fix steps: each listing's own removal procedure (./lists.ts, from each list's
// documentation), after the PTR's steps: a list's removal form is pointless while the PTR that
// got the IP listed is still broken.
import type { BlocklistResult } from "../../types.js";
import type { SectionFixInput } from "../section.js";

export function blocklistFixSteps(report: BlocklistResult[], _input: SectionFixInput): string[] {
  return report
    .filter((entry) => entry.status === "listed" && entry.removal !== null)
    .map((entry) => `${entry.zone}: ${entry.removal}`);
}

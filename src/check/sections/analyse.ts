// Runs every section's analysis (pure) on what it asked, against the PTR facts.
import type { Observations, Problem } from "../types.js";
import { SECTION_IDS, SECTIONS, type SectionReports } from "./index.js";
import type { PtrFacts } from "./section.js";

export function analyseSections(
  obs: Observations,
  facts: PtrFacts,
): { reports: SectionReports; problems: Problem[] } {
  const reports: Partial<Record<string, unknown>> = {};
  const problems: Problem[] = [];
  for (const id of SECTION_IDS) {
    // Each id's observations are that section's own (SectionObservations), so the call is sound.
    const analyse = SECTIONS[id].analyse as (
      asked: unknown,
      facts: PtrFacts,
    ) => ReturnType<(typeof SECTIONS)[typeof id]["analyse"]>;
    const result = analyse(obs[id], facts);
    reports[id] = result.report;
    problems.push(...result.problems);
  }
  return { reports: reports as SectionReports, problems };
}

// Starts every section's questions (alongside the PTR work, pipeline.ts) and collects their
// answers, or what each knows so far when the check's deadline cuts it (partial-observations.ts).
import { SECTION_IDS, SECTIONS, type SectionId, type SectionObservations } from "./index.js";
import type { AskContext, Asking } from "./section.js";

export type SectionAskings = { [K in SectionId]: Asking<SectionObservations[K]> };

export function askSections(ctx: AskContext): SectionAskings {
  const askings: Partial<Record<SectionId, Asking<unknown>>> = {};
  for (const id of SECTION_IDS) askings[id] = SECTIONS[id].ask(ctx);
  return askings as SectionAskings;
}

export async function sectionAnswers(askings: SectionAskings): Promise<SectionObservations> {
  const answers = await Promise.all(SECTION_IDS.map((id) => askings[id].answer));
  return Object.fromEntries(SECTION_IDS.map((id, index) => [id, answers[index]])) as SectionObservations;
}

export function sectionsSoFar(askings: SectionAskings): SectionObservations {
  return Object.fromEntries(SECTION_IDS.map((id) => [id, askings[id].soFar()])) as SectionObservations;
}

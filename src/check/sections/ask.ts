// Starts every section's questions (alongside the PTR work, pipeline.ts) and collects their
// answers, or what each knows so far when the check's deadline cuts it (partial-observations.ts).
import { SECTION_IDS, SECTIONS, type SectionId, type SectionObservations } from "./index.js";
import type { AskContext, Asking } from "./section.js";

export type SectionAskings = { [K in SectionId]: Asking<SectionObservations[K]> };

/**
 * The probe is asked first: with no HELO given, the HELO section takes the name the server's
 * greeting announces, so it waits for the probe's answer (bounded by the deadline like the rest).
 */
export function askSections(ctx: Omit<AskContext, "greetingName">): SectionAskings {
  const smtp = SECTIONS.smtp.ask({ ...ctx, greetingName: () => Promise.resolve(null) });
  const greetingName = () => smtp.answer.then((probe) => (probe?.outcome === "ok" ? probe.bannerName : null));
  const askings: Partial<Record<SectionId, Asking<unknown>>> = { smtp };
  for (const id of SECTION_IDS) askings[id] ??= SECTIONS[id].ask({ ...ctx, greetingName });
  return askings as SectionAskings;
}

/**
 * Every section's answer, awaited once the PTR work is done: a section with a grace
 * (graceAfterPtrMs) gets that much longer at most, then gives what it has.
 */
export async function sectionAnswers(askings: SectionAskings): Promise<SectionObservations> {
  const timers: ReturnType<typeof setTimeout>[] = [];
  const answers = await Promise.all(
    SECTION_IDS.map((id) => {
      const asking = askings[id] as Asking<unknown>;
      const grace = (SECTIONS[id] as { graceAfterPtrMs?: number }).graceAfterPtrMs;
      if (grace === undefined) return asking.answer;
      return Promise.race([
        asking.answer,
        new Promise((resolve) => {
          timers.push(
            setTimeout(() => resolve(asking.soFar(`no answer within ${grace} ms of the PTR's`)), grace),
          );
        }),
      ]);
    }),
  );
  for (const timer of timers) clearTimeout(timer);
  return Object.fromEntries(SECTION_IDS.map((id, index) => [id, answers[index]])) as SectionObservations;
}

export function sectionsSoFar(askings: SectionAskings): SectionObservations {
  return Object.fromEntries(SECTION_IDS.map((id) => [id, askings[id].soFar()])) as SectionObservations;
}

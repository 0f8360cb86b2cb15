// The check's sections, by id: the pipeline asks each one's questions, the rules run each one's
// analysis, src/check/problems.ts takes each one's problem entries, src/check/fixes.ts each
// one's fix steps, and every renderer keeps an entry per id (`Record<SectionId, ...>`).
// Adding a section is one module in this folder and one line here; the compiler then asks for
// its field in Observations and CheckReport and for its entry in each renderer.
import type { CheckReport } from "../types.js";
import { blocklistsSection } from "./blocklists/index.js";
import { heloSection } from "./helo/index.js";
import { ownerSection } from "./owner/index.js";
import { smtpSection } from "./smtp/index.js";

export const SECTIONS = {
  helo: heloSection,
  owner: ownerSection,
  smtp: smtpSection,
  blocklists: blocklistsSection,
} as const;

export type SectionId = keyof typeof SECTIONS;
export const SECTION_IDS = Object.keys(SECTIONS) as SectionId[];

/** What each section asked, under its id (part of Observations). */
export type SectionObservations = {
  [K in SectionId]: Parameters<(typeof SECTIONS)[K]["analyse"]>[0];
};

/** Each section's report, under its id (part of CheckReport and of the analysis). */
export type SectionReports = {
  [K in SectionId]: ReturnType<(typeof SECTIONS)[K]["analyse"]>["report"];
};

/** CheckReport spells each section's field out (docs/cli.md's contract); it must be the section's report. */
export const REPORT_FIELDS_FIT: Pick<CheckReport, SectionId> extends SectionReports
  ? SectionReports extends Pick<CheckReport, SectionId>
    ? true
    : never
  : never = true;

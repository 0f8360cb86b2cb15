// The shape of a check section: one part of a check (HELO today; the SMTP probe, the owner (RDAP)
// and blocklists next) as one module. docs/architecture.md "The map of a check" lists the parts.
//
// A section asks its questions alongside the PTR work (never waiting on it), judges what it was
// told against the PTR facts (pure, no I/O), declares its problem codes' entries (severity,
// order, lead, docs: src/check/problem-meta.ts) and adds its fix steps after the PTR's. Its
// answers and its report live under its id in Observations and CheckReport; each renderer keeps a
// `Record<SectionId, ...>` of entries, so adding a section is a compile error until every
// renderer has one.
import type { FixContext } from "../fixes.js";
import type { QueryOptions } from "../lookups.js";
import type { ProblemMeta } from "../problem-meta.js";
import type { CheckOptions, ForwardLookup, Problem, ProblemCode } from "../types.js";
import type { ZoneSeen } from "../zone-seen.js";

/** What a section may ask with: the check's own DNS, within its deadline. */
export interface AskContext {
  ip: string;
  family: 4 | 6;
  options: CheckOptions;
  /** A/AAAA (the check's family) of a name, shared with the PTR names' lookups: asked once per check. */
  forward(name: string): Promise<ForwardLookup>;
  /** A lookup the deadline cut: a timeout ("could not tell", src/check/deadline.ts), never "no record". */
  unanswered(name: string): ForwardLookup;
  reverseName: string;
  /** The check's resolvers and configured authorities (host:port, canonical). */
  resolvers: string[];
  authorities: string[];
  /** The check's DNS (its transport is bounded by the deadline). */
  query: QueryOptions;
  /** The DNS client the check runs on (stable across its checks): a key for what a section keeps. */
  client: object;
  /** A signal that aborts a little before the check's deadline: for what is not DNS (RDAP). */
  signal(): AbortSignal;
  /** What the PTR work learned of the reverse zone, once it has its answer (src/check/zone-seen.ts). */
  zone(): Promise<ZoneSeen | null>;
}

/** Questions under way: their answer, and what is known so far when the deadline cuts the check. */
export interface Asking<Asked> {
  answer: Promise<Asked>;
  soFar(): Asked;
}

/** What the PTR part has concluded, for a section to judge against. */
export interface PtrFacts {
  ip: string;
  family: 4 | 6;
  /** The PTR names taken as the truth (empty when there is no PTR or it is unknown). */
  ptrNames: string[];
  /** The name the mail host should carry: a non-generic PTR name, one that confirms first; null when none. */
  target: string | null;
}

/** What a section's fix steps may use (src/check/fixes.ts buildFixSteps). */
export interface SectionFixInput {
  ctx: FixContext;
  codes: ReadonlySet<ProblemCode>;
  /** The name the steps advise (the intended name, or the placeholder). */
  name: string;
  ptrNames: string[];
  /** An earlier step already creates or corrects `name`'s A/AAAA. */
  addressStepGiven: boolean;
  /** How many steps come before this section's. */
  stepsSoFar: number;
}

export interface CheckSection<Asked, Report, Code extends ProblemCode> {
  /** The section's key in Observations, CheckReport and every renderer's entries. */
  id: string;
  title: string;
  /** The questions it asks, in words (docs/architecture.md "The map of a check"). */
  questions: string;
  ask(ctx: AskContext): Asking<Asked>;
  analyse(asked: Asked, facts: PtrFacts): { report: Report; problems: Problem[] };
  problems: Record<Code, ProblemMeta>;
  fixSteps(report: Report, input: SectionFixInput): string[];
}

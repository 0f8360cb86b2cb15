// The shape of a check section: one part of a check (HELO today; the SMTP probe, the owner (RDAP)
// and blocklists next) as one module. docs/architecture.md "The map of a check" lists the parts.
//
// A section asks its questions alongside the PTR work (never waiting on it), judges what it was
// told against the PTR facts (pure, no I/O), declares its problem codes' entries (severity,
// order, lead, docs: src/check/problem-meta.ts) and adds its fix steps after the PTR's. Its
// answers and its report live under its id in Observations and CheckReport; each renderer keeps a
// `Record<SectionId, ...>` of entries, so adding a section is a compile error until every
// renderer has one.
import type { DnsQuestion, DnsResponse } from "../dns-types.js";
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
  /** The check's configured authorities (host:port, canonical). */
  authorities: string[];
  /** The check's DNS (its transport is bounded by the deadline). */
  query: QueryOptions;
  /** A signal that aborts a little before the check's deadline: for what is not DNS (RDAP). */
  signal(): AbortSignal;
  /** What the PTR work learned of the reverse zone, once it has its answer (src/check/zone-seen.ts). */
  zone(): Promise<ZoneSeen | null>;
  /** Milliseconds left before the check's deadline (a section's own I/O must end by then). */
  timeLeftMs(): number;
  /**
   * The name the server's SMTP greeting announces when the check probes it (the smtp section's
   * probe, asked first), null when it does not probe or the greeting names none. The HELO
   * section waits for it when no HELO was given.
   */
  greetingName(): Promise<string | null>;
  /** The configured recursive resolvers (RESOLVERS, --resolver), host:port, canonical. */
  resolvers: string[];
  /**
   * One question through the check's own DNS client (RD=1), bounded by the check's deadline but
   * not counted among the check's unanswered questions: what the deadline cuts is this section's
   * "could not tell", never the PTR's (src/check/deadline.ts boundedTransport).
   */
  ask(question: Pick<DnsQuestion, "name" | "type" | "server">): Promise<DnsResponse>;
  /** The DNS client in use (the caller's transport): caches are kept per client. */
  client: object;
}

/** Questions under way: their answer, and what is known so far when the deadline cuts the check. */
export interface Asking<Asked> {
  answer: Promise<Asked>;
  /** What is known now; `why` says why the rest is unanswered (default: the check's deadline). */
  soFar(why?: string): Asked;
}

/** What the PTR part has concluded, for a section to judge against. */
export interface PtrFacts {
  ip: string;
  family: 4 | 6;
  /** The PTR names taken as the truth (empty when there is no PTR or it is unknown). */
  ptrNames: string[];
  /** The name the mail host should carry: a non-generic PTR name, one that confirms first; null when none. */
  target: string | null;
  /** Some PTR name looks generic (GENERIC_PTR): a policy listing is the same story told twice. */
  generic?: boolean;
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
  /** Its steps come after the "then wait" step (they change no DNS record: a removal form). */
  afterWait?: boolean;
  /**
   * How long the check waits for this section once the PTR work is done, in ms; what has not
   * answered by then is "could not tell" (soFar). Absent: it waits as long as the deadline allows.
   * For questions to third parties whose silence must not hold up the PTR's verdict.
   */
  graceAfterPtrMs?: number;
}

// Every problem code's entry, in one table typed over ProblemCode: a code missing here is a
// compile error. The report's order (analyse.ts), the summary's lead (summary.ts), the codes a
// re-check chain follows (workers/recheck.ts) and docs/cli.md's table (problems-docs.ts) are read
// from it. The entries of a section's codes live in that section (src/check/sections/); the
// PTR-side codes are here, each naming the file whose rules raise it.
//
// Exports:
//   PROBLEMS                 Record<ProblemCode, ProblemMeta>
//   PROBLEM_CODES            every code, in report order
//   RECHECKABLE_CODES        the codes a re-check chain follows
//   sortProblems(problems)   errors first, then each severity in report order
//   leadCode(errors)         the error that leads a failing check's summary
import type { LeadInput, ProblemMeta } from "./problem-meta.js";
import { SECTION_IDS, SECTIONS } from "./sections/index.js";
import type { Problem, ProblemCode } from "./types.js";

function where({ truth }: LeadInput): string {
  return truth.source === "authority" ? "at the authority" : `from resolver ${truth.server}`;
}

type SectionProblemCodes = {
  [K in keyof typeof SECTIONS]: keyof (typeof SECTIONS)[K]["problems"];
}[keyof typeof SECTIONS];

/** The codes of the PTR part (ptr-rules.ts, fcrdns-rules.ts, generic.ts, deadline.ts, report-assembly.ts). */
const PTR_PROBLEMS = {
  // report-assembly.ts notPublicReport: no DNS is asked; its report carries its own summary.
  NOT_PUBLIC: {
    severity: "error",
    order: 10,
    rechecks: false,
    lead: null,
    docs: "private, loopback, link-local, CGNAT...: receivers never see it",
  },
  // ptr-rules.ts
  NO_PTR: {
    severity: "error",
    order: 20,
    rechecks: true,
    lead: (input) =>
      `${input.ip} has no PTR record (${input.truth.status === "nodata" ? "NODATA" : "NXDOMAIN"} ${where(input)})`,
    docs: "the authority (or, without one, the resolvers) says there is no PTR (NXDOMAIN or NODATA)",
  },
  // ptr-rules.ts
  DANGLING_CNAME: {
    severity: "error",
    order: 30,
    rechecks: true,
    lead: (input) =>
      `${input.ip} has no PTR: its reverse name is a CNAME to ${input.truth.cnames.at(-1) ?? "a name"}, which does not exist (NXDOMAIN ${where(input)})`,
    docs: "the reverse name is a CNAME (RFC 2317) to a name that does not exist: no PTR, given instead of `NO_PTR`",
  },
  // fcrdns-rules.ts
  BROKEN_PAIR: {
    severity: "error",
    order: 40,
    rechecks: true,
    lead: ({ ip, truth }) => `${ip}'s PTR ${truth.names.join(", ")} does not resolve back to it`,
    docs: "no PTR name resolves back to the IP (FCrDNS, RFC 8601 `iprev`)",
  },
  // ptr-rules.ts
  CACHED_NEGATIVE: {
    severity: "error",
    order: 50,
    rechecks: true,
    lead: ({ truth, clearsBy }) =>
      `the authority has the PTR ${truth.names.join(", ")}, but a resolver still serves a cached "no PTR"${clearsBy ? ` until ${clearsBy}` : ""}`,
    docs: 'the authority has the PTR, a resolver still serves its cached "no PTR" (with when it clears)',
  },
  // ptr-rules.ts, fcrdns-rules.ts, deadline.ts, sections/helo: never leads (inconclusive has its own summary).
  DNS_ERROR: {
    severity: "error or warning",
    order: 60,
    rechecks: false,
    lead: null,
    docs: "SERVFAIL, timeout, REFUSED or unreachable: inconclusive (a warning when the other answers decide)",
  },
  // generic.ts, applied in analyse.ts
  GENERIC_PTR: {
    severity: "warning",
    order: 100,
    rechecks: false,
    lead: null,
    docs: "a provider-default or dynamic-looking name (IP octets, `dynamic`, `pool`, ...)",
  },
  // fcrdns-rules.ts
  MULTIPLE_PTR: {
    severity: "warning",
    order: 110,
    rechecks: false,
    lead: null,
    docs: "several PTR names (Postfix looks at one)",
  },
  // ptr-rules.ts. A warning, but the chain follows it until every resolver serves what the
  // authority serves.
  STALE_PTR: {
    severity: "warning",
    order: 130,
    rechecks: true,
    lead: null,
    docs: "a resolver still serves a PTR the authority no longer gives, or resolvers disagree",
  },
  // ptr-rules.ts. A warning (the verdict follows the newest serial), but the chain follows it
  // until every authoritative server serves the answer: a lagging one still tells receivers the
  // old answer, fresh and uncached.
  AUTHORITY_LAG: {
    severity: "warning",
    order: 125,
    rechecks: true,
    lead: null,
    docs: "the reverse zone's servers disagree: one lags behind the newest serial (a zone transfer not done or broken), or equal serials answer differently (split-brain); the verdict follows the newest serial",
  },
} as const satisfies Record<Exclude<ProblemCode, SectionProblemCodes>, ProblemMeta>;

/** The sections' entries under their codes (each section declares only its own). */
const sectionProblems = Object.fromEntries(
  SECTION_IDS.flatMap((id) => Object.entries(SECTIONS[id].problems)),
) as Record<SectionProblemCodes, ProblemMeta>;

export const PROBLEMS: Record<ProblemCode, ProblemMeta> = {
  ...PTR_PROBLEMS,
  ...sectionProblems,
} satisfies Record<ProblemCode, ProblemMeta>;

export const PROBLEM_CODES: readonly ProblemCode[] = (Object.keys(PROBLEMS) as ProblemCode[]).sort(
  (a, b) => PROBLEMS[a].order - PROBLEMS[b].order,
);

export const RECHECKABLE_CODES: ReadonlySet<ProblemCode> = new Set(
  PROBLEM_CODES.filter((code) => PROBLEMS[code].rechecks),
);

/** Problems are listed errors first, then in the order a person works through them. */
export function sortProblems(problems: Problem[]): Problem[] {
  const rank = (problem: Problem): number =>
    (problem.severity === "error" ? 0 : 100_000) + PROBLEMS[problem.code].order;
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

/**
 * The code that leads a failing check's summary: of the errors, the one with a lead wording that
 * comes first in the report (the one receivers act on first); else the first error.
 */
export function leadCode(errors: readonly Problem[]): ProblemCode | undefined {
  let lead: ProblemCode | undefined;
  for (const { code } of errors) {
    if (PROBLEMS[code].lead === null) continue;
    if (lead === undefined || PROBLEMS[code].order < PROBLEMS[lead].order) lead = code;
  }
  return lead ?? errors[0]?.code;
}

// The check's public shapes. `CheckReport` is the `rdns check --json` contract in docs/cli.md:
// tests outside this repository read these field names, so add fields, never rename them.

import type { AuthorityReport, ForwardLookup, PtrAnswer } from "./answer-types.js";
import type { LookupStatus } from "./lookup-status.js";
import type {
  BlocklistResult,
  HeloReport,
  NegativeCacheReport,
  OwnerReport,
  SmtpReport,
} from "./report-parts.js";
import type { SectionObservations } from "./sections/index.js";

// The shapes are cut by what they describe; callers import them all from here.
export * from "./answer-types.js";
export * from "./check-options.js";
export * from "./lookup-status.js";
export * from "./report-parts.js";

export type Verdict = "pass" | "fail" | "inconclusive";
export type FcrdnsResult = "pass" | "fail" | "unknown";
export type Severity = "error" | "warning";

export type ProblemCode =
  | "NO_PTR"
  | "BROKEN_PAIR"
  | "CACHED_NEGATIVE"
  | "MULTIPLE_PTR"
  | "GENERIC_PTR"
  | "HELO_NOT_FQDN"
  | "HELO_UNRESOLVED"
  | "HELO_IP_MISMATCH"
  | "HELO_MISMATCH"
  | "DNS_ERROR"
  | "NOT_PUBLIC"
  /**
   * Warning: a resolver serves a positive PTR answer the authority no
   * longer gives (removed or renamed PTR still cached), or resolvers disagree when the authority
   * could not be asked. The mirror image of CACHED_NEGATIVE; it never fails the check.
   */
  | "STALE_PTR"
  /**
   * Error: the reverse name is a CNAME (RFC 2317 classless delegation) whose target does not
   * exist (NXDOMAIN on the target), so receivers find no PTR. Given instead of NO_PTR: the fix
   * is at the end of the chain, not a PTR on the reverse name itself.
   */
  | "DANGLING_CNAME"
  /** Warning: the SMTP greeting announces another name than the PTR (the smtp section). */
  | "BANNER_MISMATCH"
  /**
   * Error (a warning for policy lists such as Spamhaus PBL): a DNS blocklist lists the IP
   * (src/check/sections/blocklists/).
   */
  | "LISTED"
  /**
   * Warning: a blocklist refused the query (Spamhaus 127.255.255.252-.255), answered outside
   * 127.0.0.0/8 (a resolver that redirects NXDOMAIN) or could not be asked: could not tell for
   * that list, never "clean"; it leaves the verdict as the rest of the check makes it.
   */
  | "BLOCKLIST_REFUSED"
  /**
   * Warning: the reverse zone's authoritative servers answer differently (a secondary behind the
   * newest serial, or a split-brain zone); the verdict follows the newest serial.
   */
  | "AUTHORITY_LAG";

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** One or two sentences a support engineer reads at 2 a.m. */
  message: string;
  /** What to do about it; empty when nothing is to be done but wait. */
  fix: string;
}

export type ReceiverName = "gmail" | "microsoft" | "yahoo";
export type ReceiverOutcome = "reject" | "accept" | "defer" | "unknown";

export interface ReceiverVerdict {
  outcome: ReceiverOutcome;
  /** The bounce text this receiver would send, when it would reject or defer; otherwise null. */
  bounce: string | null;
  /** Why, in one line (which of the receiver's published rules applies). */
  reason: string;
}

export interface CheckReport {
  ip: string;
  family: 4 | 6;
  reverseName: string;
  verdict: Verdict;
  /** One line: the verdict in words, first thing a person reads. */
  summary: string;
  /** "skipped" only for a NOT_PUBLIC address, where no DNS is asked. */
  ptr: { status: LookupStatus | "skipped"; names: string[] };
  fcrdns: FcrdnsResult;
  /** One forward lookup per PTR name. */
  forward: ForwardLookup[];
  helo: HeloReport | null;
  /** The SMTP probe (`--smtp`, `/rdns probe`); null when the check did not probe. */
  smtp: SmtpReport | null;
  resolvers: PtrAnswer[];
  authority: AuthorityReport | null;
  negativeCache: NegativeCacheReport | null;
  /** One entry per DNS blocklist asked (DNSBL_ZONES), in the configured order; empty when none. */
  blocklists: BlocklistResult[];
  /** Provider recognised from the PTR name or network, when any (aws, azure, gcp, hetzner, ...). */
  provider: string | null;
  receivers: Record<ReceiverName, ReceiverVerdict>;
  /** Who controls the PTR (the owner section), for every verdict. */
  owner: OwnerReport;
  problems: Problem[];
  /** Ordered steps: A/AAAA first, then the PTR at the IP's owner, then HELO, then wait. */
  fixSteps: string[];
  checkedAt: string;
  durationMs: number;
}

/** Thrown for input the check cannot run on (exit 64 in the CLI; UnrecoverableError in workers). */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
}

/**
 * What the DNS side of the check observed (src/check/pipeline.ts builds it). `analyseObservations`
 * in src/check/analyse.ts turns it into verdict, problems, receivers and fixes: pure, no I/O.
 */
export interface Observations extends SectionObservations {
  ip: string;
  family: 4 | 6;
  reverseName: string;
  /** One answer per configured resolver, in the configured order. */
  resolvers: PtrAnswer[];
  /** The authoritative answer (RD=0), or null when no authority could be found or asked. */
  authority: AuthorityReport | null;
  /** One forward lookup (A for IPv4, AAAA for IPv6) per distinct PTR name seen anywhere. */
  forward: ForwardLookup[];
  /** The HELO name given and its forward lookup (null lookup for an address literal or a non-FQDN). */
  helo: { name: string; lookup: ForwardLookup | null; source?: "given" | "greeting" } | null;
  now: Date;
  /**
   * Set when the check's deadline cut it short: the deadline and the questions left unanswered
   * (the rules report it as a DNS_ERROR naming the deadline). Absent or null otherwise.
   */
  deadline?: { ms: number; unanswered: string[] } | null;
}

/** The verdict half of a report, computed from Observations alone. */
export type Analysis = Pick<
  CheckReport,
  | "verdict"
  | "summary"
  | "ptr"
  | "fcrdns"
  | "helo"
  | "owner"
  | "smtp"
  | "blocklists"
  | "negativeCache"
  | "provider"
  | "receivers"
  | "problems"
  | "fixSteps"
>;

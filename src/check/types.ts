// The check's public shapes. `CheckReport` is the `rdns check --json` contract in docs/cli.md:
// tests outside this repository read these field names, so add fields, never rename them.

import type { SectionObservations } from "./sections/index.js";

/** Outcome of one DNS question, kept apart so a failure is never mistaken for "no record". */
export type LookupStatus = "found" | "nxdomain" | "nodata" | "servfail" | "timeout" | "refused";

/**
 * Which statuses are answers (RFC 2308 negative answers included); the others mean "could not
 * tell". A Record, so a new status is a compile error until it is placed here: the one definition
 * the check, the poll, the host lookup and the re-check policy share.
 */
const IS_CONCLUSIVE: Record<LookupStatus, boolean> = {
  found: true,
  nxdomain: true,
  nodata: true,
  servfail: false,
  timeout: false,
  refused: false,
};

/** The statuses that are answers; the others mean "could not tell". */
export const CONCLUSIVE_STATUSES: ReadonlySet<LookupStatus> = new Set(
  (Object.keys(IS_CONCLUSIVE) as LookupStatus[]).filter((status) => IS_CONCLUSIVE[status]),
);

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
  | "DANGLING_CNAME";

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

/** What one server said about the PTR question. */
export interface PtrAnswer {
  /** host:port as asked. */
  server: string;
  status: LookupStatus;
  /** PTR target names, lower-case, without the trailing dot. */
  names: string[];
  /** CNAMEs followed on the way (RFC 2317), in order. */
  cnames: string[];
  /** TTL of the PTR records when found. */
  ttl: number | null;
  /**
   * For a negative answer: the TTL of the SOA in the authority section. From a resolver's cache
   * this is the time left before it asks again (RFC 2308 section 5).
   */
  negativeTtlRemaining: number | null;
  /** Round-trip time of the answer, ms. */
  rttMs: number | null;
  /** A human note for failures (e.g. "no answer within 2000 ms"). */
  error: string | null;
}

export interface AuthorityReport {
  /** The servers asked, host:port. */
  servers: string[];
  /** The zone found to hold the reverse name (closest enclosing zone), when known. */
  zone: string | null;
  status: LookupStatus;
  names: string[];
  cnames: string[];
  /** Each server's own answer, for the detail view. */
  answers: PtrAnswer[];
  /** The zone's SOA as the authority returns it with a negative answer. */
  soa: { ttl: number; minimum: number } | null;
}

export interface ForwardLookup {
  name: string;
  status: LookupStatus;
  /** A (IPv4 check) or AAAA (IPv6 check) addresses, normalised. */
  addresses: string[];
  cnames: string[];
  server: string | null;
  /**
   * Seconds `server` may go on serving this answer: a found answer's TTL (the lowest of its
   * records; from a resolver's cache, the time it has left, RFC 1035 7.3), or for a negative
   * answer the SOA TTL in it (RFC 2308 section 5). Null when the answer carries none (a failure,
   * a negative answer without its SOA). A broken pair's confirmation is timed by it.
   */
  ttl: number | null;
  /** Whether the checked IP is among `addresses`. */
  confirms: boolean;
}

export interface HeloReport {
  name: string;
  /** RFC 5321 4.1.4: the EHLO argument is an FQDN or an address literal. */
  fqdn: boolean;
  addressLiteral: boolean;
  /** The HELO name resolved (A/AAAA) at all; address literals count as resolving to themselves. */
  resolves: boolean | null;
  resolvesToIp: boolean | null;
  matchesPtr: boolean | null;
  lookup: ForwardLookup | null;
}

export interface NegativeCacheReport {
  /** RFC 2308: min(SOA MINIMUM, SOA TTL) of the zone that would hold the PTR, seconds. */
  ttl: number;
  /** When the last resolver still serving the negative answer lets go (ISO 8601, UTC). */
  clearsBy: string;
}

/** The network RDAP (RFC 9083) names for the address: its name, registrant and abuse mailbox. */
export interface OwnerNetwork {
  name: string | null;
  /** The registrant entity's name (vCard fn). */
  org: string | null;
  /** The abuse contact's e-mail address. */
  abuse: string | null;
  source: "rdap";
}

/** Who controls the PTR: the reverse zone, its servers and contact, the provider, the network. */
export interface OwnerReport {
  /** The zone holding the (final, after RFC 2317 CNAMEs) reverse name, when known. */
  zone: string | null;
  /** The zone's NS names (never the configured authorities' addresses). */
  nameservers: string[];
  /** The SOA RNAME as an e-mail address (RFC 1035 3.3.13). */
  contact: string | null;
  /** Provider id (src/check/providers.ts) the NS, SOA or PTR names reveal, else null. */
  provider: string | null;
  network: OwnerNetwork | null;
}

/** An RDAP look-up of one address, bounded by `signal` (the check's deadline); null when none was had. */
export type RdapLookup = (ip: string, signal: AbortSignal) => Promise<OwnerNetwork | null>;

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
  resolvers: PtrAnswer[];
  authority: AuthorityReport | null;
  negativeCache: NegativeCacheReport | null;
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

/** How the check is run; the I/O (servers, clock, timeouts) is passed in, never read from the environment. */
export interface CheckOptions {
  ip: string;
  helo?: string | null;
  /** Recursive resolvers, host:port. Empty means the system's (from /etc/resolv.conf). */
  resolvers: string[];
  /** Authoritative servers to ask instead of discovering them; empty means discover. */
  authorities: string[];
  /** Per-query timeout, ms. */
  timeoutMs: number;
  /** Retries per query after the first try (UDP). */
  retries?: number;
  /**
   * The whole check's deadline, ms (default: 3 per-question timeouts, src/check/deadline.ts).
   * Past it the check stops asking and reports what it has; what is unanswered is a timeout.
   */
  deadlineMs?: number;
  /**
   * Port to ask discovered authoritative servers on (NS records carry no port): 53 by default;
   * a lab on high ports sets it.
   */
  authorityPort?: number;
  now?: () => Date;
  /**
   * Hears every DNS question the check asks, with the server it goes to (a re-check chain counts
   * its questions for the "cleared" notice). Not called for questions the deadline never sent.
   */
  onQuestion?: (server: string) => void;
  /** RDAP for the owner section's network (RDAP=off, or a test without it: none). */
  rdap?: RdapLookup | null;
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
  helo: { name: string; lookup: ForwardLookup | null } | null;
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
  | "negativeCache"
  | "provider"
  | "receivers"
  | "problems"
  | "fixSteps"
>;

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

/** One authoritative server's answer, with the zone serial it served (null when unknown). */
export interface AuthorityAnswer extends PtrAnswer {
  serial?: number | null;
  /** The NS name the server was found under (discovered servers only). */
  nameServer?: string;
}

/**
 * The zone's servers answer differently (src/check/authority-serials.ts): "lag", a server behind
 * the newest serial serves an older answer (a zone transfer not done yet, or broken); "split",
 * servers at the same serial (or without a readable one) answer differently (a split-brain zone).
 */
export interface AuthorityDisagreement {
  kind: "lag" | "split";
  /** The serial of the answer taken (the newest), when known. */
  serial: number | null;
  /** The servers that serve the answer taken. */
  newest: string[];
  /** The servers that answer otherwise, with their serial and answer. */
  others: Array<{ server: string; serial: number | null; status: LookupStatus; names: string[] }>;
}

/** A name server found through NS records and not asked (issue 28: never aimed inward). */
export interface NotAskedServer {
  /** The NS name (its address is not shown: it is non-public). */
  nameServer: string;
  reason: string;
}

export interface AuthorityReport {
  /** The servers asked, host:port. */
  servers: string[];
  /** The zone found to hold the reverse name (closest enclosing zone), when known. */
  zone: string | null;
  /** The answer of the newest serial (authority-serials.ts), whatever the servers' order. */
  status: LookupStatus;
  names: string[];
  cnames: string[];
  /** Each server's own answer with its zone serial, for the detail view. */
  answers: AuthorityAnswer[];
  /** The zone's SOA as the authority returns it with a negative answer. */
  soa: { ttl: number; minimum: number } | null;
  /** The newest SOA serial the servers served (absent in reports older than the field). */
  serial?: number | null;
  /** How the servers disagree about this name, or null when they agree. */
  disagreement?: AuthorityDisagreement | null;
  /** Name servers found through NS records and not asked (non-public addresses). */
  notAsked?: NotAskedServer[];
}

export interface ForwardLookup {
  name: string;
  status: LookupStatus;
  /**
   * A (IPv4 check) or AAAA (IPv6 check) addresses, normalised. In a report, non-public ones are
   * left out (counted in `privateAddresses`) unless `showPrivateAddresses` (issue 28).
   */
  addresses: string[];
  /**
   * How many non-public addresses (loopback, RFC 1918, link-local, unique-local: ip.ts's rule)
   * the answer held beyond `addresses`, not shown; absent when none was left out.
   */
  privateAddresses?: number;
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
  /**
   * Where the name came from: given with the check, or (no HELO given, the check probed the
   * server) the name its SMTP greeting announces. Absent in reports made before it was kept.
   */
  source?: "given" | "greeting";
}

export type SmtpOutcome = "ok" | "refused" | "timeout" | "error";

/** What the SMTP probe saw (src/check/sections/smtp/probe.ts). */
export interface SmtpProbe {
  /** ok: a 220 greeting was read; refused, timeout; error: no connection or not a 220 greeting. */
  outcome: SmtpOutcome;
  /** host:port probed. */
  server: string;
  /** The greeting as sent (lines joined with a newline; untrusted text), null when none came. */
  banner: string | null;
  /** The name the greeting announces (its first word, RFC 5321 4.3.1), null when it names none. */
  bannerName: string | null;
  /** The name the EHLO reply's first line announces, null when EHLO was not answered with 250. */
  ehloName: string | null;
  /** The EHLO reply offers STARTTLS (RFC 3207). */
  starttls: boolean;
  /** What happened, in plain words, when it was not a plain greeting and EHLO; null otherwise. */
  note: string | null;
}

export interface SmtpReport extends SmtpProbe {
  /** The greeting's name is one of the PTR names; null when either is unknown. */
  matchesPtr: boolean | null;
}

/** What one DNS blocklist said of the IP (docs/cli.md "blocklists"). */
export type BlocklistStatus = "listed" | "clean" | "refused" | "error";

export interface BlocklistResult {
  /** The list's public zone name (zen.spamhaus.org also when it was asked through DQS). */
  zone: string;
  status: BlocklistStatus;
  /** The A records the list answered (127.0.0.x), as given. */
  codes: string[];
  /** What the codes mean by the list's own table, or why the answer says nothing; null when clean. */
  meaning: string | null;
  /** The list's TXT record (often a reason or a removal URL), as the list wrote it; shown inert. */
  txt: string | null;
  /** A policy listing (Spamhaus PBL: end-user space), not an accusation: LISTED is a warning. */
  policy: boolean;
  /** The list's own removal procedure, when listed. */
  removal: string | null;
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
  /**
   * Ask name servers found through NS records even at non-public addresses. Off everywhere but
   * the test lab, whose NS records point at 127.0.0.1: DNS data must never aim the bot at the
   * inside of its own network (issue 28). Configured authorities are always asked.
   */
  askNonPublicNameServers?: boolean;
  /**
   * Keep non-public addresses a PTR or HELO name resolves to in the report (its `forward`, the
   * HELO lookup, the problems' words). Off: they are left out and counted (`privateAddresses`),
   * so nothing inside a network reaches a chat channel or the servers page (issue 28;
   * SHOW_PRIVATE_ADDRESSES, `--show-private-addresses`).
   */
  showPrivateAddresses?: boolean;
  now?: () => Date;
  /**
   * Hears every DNS question the check asks, with the server it goes to (a re-check chain counts
   * its questions for the "cleared" notice). Not called for questions the deadline never sent.
   */
  onQuestion?: (server: string) => void;
  /** RDAP for the owner section's network (RDAP=off, or a test without it: none). */
  rdap?: RdapLookup | null;
  /**
   * The SMTP server to probe (the IP's port 25, or the operator's HOST:PORT); null or absent: no
   * probe. Within the deadline; its outcome never fails the check.
   */
  smtp?: { host: string; port: number } | null;
  /**
   * The DNS blocklists to ask (src/check/sections/blocklists/), through `resolvers`; absent or
   * no zones: none are asked (the CLI and the workers pass DNSBL_ZONES).
   */
  blocklists?: BlocklistOptions;
}

export interface BlocklistOptions {
  /** Zones to ask, e.g. zen.spamhaus.org (the public name, also for DQS). */
  zones: string[];
  /** Spamhaus Data Query Service key: zen.spamhaus.org is asked as <key>.zen.dq.spamhaus.net. */
  dqsKey?: string | null;
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

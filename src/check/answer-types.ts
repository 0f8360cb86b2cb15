// What servers said, as the report carries it: each server's PTR answer, the authority's report
// (its servers, their serials and how they disagree) and the forward lookups (re-exported by
// types.ts, which callers import).
import type { LookupStatus } from "./lookup-status.js";

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

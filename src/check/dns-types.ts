// The DNS client's vocabulary: a question to one server, and what came back (or how nothing did).
export type RecordType = "A" | "AAAA" | "PTR" | "CNAME" | "SOA" | "NS" | "TXT";

export interface DnsQuestion {
  name: string;
  type: RecordType;
  /** host:port, e.g. "127.0.0.1:5300" or "[::1]:5300"; port 53 when omitted. */
  server: string;
  /** RD=1 for recursive resolvers, RD=0 for authoritative servers. */
  recursion: boolean;
  /** Budget for the whole query once sent, ms (all UDP tries, or the TCP exchange). */
  timeoutMs: number;
  /** UDP retransmissions after the first try, with exponential back-off inside the budget. */
  retries?: number;
  /**
   * Told when the question waited for its server's packets-per-second cap (a sweep's --qps)
   * before its first packet went out, from `since` to `until` (performance.now()). That wait is
   * the asker's own pacing, not the server's slowness: it is not part of `timeoutMs`, and a
   * check's deadline (deadline.ts) is moved on by it.
   */
  onPaced?: (since: number, until: number) => void;
}

export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  /**
   * Text form: a name (PTR, CNAME, NS) without the trailing dot, an address, or a TXT record's
   * strings joined (as sent: not normalised, possibly hostile).
   */
  data: string;
  /** An SOA record's RNAME (its `data` is the MNAME), as SoaRecord.rname. */
  rname?: string;
}

export interface SoaRecord {
  /** Owner of the SOA: the zone's apex. */
  zone: string;
  ttl: number;
  minimum: number;
  mname: string;
  /**
   * The zone's contact mailbox (RFC 1035 3.3.13), as dns-packet reads it: a dot inside the first
   * label (the local part) escaped as "\\." (owner/contact.ts turns it into an e-mail address).
   */
  rname: string;
  /** The zone's version (RFC 1035 3.3.13), compared with RFC 1982 serial arithmetic. */
  serial?: number;
}

/**
 * What happened: an answer (with its rcode), or one of the ways of getting none. These stay
 * distinct all the way to the report: none of the failures means "no record".
 */
export type DnsOutcome = "answer" | "timeout" | "unreachable" | "error";

export interface DnsResponse {
  server: string;
  outcome: DnsOutcome;
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... when outcome is "answer". */
  rcode: string | null;
  aa: boolean;
  truncated: boolean;
  answers: DnsRecord[];
  /** NS records of the authority section (a referral, or the zone's NS next to an answer). */
  authorityNs: DnsRecord[];
  /**
   * The authority-section SOA of a negative answer (RFC 2308 3); for an SOA question asked at the
   * zone's apex, the SOA of the answer section (the zone's own).
   */
  soa: SoaRecord | null;
  /** A/AAAA records of the additional section (glue). */
  glue: DnsRecord[];
  rttMs: number;
  /** Why there is no answer, in words, for failures. */
  error: string | null;
  transport: "udp" | "tcp";
}

export type DnsTransport = (question: DnsQuestion) => Promise<DnsResponse>;

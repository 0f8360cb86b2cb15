// The report's parts beyond the PTR answers: the HELO, the SMTP probe, the blocklists, the
// negative cache and the owner (re-exported by types.ts, which callers import).
import type { ForwardLookup } from "./answer-types.js";

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

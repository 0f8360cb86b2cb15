// How a check is run (re-exported by types.ts, which callers import).
import type { RdapLookup } from "./report-parts.js";

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
   * A check nobody waits for (a watch run's): its DNS questions go behind every other check's
   * (DnsQuestion.background), so a person's check is not slowed by a /16 (issue 28).
   */
  background?: boolean;
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
   * The name the probe sends in EHLO (SMTP_PROBE_HELO, else SMTP_DOMAIN); absent: the neutral
   * NEUTRAL_EHLO_NAME (src/check/sections/smtp/probe.ts). Never this machine's own name.
   */
  smtpHelo?: string;
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

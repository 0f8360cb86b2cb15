// What each DNS blocklist's answers mean, by the list's own documentation. A list not described
// here is read by RFC 5782 alone (an A record in 127.0.0.0/8 is a listing; 127.0.0.1 never is,
// section 5: it is the "not listed" test point) and shows its codes as they came.
//
// Sources (read for this table):
// - Spamhaus ZEN return codes: docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/
//   datasets/040-zones.html (.2 SBL, .3 CSS, .4 XBL with .5-.7 reserved for it, .9 DROP,
//   .10 PBL by the ISP, .11 PBL by Spamhaus, .30 BCL; the same codes through DQS).
// - Spamhaus error codes: www.spamhaus.org/news/article/788/ (127.255.255.0/24 are errors about
//   the query, never reputation: .254 query through a public/open resolver, .255 excessive
//   queries), www.spamhaus.com/resource-center/help-for-spamhaus-projects-legacy-blocklist-users
//   (the same two, and DQS as the way out), www.spamhaus.org/returnc/vol/ ("must not be used to
//   reject email"); .252 is a typo in the zone name (FACTS.md "Blocklists", and
//   www.securityzones.net/error-return-codes-for-spamhaus-public-mirrors/), .253 is kept in the
//   error range the article reserves.
// - Barracuda BRBL: www.barracudacentral.org/rbl/how-to-use (a standard DNSBL: 127.0.0.2 when
//   listed; the querying DNS server must be registered); removal through
//   www.barracudacentral.org/rbl/removal-request (the address its own bounces carry).
// - SpamCop SCBL: www.spamcop.net/bl.shtml (listings are time-based and expire by themselves
//   when reports stop; the page looks an address up and gives the reason); 127.0.0.2 when listed
//   (FACTS.md "Blocklists").

/** What a code means, and whether it is a policy listing (not an accusation). */
export interface CodeMeaning {
  meaning: string;
  policy: boolean;
}

export interface BlocklistDefinition {
  /** The zone's public name. */
  zone: string;
  /** The list publishes IPv6 listings (RFC 5782 2.4 nibble form); otherwise IPv6 is not asked. */
  ipv6: boolean;
  /** Listing codes (the last octet of 127.0.0.x) and their meaning. */
  codes: Record<string, CodeMeaning>;
  /** Answers that are errors about the query, never listings (127.255.255.x). */
  errors: Record<string, string>;
  /**
   * The prefix of the list's whole error range, when it reserves one (Spamhaus: 127.255.255.0/24,
   * article 788): a code there that `errors` does not name is an error all the same.
   */
  errorPrefix?: string;
  /** The list's own removal procedure, in one sentence (<ip> is replaced). */
  removal: string;
}

const SPAMHAUS_ERRORS: Record<string, string> = {
  "127.255.255.252":
    "Spamhaus answered 127.255.255.252: a typo in the zone name (the query went to no real list)",
  "127.255.255.253":
    "Spamhaus answered 127.255.255.253: an error code (127.255.255.0/24 is Spamhaus's error range)",
  "127.255.255.254":
    "Spamhaus answered 127.255.255.254: it refuses queries through public/open resolvers; ask through your own resolver or set SPAMHAUS_DQS_KEY",
  "127.255.255.255":
    "Spamhaus answered 127.255.255.255: excessive number of queries from this resolver; use the Data Query Service (SPAMHAUS_DQS_KEY)",
};

const SBL = "SBL: a direct spam source (Spamhaus Block List)";
const XBL = "XBL: an exploited or infected host (Exploits Block List)";

export const SPAMHAUS_ZEN = "zen.spamhaus.org";

export const KNOWN_LISTS: Record<string, BlocklistDefinition> = {
  [SPAMHAUS_ZEN]: {
    zone: SPAMHAUS_ZEN,
    // Spamhaus serves IPv6 in ZEN (SBL, XBL, PBL carry IPv6 ranges); RFC 5782 nibble form.
    ipv6: true,
    codes: {
      "127.0.0.2": { meaning: SBL, policy: false },
      "127.0.0.3": { meaning: "SBL CSS: low-reputation / snowshoe sending (automated)", policy: false },
      "127.0.0.4": { meaning: XBL, policy: false },
      "127.0.0.5": { meaning: XBL, policy: false },
      "127.0.0.6": { meaning: XBL, policy: false },
      "127.0.0.7": { meaning: XBL, policy: false },
      "127.0.0.9": { meaning: "DROP: a hijacked or criminal network (Don't Route Or Peer)", policy: false },
      "127.0.0.10": {
        meaning: "PBL (set by the ISP): end-user space; the IP's owner must not mail from it directly",
        policy: true,
      },
      "127.0.0.11": {
        meaning: "PBL (set by Spamhaus): end-user space; the IP's owner must not mail from it directly",
        policy: true,
      },
      "127.0.0.30": { meaning: "BCL: a botnet controller", policy: false },
    },
    errors: SPAMHAUS_ERRORS,
    errorPrefix: "127.255.255.",
    removal:
      "Look <ip> up at the Spamhaus Blocklist Removal Center (check.spamhaus.org): it names the list (SBL, XBL, CSS, PBL) and its own removal steps; fix the cause first (XBL: the infected host; PBL: the ISP must mark the range as a mail server's, or you send through its relay).",
  },
  "b.barracudacentral.org": {
    zone: "b.barracudacentral.org",
    ipv6: false,
    codes: {
      "127.0.0.2": { meaning: "listed on the Barracuda Reputation Block List (BRBL)", policy: false },
    },
    errors: {},
    removal:
      "Ask Barracuda to remove <ip> at www.barracudacentral.org/rbl/removal-request, once, after fixing what sent the spam.",
  },
  "bl.spamcop.net": {
    zone: "bl.spamcop.net",
    ipv6: false,
    codes: {
      "127.0.0.2": {
        meaning: "listed on the SpamCop Blocking List (spam reported from this IP)",
        policy: false,
      },
    },
    errors: {},
    removal:
      "Look <ip> up at www.spamcop.net/bl.shtml for the reason; SpamCop listings expire by themselves once reports stop, so stop the spam (auto-replies, a compromised account) and wait.",
  },
};

/** A configured zone's definition: the known list's, else RFC 5782's plain reading. */
export function definitionOf(zone: string): BlocklistDefinition {
  const known = KNOWN_LISTS[zone];
  if (known !== undefined) return known;
  return {
    zone,
    // RFC 5782 2.4 defines IPv6 queries, but most lists do not publish them; asking costs a
    // question per check for nothing, so only the lists known to serve IPv6 are asked.
    ipv6: false,
    codes: {},
    errors: {},
    removal: `See ${zone}'s own web site for how to be removed.`,
  };
}

/** What an error answer means, or null when `address` is not in the list's errors (a listing or not). */
export function errorMeaning(list: BlocklistDefinition, address: string): string | null {
  const named = list.errors[address];
  if (named !== undefined) return named;
  if (list.errorPrefix !== undefined && address.startsWith(list.errorPrefix))
    return `${list.zone} answered ${address}: a code in its error range (${list.errorPrefix}0/24), an error about the query, never a listing`;
  return null;
}

/** The DQS zone Spamhaus answers for a key (the key is a secret: never shown or logged). */
export function dqsZone(key: string): string {
  return `${key}.zen.dq.spamhaus.net`;
}

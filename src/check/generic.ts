// Generic ("end-user space") reverse-DNS names.
//
// Exports:
//   detectGenericName(name, ip) -> { generic, reasons }
//     `generic` is true when receivers and blocklists would take the name for a dynamic, pooled
//     or provider-default host rather than a named mail server; `reasons` says why, one line
//     each, citing the filter rule the judgement follows (empty when not generic, except for
//     notes about exemptions that were applied).
//
// Sources (docs/sources.md "How filters score names"):
// - rspamd hfilter's generic-name tokens and their weights;
// - SpamAssassin RDNS_DYNAMIC (IP octets in the name unless it says static; dynamic tokens) and
//   its exemptions (static, fix, fixip, dedicated, mail, smtp, outbound-mail);
// - Haraka's is_ip_in_str (3rd+4th octets, or 1st+2nd, or the address in hex, in the host part);
// - the provider default names listed there.
// Tokens are matched at label and dash boundaries only, so "generaldynamics" is not "dynamic".

import ipaddr from "ipaddr.js";
import { organisationalDomain, splitTokens } from "./name-parts.js";
import { providerDefaultName } from "./providers.js";

export interface GenericNameResult {
  generic: boolean;
  reasons: string[];
}

/** rspamd hfilter weights (5 strongest); SpamAssassin RDNS_DYNAMIC tokens given weight 4. */
const DYNAMIC_TOKENS: ReadonlyArray<{ pattern: RegExp; word: string; weight: number; source: string }> = [
  {
    pattern: /^dynamic\d*$/,
    word: "dynamic",
    weight: 5,
    source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC",
  },
  { pattern: /^dyn(ip)?\d*$/, word: "dyn", weight: 5, source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^dhcp\d*$/, word: "dhcp", weight: 5, source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^ppp(oe)?\d*$/, word: "ppp", weight: 5, source: "rspamd hfilter" },
  { pattern: /^pptp\d*$/, word: "pptp", weight: 5, source: "rspamd hfilter" },
  {
    pattern: /^dial(up|in)?\d*$/,
    word: "dialup",
    weight: 5,
    source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC",
  },
  { pattern: /^broadband\d*$/, word: "broadband", weight: 5, source: "rspamd hfilter" },
  {
    pattern: /^(cable)?modem\d*$/,
    word: "modem",
    weight: 5,
    source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC",
  },
  { pattern: /^catv\d*$/, word: "catv", weight: 5, source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^wifi\d*$/, word: "wifi", weight: 5, source: "rspamd hfilter" },
  { pattern: /^gprs\d*$/, word: "gprs", weight: 5, source: "rspamd hfilter" },
  { pattern: /^cdma\d*$/, word: "cdma", weight: 5, source: "rspamd hfilter" },
  { pattern: /^nat\d*$/, word: "nat", weight: 5, source: "rspamd hfilter" },
  { pattern: /^[avxs]?dsl\d*$/, word: "dsl", weight: 4, source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^pool\d*$/, word: "pool", weight: 4, source: "rspamd hfilter" },
  { pattern: /^fbx\d*$/, word: "fbx", weight: 4, source: "rspamd hfilter" },
  {
    pattern: /^(cable|kabel)\d*$/,
    word: "cable",
    weight: 3,
    source: "rspamd hfilter; SpamAssassin RDNS_DYNAMIC",
  },
  // "cm" alone is too common a word (content management, initials): only with digits.
  {
    pattern: /^(cm\d+|cpe\d*|docsis\d*)$/,
    word: "cm/cpe/docsis",
    weight: 4,
    source: "SpamAssassin RDNS_DYNAMIC",
  },
  { pattern: /^isdn\d*$/, word: "isdn", weight: 4, source: "SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^wireless\d*$/, word: "wireless", weight: 4, source: "SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^(res|resnet)\d*$/, word: "res/resnet", weight: 4, source: "SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^clients?\d*$/, word: "client", weight: 4, source: "SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^node\d+$/, word: "node+digits", weight: 3, source: "SpamAssassin RDNS_DYNAMIC" },
  { pattern: /^host\d*$/, word: "host", weight: 2, source: "rspamd hfilter" },
  {
    pattern: /^(user|peer|customer|vps)\d*$/,
    word: "user/peer/customer/vps",
    weight: 1,
    source: "rspamd hfilter",
  },
];

/** A name must reach this weight from tokens alone to count as generic (one strong token does). */
const TOKEN_THRESHOLD = 3;

/** SpamAssassin's RDNS_DYNAMIC does not fire on IP-in-name when the name says it is static. */
const STATIC_EXEMPTIONS = /^(static|fix|fixed|fixip|dedicated|dedi)\d*$/;
/** Names that say "this is a mail server": SpamAssassin exempts smtp / mail-mail / outbound-mail. */
const MAIL_EXEMPTIONS = /^(mail|smtp|smtpout|mx|mta|outbound|mailout|relay)\d*$/;

export function detectGenericName(name: string, ip: string): GenericNameResult {
  const lower = name.trim().toLowerCase().replace(/\.$/, "");
  const reasons: string[] = [];
  if (lower === "") return { generic: true, reasons: ["the name is empty"] };

  const provider = providerDefaultName(lower);
  if (provider) {
    reasons.push(`${provider}, not a name the customer chose`);
    return { generic: true, reasons };
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(lower) || ipaddr.IPv6.isValid(lower)) {
    return { generic: true, reasons: [`"${lower}" is an address, not a host name`] };
  }
  if (/^[\d.]+$/.test(lower)) {
    // RFC 1123 2.1: a host name's top label is not all-numeric; receivers cannot tell it from an address.
    return { generic: true, reasons: [`"${lower}" is all digits and dots, not a host name`] };
  }
  if (!/^[a-z0-9_.-]+$/.test(lower)) {
    // A name with bytes a host name cannot hold (RFC 1123 2.1: letters, digits, hyphens; "_" is
    // seen in the wild). Postfix treats such a PTR as "unknown" (smtpd_peer: valid_hostname).
    return {
      generic: true,
      reasons: ["the name holds characters a host name cannot (only letters, digits, hyphens and dots)"],
    };
  }
  if (!lower.includes(".")) {
    return { generic: true, reasons: [`"${lower}" is a single label, not a fully-qualified host name`] };
  }

  const org = organisationalDomain(lower);
  const hostPart = lower === org ? "" : lower.slice(0, lower.length - org.length - 1);
  const tokens = splitTokens(hostPart);
  const mailNamed = tokens.some((token) => MAIL_EXEMPTIONS.test(token));
  const staticNamed = tokens.some((token) => STATIC_EXEMPTIONS.test(token));

  let weight = 0;
  let strong = false;
  for (const entry of DYNAMIC_TOKENS) {
    const hit = tokens.find((token) => entry.pattern.test(token));
    if (!hit) continue;
    weight += entry.weight;
    if (entry.weight >= TOKEN_THRESHOLD) strong = true;
    reasons.push(`"${hit}" is a dynamic/end-user token (${entry.source}, weight ${entry.weight})`);
  }

  const ipHit = ipInHostPart(tokens, ip);
  let generic = strong || weight >= TOKEN_THRESHOLD;
  if (ipHit) {
    if (mailNamed && !strong) {
      // SpamAssassin exempts names that say smtp / outbound-mail; the name says what it is for.
      reasons.push(`${ipHit}, but the name says it is a mail server (SpamAssassin exempts it)`);
    } else if (staticNamed) {
      // SpamAssassin exempts "static" here, rspamd does not; the name is still an address, not a
      // meaningful host name, which is what Yahoo asks for. Flag it, and say why.
      generic = true;
      reasons.push(
        `${ipHit}; it says "static" (SpamAssassin exempts that, rspamd does not), but an address-shaped name is not the meaningful name Yahoo asks for`,
      );
    } else {
      generic = true;
      reasons.push(`${ipHit} (Haraka is_ip_in_str; SpamAssassin RDNS_DYNAMIC)`);
    }
  }
  if (!generic) {
    // Weak tokens alone (host, vps, customer) or an exempted IP-in-name: not generic. Keep the
    // exemption note (it explains a borderline decision) but drop the weak-token noise.
    return { generic: false, reasons: reasons.filter((reason) => reason.includes("exempts")) };
  }
  return { generic, reasons };
}

/**
 * Haraka's is_ip_in_str, matched on whole tokens: the 3rd and 4th octets (or the 1st and 2nd) as
 * adjacent numbers in that order, all four octets in either order, or the address in hex. A
 * token may carry a letter prefix ("ip203", "dsl5"). Pairs of two single-digit octets are too
 * weak to count ("mx1-2" is not 192.0.1.2). IPv6 addresses are not checked: no filter we follow
 * defines IP-in-name for them.
 */
function ipInHostPart(tokens: string[], ip: string): string | null {
  const octets = ip.split(".").map((part) => Number(part));
  if (octets.length !== 4 || octets.some((value) => !Number.isInteger(value) || value < 0 || value > 255)) {
    return null;
  }
  const numbers = tokens.map((token) => {
    const match = /^[a-z]*(\d{1,3})$/.exec(token);
    return match?.[1] === undefined ? null : Number(match[1]);
  });
  const adjacent = (sequence: number[]): boolean => {
    for (let start = 0; start + sequence.length <= numbers.length; start += 1) {
      if (sequence.every((value, offset) => numbers[start + offset] === value)) return true;
    }
    return false;
  };
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  if (adjacent([a, b, c, d]) || adjacent([d, c, b, a])) return `the whole address ${ip} is in the name`;
  const hex = octets.map((value) => value.toString(16).padStart(2, "0")).join("");
  if (tokens.some((token) => token === hex || new RegExp(`^[a-z]*${hex}$`).test(token))) {
    return `the address in hex (${hex}) is in the name`;
  }
  const padded = octets.map((value) => String(value).padStart(3, "0")).join("");
  if (tokens.some((token) => token.endsWith(padded))) return `the address (${padded}) is in the name`;
  if (!(c < 10 && d < 10) && adjacent([c, d]))
    return `the address's last two octets (${c}-${d}) are in the name`;
  if (!(a < 10 && b < 10) && adjacent([a, b]))
    return `the address's first two octets (${a}-${b}) are in the name`;
  return null;
}

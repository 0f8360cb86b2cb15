// RFC 5321 4.1.4 HELO shapes: what the name a sending server announces may look like.
//
// Exports:
//   checkHeloSyntax(name) -> HeloSyntax   FQDN or address literal, or why not (one sentence)
//   sameAddress(a, b) -> boolean          two textual addresses are the same (IPv4-mapped = IPv4)

import ipaddr from "ipaddr.js";
import { normaliseName } from "../../name-parts.js";

export interface HeloSyntax {
  fqdn: boolean;
  addressLiteral: boolean;
  /** The address inside an address literal, normalised; null otherwise. */
  literal: string | null;
  /** Why the name is not acceptable, one sentence; null when it is. */
  problem: string | null;
}

/** rspamd hfilter's HELO-only checks: names that only mean something on a private network. */
const PRIVATE_SUFFIXES = /\.(lan|local|home|localdomain|intra|internal|localhost)$/;

export function checkHeloSyntax(rawName: string): HeloSyntax {
  const name = rawName.trim();
  const bad = (problem: string): HeloSyntax => ({
    fqdn: false,
    addressLiteral: false,
    literal: null,
    problem,
  });
  if (name === "") return bad("the HELO name is empty");

  const literal = /^\[(?:(ipv6):)?([^\]]+)\]$/i.exec(name);
  if (literal) {
    const [, tag, body = ""] = literal;
    if (tag ? ipaddr.IPv6.isValid(body) : ipaddr.IPv4.isValidFourPartDecimal(body)) {
      return { fqdn: false, addressLiteral: true, literal: ipaddr.parse(body).toString(), problem: null };
    }
    return bad(
      tag || !body.includes(":")
        ? `${name} is not a valid address literal (RFC 5321 4.1.3: [192.0.2.1] or [IPv6:2001:db8::1])`
        : `${name} lacks the IPv6: tag an IPv6 address literal needs ([IPv6:${body}], RFC 5321 4.1.3)`,
    );
  }
  if (ipaddr.isValid(name)) {
    return bad(
      `${name} is a bare IP address; RFC 5321 wants an FQDN or the literal [${ipaddr.IPv4.isValid(name) ? name : `IPv6:${name}`}] (rspamd HFILTER_HELO_BAREIP)`,
    );
  }

  const lower = normaliseName(name);
  if (lower === "localhost" || lower.startsWith("localhost.") || PRIVATE_SUFFIXES.test(lower)) {
    return bad(
      `${name} is a private name that means nothing outside your network (rspamd hfilter, SpamAssassin HELO_LOCALHOST)`,
    );
  }
  if (lower.length > 253)
    return bad(`the HELO name is ${lower.length} characters long; a DNS name has at most 253`);
  const labels = lower.split(".");
  if (labels.length < 2) {
    return bad(
      `"${name}" has no dot: it is not a fully-qualified domain name such as mail.example.com (rspamd HFILTER_HELO_NOT_FQDN)`,
    );
  }
  const badLabel = labels.find((label) => !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
  if (badLabel !== undefined) {
    return bad(
      `"${name}" is not a valid host name: label "${badLabel}" breaks the letters-digits-hyphen rule`,
    );
  }
  if (/^\d+$/.test(labels.at(-1) ?? ""))
    return bad(`"${name}" ends in an all-numeric label, which no top-level domain is`);
  return { fqdn: true, addressLiteral: false, literal: null, problem: null };
}

export function sameAddress(a: string, b: string): boolean {
  try {
    return ipaddr.process(a).toNormalizedString() === ipaddr.process(b).toNormalizedString();
  } catch {
    return false;
  }
}

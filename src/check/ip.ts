// Parsing and classifying the address to check, with ipaddr.js. Receivers only ever see public
// addresses, so a private or special-purpose one is answered without asking DNS at all.
import ipaddr from "ipaddr.js";
import { InvalidInputError } from "./types.js";

export interface ParsedIp {
  /** Normalised text: dotted quad for IPv4 (also for IPv4-mapped IPv6), RFC 5952 form for IPv6. */
  ip: string;
  family: 4 | 6;
  reverseName: string;
  /** null when receivers can see the address; otherwise one line naming the range. */
  notPublic: string | null;
}

const EXAMPLE = "give an IPv4 or IPv6 address, e.g. 203.0.113.5 or 2001:db8::25";
const MAX_INPUT = 100;

// Documentation ranges (RFC 5737, RFC 3849): not routed, but the lab and every example use them,
// so they are checked like public addresses. ipaddr.js files them under "reserved".
const DOCUMENTATION: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [
  ipaddr.parseCIDR("192.0.2.0/24"),
  ipaddr.parseCIDR("198.51.100.0/24"),
  ipaddr.parseCIDR("203.0.113.0/24"),
  ipaddr.parseCIDR("2001:db8::/32"),
];

// ipaddr.js range names -> why a receiver never sees such a source address (IANA special-purpose
// registries, RFC 6890). Ranges not listed here (unicast, 6to4, teredo, as112, amt) are routable.
const NOT_PUBLIC: Record<string, string> = {
  unspecified: "is unspecified (0.0.0.0/8 or ::): it is not a sending address",
  broadcast: "is the limited broadcast address 255.255.255.255",
  multicast: "is multicast (224.0.0.0/4 or ff00::/8): mail is never sent from it",
  linkLocal: "is link-local (169.254.0.0/16 or fe80::/10): it never leaves the local link",
  loopback: "is loopback (127.0.0.0/8 or ::1): it never leaves the machine",
  carrierGradeNat:
    "is carrier-grade NAT space (100.64.0.0/10, RFC 6598): receivers see the provider's public address",
  private:
    "is private (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16): receivers see your NAT's public address",
  uniqueLocal: "is unique-local (fc00::/7, RFC 4193): it is not routed on the internet",
  benchmarking: "is benchmarking space (RFC 2544/5180): it is not routed on the internet",
  discard: "is discard-only space (100::/64, RFC 6666)",
  deprecatedSiteLocal: "is deprecated site-local space (fec0::/10, RFC 3879)",
  rfc6145: "is an IPv4-translated address (::ffff:0:0:0/96, RFC 6145): receivers see the IPv4 side",
  rfc6052: "is in a NAT64 prefix (64:ff9b::/96, RFC 6052): receivers see the IPv4 address it maps to",
  deprecatedOrchid: "is ORCHID space (2001:10::/28): it is not routed on the internet",
  orchid2: "is ORCHIDv2 space (2001:20::/28): it is not routed on the internet",
  droneRemoteIdProtocolEntityTags: "is drone remote-ID space (2001:30::/28): it is not a sending address",
  segmentRouting: "is segment-routing space (5f00::/16): it is not a sending address",
  ipv4Mapped: "is an IPv4-mapped address",
};

/** Parses user input into a checkable address; throws InvalidInputError (one line) when it is not one. */
export function parseIp(input: string): ParsedIp {
  const text = input.trim();
  if (text === "") throw new InvalidInputError(`no IP address given; ${EXAMPLE}`);
  if (text.length > MAX_INPUT) {
    throw new InvalidInputError(`input is ${text.length} characters, too long for an IP address; ${EXAMPLE}`);
  }
  // Accept an SMTP-style literal "[192.0.2.1]" or "[IPv6:2001:db8::1]" as a convenience.
  const bare = text.replace(/^\[(?:ipv6:)?(.*)\]$/i, "$1");
  // RFC 4007 11: a zone id ("%eth0") names an interface of the host that wrote it; a receiver
  // elsewhere never sees it, and the reverse name is of the address alone.
  const zoneAt = bare.indexOf("%");
  if (zoneAt > 0 && ipaddr.IPv6.isValid(bare.slice(0, zoneAt))) {
    const address = bare.slice(0, zoneAt);
    throw new InvalidInputError(
      `"${printable(bare)}": zone ids (${printable(bare.slice(zoneAt))}) are local to a host; give the address alone (${printable(address)})`,
    );
  }
  let addr: ipaddr.IPv4 | ipaddr.IPv6 | null = parseStrict(bare);
  if (addr === null) {
    const what = /^([a-z0-9-]+\.)*[a-z][a-z0-9-]*\.?$/i.test(bare) ? "a host name" : "not an IP address";
    throw new InvalidInputError(`"${printable(bare)}" is ${what}; ${EXAMPLE}`);
  }
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  if (addr.kind() === "ipv4") {
    const v4 = addr as ipaddr.IPv4;
    const ip = v4.toString();
    return { ip, family: 4, reverseName: reverseNameV4(v4), notPublic: classify(v4, ip) };
  }
  const v6 = addr as ipaddr.IPv6;
  const ip = v6.toRFC5952String();
  return { ip, family: 6, reverseName: reverseNameV6(v6), notPublic: classify(v6, ip) };
}

const FOUR_PART_DECIMAL = /^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/;

/**
 * The address, or null when `text` is not one we accept. ipaddr.isValid accepts forms like "1"
 * or "0x7f.1" (inet_aton shorthand) that nobody means as a sending IP: insist on four decimal
 * octets for IPv4 (what IPv4.isValidFourPartDecimal checks) and a zone-less IPv6. Parsed once,
 * and the IPv4 parser is never tried on IPv6 text: ipaddr's isValid answers "no" by throwing
 * and catching an Error, whose stack trace cost more than the rest of a sweep's check.
 */
function parseStrict(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    if (text.includes(":")) return text.includes("%") ? null : ipaddr.IPv6.parse(text);
    return FOUR_PART_DECIMAL.test(text) ? ipaddr.IPv4.parse(text) : null;
  } catch {
    return null;
  }
}

// ipaddr.js's "reserved" bundles several IANA blocks; name the one that matched.
const RESERVED: Array<[string, string]> = [
  ["192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24, RFC 6890)"],
  ["192.88.99.0/24", "the retired 6to4 relay anycast block (192.88.99.0/24, RFC 7526)"],
  ["198.18.0.0/15", "benchmarking space (198.18.0.0/15, RFC 2544)"],
  ["240.0.0.0/4", "reserved space (240.0.0.0/4, RFC 1112)"],
  ["2001::/23", "IETF protocol assignments (2001::/23, RFC 2928)"],
  ["3fff::/20", "the newer IPv6 documentation block (3fff::/20, RFC 9637)"],
];

function classify(addr: ipaddr.IPv4 | ipaddr.IPv6, ip: string): string | null {
  const why = notPublicReason(addr);
  return why === null ? null : `${ip} ${why}`;
}

/**
 * Why receivers never see `addr` ("is private (RFC 1918: ...)"), or null when they can: the one
 * rule for single addresses, and for every part of a range (public-parts.ts).
 */
export function notPublicReason(addr: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  for (const [net, bits] of DOCUMENTATION) {
    if (addr.kind() === net.kind() && addr.match(net, bits)) return null;
  }
  const range = addr.range();
  if (range === "reserved") {
    for (const [cidr, name] of RESERVED) {
      const [net, bits] = ipaddr.parseCIDR(cidr);
      if (addr.kind() === net.kind() && addr.match(net, bits))
        return `is in ${name}: it is not routed on the internet`;
    }
    return "is in a reserved IANA range (RFC 6890): it is not routed on the internet";
  }
  return NOT_PUBLIC[range] ?? null;
}

/** The blocks the rule above tells apart (documentation, named reserved ones): a range's breakpoints. */
export function classifiedBlocks(): Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> {
  return [...DOCUMENTATION, ...RESERVED.map(([cidr]) => ipaddr.parseCIDR(cidr))];
}

/** RFC 1035 3.5: the octets reversed under in-addr.arpa. */
function reverseNameV4(addr: ipaddr.IPv4): string {
  return `${[...addr.octets].reverse().join(".")}.in-addr.arpa`;
}

/** RFC 3596 2.5: all 32 nibbles, reversed, under ip6.arpa (built in one pass: once per check). */
function reverseNameV6(addr: ipaddr.IPv6): string {
  let name = "";
  for (let part = 7; part >= 0; part--) {
    const value = addr.parts[part] ?? 0;
    for (let shift = 0; shift < 16; shift += 4) name += `${((value >> shift) & 15).toString(16)}.`;
  }
  return `${name}ip6.arpa`;
}

/** Whether `candidate` (from an A/AAAA answer) is the same address as `ip` (normalised). */
export function sameAddress(ip: string, candidate: string): boolean {
  try {
    let a = ipaddr.parse(candidate);
    if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress())
      a = (a as ipaddr.IPv6).toIPv4Address();
    const b = ipaddr.parse(ip);
    return a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();
  } catch {
    return false;
  }
}

/** Normalises an A/AAAA answer's text for display (RFC 5952 for IPv6). */
export function normaliseAddress(text: string): string {
  try {
    const addr = ipaddr.parse(text);
    return addr.kind() === "ipv6" ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
  } catch {
    return text;
  }
}

function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean;
}

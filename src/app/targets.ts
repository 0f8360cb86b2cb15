// What a person may ask about: one public IP, or a small range to watch. Receivers only ever see
// public addresses, so private, loopback, link-local and CGNAT space is refused up front; the
// documentation ranges (RFC 5737, RFC 3849) are allowed for examples and tests.
import ipaddr from "ipaddr.js";

const DOCUMENTATION = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"].map((cidr) =>
  ipaddr.parseCIDR(cidr),
);

/** Largest ranges a channel may watch in one go (issue 4: IPv4 up to /24, IPv6 up to /120). */
export const MIN_PREFIX = { 4: 24, 6: 120 } as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function isPublic(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.range() === "unicast") return true;
  return DOCUMENTATION.some(
    ([network, bits]) => address.kind() === network.kind() && address.match(network, bits),
  );
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(text)) return null;
  // Only the dotted-quad form for IPv4: ipaddr.js also takes "3" or "0x7f.1" (inet_aton forms).
  if (!text.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  const address = ipaddr.parse(text);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

/** One public IP, normalised (RFC 5952 for IPv6). */
export function parsePublicIp(text: string): Parsed<string> {
  const address = parseAddress(text.trim());
  if (address === null) return { ok: false, problem: `"${text}" is not an IP address` };
  if (!isPublic(address)) {
    return {
      ok: false,
      problem: `${address.toString()} is a ${address.range()} address: receivers never see it, so it has no reverse DNS to check`,
    };
  }
  return { ok: true, value: address.toString() };
}

export interface WatchTarget {
  /** Normalised: "203.0.113.5" or "203.0.113.0/28". */
  label: string;
  ips: string[];
}

/** One IP or a CIDR range, every address public, at most /24 (IPv4) or /120 (IPv6). */
export function parseWatchTarget(text: string): Parsed<WatchTarget> {
  const trimmed = text.trim();
  if (!trimmed.includes("/")) {
    const ip = parsePublicIp(trimmed);
    return ip.ok ? { ok: true, value: { label: ip.value, ips: [ip.value] } } : ip;
  }
  let network: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    [network, bits] = ipaddr.parseCIDR(trimmed);
  } catch {
    return { ok: false, problem: `"${text}" is not an IP address or CIDR range` };
  }
  const family = network.kind() === "ipv4" ? 4 : 6;
  if (bits < MIN_PREFIX[family]) {
    return {
      ok: false,
      problem: `${trimmed} is too large to watch: at most a /${MIN_PREFIX[family]} (256 addresses) per watch`,
    };
  }
  const bytes = network.toByteArray();
  const hostBits = (family === 4 ? 32 : 128) - bits;
  const count = 2 ** hostBits;
  // Clear the host bits (the person may write 203.0.113.5/28), then enumerate: at most 256.
  const last = bytes.length - 1;
  const base = bytes[last] ?? 0;
  bytes[last] = base - (base % count);
  const ips: string[] = [];
  for (let offset = 0; offset < count; offset++) {
    const copy = [...bytes];
    copy[last] = (bytes[last] ?? 0) + offset;
    ips.push(ipaddr.fromByteArray(copy).toString());
  }
  const first = parseAddress(ips[0] ?? "");
  const final = parseAddress(ips[ips.length - 1] ?? "");
  if (first === null || final === null || !isPublic(first) || !isPublic(final)) {
    return { ok: false, problem: `${trimmed} is not public address space: receivers never see it` };
  }
  return { ok: true, value: { label: `${ips[0]}/${bits}`, ips } };
}

/** RFC 5321 4.1.4: an EHLO argument is a domain name or an address literal. */
export function parseHelo(text: string): Parsed<string> {
  const helo = text.trim().replace(/\.$/, "");
  const literal = /^\[(IPv6:)?[0-9A-Fa-f:.]+\]$/.test(helo);
  const name =
    helo.length <= 253 &&
    /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*$/.test(helo);
  if (!literal && !name) {
    return {
      ok: false,
      problem: `"${text}" is not a host name or address literal a server could announce in HELO`,
    };
  }
  return { ok: true, value: literal ? helo : helo.toLowerCase() };
}

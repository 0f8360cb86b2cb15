// What a person may ask about: one public IP, or a small range to watch. Receivers only ever see
// public addresses, so private, loopback, link-local and CGNAT space is refused up front; the
// documentation ranges (RFC 5737, RFC 3849) are allowed for examples and tests. What counts as
// public is the check's rule (src/check/ip.ts), not a second copy of it.
import ipaddr from "ipaddr.js";
import { type ParsedIp, parseIp } from "../check/ip.js";
import { rangeParts } from "../check/public-parts.js";
import { asHostName } from "../check/resolve-host.js";
import { InvalidInputError } from "../check/types.js";
import type { CommandOption } from "./command.js";

/**
 * Longest textual IPv6 address with an embedded IPv4 (45) in an SMTP address literal
 * (`[IPv6:...]`, 7 more) or with a prefix ("/128", 4 more).
 */
export const MAX_ADDRESS = 52;
/** RFC 1035 2.3.4: a domain name is at most 253 characters in text form. */
export const MAX_NAME = 253;

/**
 * Largest ranges a channel may watch in one go: 65,536 addresses (IPv4 /16, IPv6 /112), checked
 * through the queue in chunks (workers/watch.ts).
 */
export const MIN_PREFIX = { 4: 16, 6: 112 } as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * The check's own parser (src/check/ip.ts) decides what is an address (zone ids, host names and
 * inet_aton forms are refused there): one rule, so a job is never queued for an address the
 * check would refuse. InvalidInputError becomes the problem line.
 */
function parseWithCheck(text: string): Parsed<ParsedIp> {
  try {
    return { ok: true, value: parseIp(text) };
  } catch (err) {
    if (err instanceof InvalidInputError) return { ok: false, problem: err.message };
    throw err;
  }
}

/** One public IP, normalised (RFC 5952 for IPv6). */
export function parsePublicIp(text: string): Parsed<string> {
  const parsed = parseWithCheck(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.notPublic !== null) {
    return { ok: false, problem: parsed.value.notPublic };
  }
  return { ok: true, value: parsed.value.ip };
}

export interface WatchTarget {
  /** Normalised: "203.0.113.5" (also for 203.0.113.5/32, [203.0.113.5]) or "203.0.113.0/28". */
  label: string;
  ips: string[];
}

/** One IP or a CIDR range, every address public, at most /16 (IPv4) or /112 (IPv6). */
export function parseWatchTarget(text: string): Parsed<WatchTarget> {
  const trimmed = text.trim();
  const host = asHostName(trimmed);
  if (host !== null) {
    // A name's addresses change under it; a watch follows what the receivers see, the address.
    return {
      ok: false,
      problem: `${host} is a host name: watches follow addresses and ranges; \`/rdns ${host}\` shows its addresses, then watch those`,
    };
  }
  if (!trimmed.includes("/")) {
    const ip = parsePublicIp(trimmed);
    return ip.ok ? { ok: true, value: { label: ip.value, ips: [ip.value] } } : ip;
  }
  // The address part goes through the check's parser too (a zone id would be dropped silently).
  const address = parseWithCheck(trimmed.slice(0, trimmed.indexOf("/")));
  if (!address.ok) return address;
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
      problem: `${trimmed} is too large to watch: at most a /${MIN_PREFIX[family]} (65,536 addresses) per watch`,
    };
  }
  const bytes = network.toByteArray();
  const hostBits = (family === 4 ? 32 : 128) - bits;
  const count = 2 ** hostBits;
  // Clear the host bits (the person may write 203.0.113.5/28), then enumerate: at most 65,536,
  // so the offset spans the last two bytes.
  const last = bytes.length - 1;
  const low = ((bytes[last - 1] ?? 0) << 8) | (bytes[last] ?? 0);
  const first = low - (low % count);
  const ips: string[] = [];
  for (let offset = 0; offset < count; offset++) {
    const value = first + offset;
    bytes[last - 1] = value >> 8;
    bytes[last] = value & 0xff;
    ips.push(ipaddr.fromByteArray(bytes).toString());
  }
  const isPublic = (ip: string | undefined) => {
    const parsed = parseWithCheck(ip ?? "");
    return parsed.ok && parsed.value.notPublic === null;
  };
  if (!isPublic(ips[0]) || !isPublic(ips[ips.length - 1])) {
    return { ok: false, problem: `${trimmed} is not public address space: receivers never see it` };
  }
  // One canonical form per target: a /32 or /128 is its single address, so `unwatch
  // 203.0.113.5/32` finds a watch of 203.0.113.5 (and the other way round).
  const label = ips.length === 1 ? (ips[0] as string) : `${ips[0]}/${bits}`;
  return { ok: true, value: { label, ips } };
}

/**
 * A range to start watching: as parseWatchTarget, and every part of it public, by the rule for
 * single addresses (192.88.0.0/16 holds the reserved 192.88.99.0/24). Refused, not trimmed: a
 * watch is listed, counted and re-checked under its label for as long as it stands, and a label
 * that silently covers less than it says would mislead every later `/rdns watches`; the person
 * re-sends the public parts. Unwatch and status keep parseWatchTarget, so a watch stored before
 * this rule can still be read and removed.
 */
export function parseNewWatchTarget(text: string): Parsed<WatchTarget> {
  const parsed = parseWatchTarget(text);
  if (!parsed.ok || parsed.value.ips.length === 1) return parsed;
  const [network, bits] = ipaddr.parseCIDR(parsed.value.label);
  const hidden = rangeParts(network, bits).filter((part) => part.why !== null);
  if (hidden.length === 0) return parsed;
  const named = hidden
    .slice(0, 2)
    .map((part) => `${part.cidr} ${part.why}`)
    .join("; ");
  const more = hidden.length > 2 ? `; and ${hidden.length - 2} more non-public blocks` : "";
  return {
    ok: false,
    problem: `${parsed.value.label} is not all public address space: ${named}${more}. Receivers never see those addresses; watch the public parts as smaller ranges`,
  };
}

/** RFC 5321 4.1.4: an EHLO argument is a domain name or an address literal. */
export function parseHelo(text: string): Parsed<string> {
  // The "IPv6:" tag is an ABNF string, so any case is the same tag (RFC 5234 2.3); smtp-server
  // hands the test-mail listener its HELO folded to lower case. Spelled as RFC 5321 4.1.3 does.
  const helo = text
    .trim()
    .replace(/\.$/, "")
    .replace(/^\[ipv6:/i, "[IPv6:");
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

/** An optional HELO option or button value: absent is null (no HELO), present must parse. */
export function parseOptionalHelo(text: string | null | undefined): Parsed<string | null> {
  if (text === undefined || text === null) return { ok: true, value: null };
  return parseHelo(text);
}

/** The option naming one of the channel's watches as it was watched (`unwatch`, `mute`). */
export const WATCHED_TARGET_OPTION: CommandOption = {
  name: "range",
  kind: "range",
  required: true,
  description: "The IP or range as it was watched, e.g. 203.0.113.0/28",
  minLength: 2,
  maxLength: MAX_ADDRESS,
};

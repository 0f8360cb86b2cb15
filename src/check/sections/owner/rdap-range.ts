// Where a cached RDAP network is filed and which filed networks may answer an address (the
// in-process cache in rdap.ts and the Redis one in src/store/rdap-cache.ts share these keys).
//
// An RIR answers the most specific network holding the address asked (RFC 9083 5.4), and a
// customer's reassignment sits inside its provider's allocation (ARIN's /29s within a /15). So a
// network is filed under its own range (the smallest CIDR block covering startAddress..endAddress:
// ARIN's NetRanges need not be CIDR-aligned) and an address is answered by the smallest filed
// network holding it: once the /29 is known, its addresses get the /29 whichever was cached first.
// A network wider than the address's block (/24 IPv4, /48 IPv6) is filed for that block only: it
// was found for an address there, and says nothing of reassignments elsewhere inside it.
//
// What keys cannot tell: an allocation found first for one address of a block answers the block's
// other addresses even where a reassignment it does not list holds some of them, until that
// reassignment is found (an address of it asked while the allocation is not kept) or the entry
// expires. RDAP's network object names no more specific networks.
import ipaddr from "ipaddr.js";

/** The address as a number (IPv4-mapped IPv6 read as IPv4, as ipaddr.process does). */
export function toBigInt(ip: string): bigint {
  return ipaddr
    .process(ip)
    .toByteArray()
    .reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
}

/** The network holds `ip` (an answer for another range is not this address's). */
export function contains(entry: { start: string; end: string }, ip: string): boolean {
  try {
    const value = toBigInt(ip);
    const start = toBigInt(entry.start);
    const end = toBigInt(entry.end);
    return ipaddr.process(ip).kind() === ipaddr.process(entry.start).kind() && start <= value && value <= end;
  } catch {
    return false;
  }
}

/** `ip` with all but its first `length` bits cleared, written as an address. */
function masked(ip: string, length: number): string {
  const address = ipaddr.process(ip);
  const bytes = address.toByteArray().map((byte, i) => {
    const kept = Math.min(8, Math.max(0, length - i * 8));
    return byte & ((0xff << (8 - kept)) & 0xff);
  });
  return ipaddr.fromByteArray(bytes).toString();
}

function bits(ip: string): number {
  return ipaddr.process(ip).kind() === "ipv4" ? 32 : 128;
}

function blockLength(ip: string): number {
  return bits(ip) === 32 ? 24 : 48;
}

/**
 * The block an address's broad networks are filed for: its /24 (IPv4) or /48 (IPv6).
 */
export function rdapBlock(ip: string): string {
  return masked(ip, blockLength(ip));
}

/** The key of the CIDR block `base/length`, seen from `ip` (a block wider than ip's /24 or /48 is filed for that block). */
function keyFor(base: string, length: number, ip: string): string {
  return length >= blockLength(ip) ? `${base}/${length}` : `${base}/${length}@${rdapBlock(ip)}`;
}

/** Where `entry`, found for `ip`, is filed: its covering CIDR block (and ip's block when wider). */
export function rdapRangeKey(entry: { start: string; end: string }, ip: string): string {
  const start = toBigInt(entry.start);
  const end = toBigInt(entry.end);
  let differing = 0;
  for (let rest = start ^ end; rest > 0n; rest >>= 1n) differing++;
  const length = bits(entry.start) - differing;
  return keyFor(masked(entry.start, length), length, ip);
}

/** The keys a network holding `ip` may be filed under, most specific first. */
export function rdapLookupKeys(ip: string): string[] {
  const keys: string[] = [];
  for (let length = bits(ip); length >= 0; length--) keys.push(keyFor(masked(ip, length), length, ip));
  return keys;
}

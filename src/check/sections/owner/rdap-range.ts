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

/**
 * Bytes with all but their first `length` bits cleared, written as an address: IPv4 dotted, IPv6
 * as eight uncompressed groups (readable in Redis, and cheap: an IPv6 address is looked up under
 * 129 keys, and ipaddr.js's RFC 5952 formatting cost a millisecond for them).
 */
function written(bytes: number[], length: number): string {
  const kept = bytes.map(
    (byte, i) => byte & ((0xff << (8 - Math.min(8, Math.max(0, length - i * 8)))) & 0xff),
  );
  if (kept.length === 4) return kept.join(".");
  const groups: string[] = [];
  for (let i = 0; i < kept.length; i += 2)
    groups.push((((kept[i] ?? 0) << 8) | (kept[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}

/** The address's bytes (IPv4-mapped IPv6 as IPv4). */
function bytesOf(ip: string): number[] {
  return ipaddr.process(ip).toByteArray();
}

function blockLength(bytes: number[]): number {
  return bytes.length === 4 ? 24 : 48;
}

/**
 * The block an address's broad networks are filed for: its /24 (IPv4) or /48 (IPv6).
 */
export function rdapBlock(ip: string): string {
  const bytes = bytesOf(ip);
  return written(bytes, blockLength(bytes));
}

/** The key of `bytes`' first `length` bits, seen from an address whose block is `block`. */
function keyFor(bytes: number[], length: number, block: string): string {
  const base = `${written(bytes, length)}/${length}`;
  return length >= blockLength(bytes) ? base : `${base}@${block}`;
}

/** Where `entry`, found for `ip`, is filed: its covering CIDR block (and ip's block when wider). */
export function rdapRangeKey(entry: { start: string; end: string }, ip: string): string {
  let differing = 0;
  for (let rest = toBigInt(entry.start) ^ toBigInt(entry.end); rest > 0n; rest >>= 1n) differing++;
  const start = bytesOf(entry.start);
  return keyFor(start, start.length * 8 - differing, rdapBlock(ip));
}

/** The keys a network holding `ip` may be filed under, most specific first. */
export function rdapLookupKeys(ip: string): string[] {
  const bytes = bytesOf(ip);
  const block = written(bytes, blockLength(bytes));
  const keys: string[] = [];
  for (let length = bytes.length * 8; length >= 0; length--) keys.push(keyFor(bytes, length, block));
  return keys;
}

// Which parts of a CIDR range receivers never see, by the rule for single addresses
// (notPublicReason in ip.ts). That rule depends only on which special-purpose blocks an address
// is in (ipaddr.js's SpecialRanges, the documentation and the named reserved blocks), so it is
// constant between those blocks' boundaries: one address is classified per stretch, not every
// address of a /16 (RFC 6890's registries are CIDR blocks, so a stretch is a few CIDR blocks).
import ipaddr from "ipaddr.js";
import { classifiedBlocks, notPublicReason } from "./ip.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Block = [Address, number];

export interface RangePart {
  /** The part as a CIDR block: "192.88.99.0/24", "2001:db8::/120". */
  cidr: string;
  size: number;
  /** null when receivers can see it; otherwise why not ("is in the retired 6to4 relay ..."). */
  why: string | null;
}

/** The range `address`/`prefix` cut into CIDR blocks, in address order, each public or not. */
export function rangeParts(address: Address, prefix: number): RangePart[] {
  if (address.kind() === "ipv6" && prefix >= 96 && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    // A single mapped address is checked as its IPv4 side (parseIp), so a mapped range is too.
    return rangeParts((address as ipaddr.IPv6).toIPv4Address(), prefix - 96).map((part) => ({
      ...part,
      cidr: `::ffff:${part.cidr.replace(/\/(\d+)$/, (_, bits: string) => `/${Number(bits) + 96}`)}`,
    }));
  }
  const width = address.kind() === "ipv4" ? 32 : 128;
  const span = 1n << BigInt(width - prefix);
  const start = (toBig(address) / span) * span;
  const end = start + span - 1n;
  const points = new Set<bigint>([start]);
  for (const [net, bits] of [...specialBlocks(address.kind()), ...classifiedBlocks()]) {
    if (net.kind() !== address.kind()) continue;
    const blockStart = toBig(net);
    const blockEnd = blockStart + (1n << BigInt(width - bits)) - 1n;
    if (blockEnd < start || blockStart > end) continue;
    if (blockStart > start) points.add(blockStart);
    if (blockEnd < end) points.add(blockEnd + 1n);
  }
  const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const stretches: Array<{ from: bigint; to: bigint; why: string | null }> = [];
  sorted.forEach((from, index) => {
    const to = (sorted[index + 1] ?? end + 1n) - 1n;
    const why = notPublicReason(fromBig(from, address.kind()));
    const last = stretches.at(-1);
    if (last !== undefined && last.why === why) last.to = to;
    else stretches.push({ from, to, why });
  });
  return stretches.flatMap(({ from, to, why }) =>
    cidrBlocks(from, to, width).map(([base, bits]) => ({
      cidr: `${text(fromBig(base, address.kind()))}/${bits}`,
      size: Number(1n << BigInt(width - bits)),
      why,
    })),
  );
}

/** Every block ipaddr.js's range() tells apart for this family. */
function specialBlocks(kind: string): Block[] {
  const table = (kind === "ipv4" ? ipaddr.IPv4.prototype : ipaddr.IPv6.prototype) as unknown as {
    SpecialRanges: Record<string, Block | Block[]>;
  };
  return Object.values(table.SpecialRanges).flatMap((entry) =>
    Array.isArray(entry[0]) ? (entry as Block[]) : [entry as Block],
  );
}

/** The fewest aligned CIDR blocks covering from..to exactly. */
function cidrBlocks(from: bigint, to: bigint, width: number): Array<[bigint, number]> {
  const blocks: Array<[bigint, number]> = [];
  let at = from;
  while (at <= to) {
    let bits = width;
    let size = 1n;
    while (bits > 0 && at % (size * 2n) === 0n && at + size * 2n - 1n <= to) {
      size *= 2n;
      bits--;
    }
    blocks.push([at, bits]);
    at += size;
  }
  return blocks;
}

function toBig(address: Address): bigint {
  return address.toByteArray().reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function fromBig(value: bigint, kind: string): Address {
  const bytes: number[] = [];
  for (let index = 0, rest = value; index < (kind === "ipv4" ? 4 : 16); index++, rest >>= 8n) {
    bytes.unshift(Number(rest & 255n));
  }
  return ipaddr.fromByteArray(bytes);
}

function text(address: Address): string {
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

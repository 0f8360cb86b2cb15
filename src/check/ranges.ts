// Addresses and ranges to sweep: "203.0.113.5", "203.0.113.0/24", "2001:db8::/120". A range is
// walked lazily (a /16 is 65,536 addresses: never held in memory at once). Sizes are capped per
// range so one typo (a /8) cannot start sixteen million checks.
import ipaddr from "ipaddr.js";
import { type RangePart, rangeParts } from "./public-parts.js";
import { InvalidInputError } from "./types.js";

/** Smallest prefix length accepted per range: IPv4 /16 and IPv6 /112, 65,536 addresses each. */
export const MIN_PREFIX = { 4: 16, 6: 112 } as const;

export interface AddressRange {
  /** As written back to the user: "203.0.113.0/24" (network address) or a single address. */
  text: string;
  family: 4 | 6;
  /** Number of addresses in the range. */
  size: number;
  /** The first address's bytes (network address for a range). */
  first: number[];
}

const EXAMPLE = "e.g. 203.0.113.5, 203.0.113.0/24 or 2001:db8::/120";

/** Parses one target; throws InvalidInputError (one line) for anything else. */
export function parseRange(input: string): AddressRange {
  const text = input.trim();
  const shown = text.replace(/[^\x20-\x7e]/g, "?").slice(0, 60);
  if (text === "") throw new InvalidInputError(`an empty address or range; ${EXAMPLE}`);
  const slash = text.indexOf("/");
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const isV4 = ipaddr.IPv4.isValidFourPartDecimal(addressText);
  const isV6 =
    !isV4 && addressText.includes(":") && !addressText.includes("%") && ipaddr.IPv6.isValid(addressText);
  if (!isV4 && !isV6) throw new InvalidInputError(`"${shown}" is not an IP address or range; ${EXAMPLE}`);
  const family = isV4 ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > bits) {
      throw new InvalidInputError(
        `"${shown}" has a bad prefix length (0-${bits} for IPv${family}); ${EXAMPLE}`,
      );
    }
  }
  if (prefix < MIN_PREFIX[family]) {
    throw new InvalidInputError(
      `"${shown}" is too large: at most a /${MIN_PREFIX[family]} per range for IPv${family} (65,536 addresses); split it into several`,
    );
  }
  const address = ipaddr.parse(addressText);
  const network =
    family === 4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addressText}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addressText}/${prefix}`);
  const size = 2 ** (bits - prefix);
  const first = network.toByteArray();
  const written =
    slash < 0
      ? family === 4
        ? address.toString()
        : (address as ipaddr.IPv6).toRFC5952String()
      : `${family === 4 ? network.toString() : (network as ipaddr.IPv6).toRFC5952String()}/${prefix}`;
  return { text: written, family, size, first };
}

/** Every address of the range, in order, as text. */
export function* addressesOf(range: AddressRange): Generator<string> {
  if (range.family === 4) {
    const base =
      (((range.first[0] ?? 0) << 24) |
        ((range.first[1] ?? 0) << 16) |
        ((range.first[2] ?? 0) << 8) |
        (range.first[3] ?? 0)) >>>
      0;
    for (let offset = 0; offset < range.size; offset++) {
      const value = base + offset;
      yield `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
    }
    return;
  }
  // At most the last 16 bits vary (MIN_PREFIX[6] = 112).
  const bytes = [...range.first];
  const low = ((bytes[14] ?? 0) << 8) | (bytes[15] ?? 0);
  for (let offset = 0; offset < range.size; offset++) {
    const value = low + offset;
    bytes[14] = value >>> 8;
    bytes[15] = value & 255;
    yield ipaddr.fromByteArray(bytes).toString();
  }
}

/** Every address of every range, in the order given. */
export function* addressesOfAll(ranges: readonly AddressRange[]): Generator<string> {
  for (const range of ranges) yield* addressesOf(range);
}

/** The range cut into CIDR blocks, each public or not by the rule for single addresses. */
export function partsOf(range: AddressRange): RangePart[] {
  const width = range.family === 4 ? 32 : 128;
  return rangeParts(ipaddr.fromByteArray(range.first), width - Math.log2(range.size));
}

// Addresses DNS data hands the check (a PTR name's or a HELO name's A/AAAA, a typed host name's
// addresses) are not shown when they are non-public (issue 28): `db.corp.internal A 10.1.2.3` or
// a name pointing at 169.254.169.254 would otherwise put the inside of a network into a chat
// channel. What counts as non-public is the rule for single addresses (notPublicReason in ip.ts,
// ipaddr.js range()). Only the address is left out: that the name resolves to a non-public
// address is still reported, counted in `privateAddresses`. Operators who want the addresses set
// SHOW_PRIVATE_ADDRESSES (or the CLI's --show-private-addresses), and the report keeps them.
import ipaddr from "ipaddr.js";
import { notPublicReason } from "./ip.js";
import type { ForwardLookup, Observations } from "./types.js";

/**
 * Whether receivers never see `text` as an address. An IPv4-mapped IPv6 address is judged as its
 * IPv4 side (parseIp does the same); text that is not an address counts as non-public, since it
 * cannot be shown as one either.
 */
export function isNonPublicAddress(text: string): boolean {
  try {
    // Parsed once, by family (ipaddr.parse validates, then parses again): this runs for every
    // forward answer of every check, a sweep's included.
    let address: ipaddr.IPv4 | ipaddr.IPv6 = text.includes(":")
      ? ipaddr.IPv6.parse(text)
      : ipaddr.IPv4.parse(text);
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress())
      address = (address as ipaddr.IPv6).toIPv4Address();
    return notPublicReason(address) !== null;
  } catch {
    return true;
  }
}

/** A lookup's shown addresses and how many non-public ones were left out (absent: none). */
export type ShownAddresses = Pick<ForwardLookup, "addresses" | "privateAddresses">;

/** The lookup with its non-public addresses left out and counted; unchanged when it has none. */
export function hideNonPublicAddresses<T extends ShownAddresses>(lookup: T): T {
  const shown = lookup.addresses.filter((address) => !isNonPublicAddress(address));
  const hidden = lookup.addresses.length - shown.length;
  if (hidden === 0) return lookup;
  return { ...lookup, addresses: shown, privateAddresses: (lookup.privateAddresses ?? 0) + hidden };
}

/**
 * The observations with every forward lookup's non-public addresses left out (the PTR names'
 * and the HELO name's): what the rules, the report, and everything rendered from it then see.
 * `confirms` was judged on the whole answer first, and a non-public address never is the
 * (public) checked IP, so FCrDNS and the HELO rules judge exactly as they would with it.
 */
export function withoutNonPublicAddresses(observations: Observations): Observations {
  const helo = observations.helo;
  return {
    ...observations,
    forward: observations.forward.map(hideNonPublicAddresses),
    helo:
      helo === null || helo.lookup === null ? helo : { ...helo, lookup: hideNonPublicAddresses(helo.lookup) },
  };
}

/** "a private address", "2 private addresses": the words for addresses left out. */
export function privateAddressWords(count: number): string {
  return count === 1 ? "a private address" : `${count} private addresses`;
}

/**
 * A lookup's addresses in words: "198.51.100.7, a private address"; shown non-public addresses
 * (SHOW_PRIVATE_ADDRESSES) are marked "10.1.2.3 (private)". Empty when it holds none.
 */
export function addressesText(lookup: ShownAddresses): string {
  const words = lookup.addresses.map((address) =>
    isNonPublicAddress(address) ? `${address} (private)` : address,
  );
  if ((lookup.privateAddresses ?? 0) > 0) words.push(privateAddressWords(lookup.privateAddresses ?? 0));
  return words.join(", ");
}

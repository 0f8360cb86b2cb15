// Client addresses as the listener compares them: one spelling per address, and membership of
// SMTP_PROXY_FROM's addresses and CIDRs (either family).
import ipaddr from "ipaddr.js";

/** The address as one spelling (an IPv4-mapped IPv6 peer becomes its IPv4 address). */
export function normalizeIp(address: string): string {
  try {
    return ipaddr.process(address).toString();
  } catch {
    return address;
  }
}

/** Whether `ip` is one of the entries (addresses or CIDRs). */
export function inRanges(ip: string, entries: readonly string[]): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(ip);
  } catch {
    return false;
  }
  return entries.some((entry) => {
    try {
      const [range, prefix] = entry.includes("/") ? ipaddr.parseCIDR(entry) : [ipaddr.process(entry), -1];
      // An IPv4-mapped entry (::ffff:192.0.2.0/120) matches the IPv4 peers it maps.
      const mapped = range instanceof ipaddr.IPv6 && range.isIPv4MappedAddress();
      const base = mapped ? range.toIPv4Address() : range;
      const bits = mapped && prefix !== -1 ? Math.max(0, prefix - 96) : prefix;
      if (base.kind() !== parsed.kind()) return false;
      return bits === -1 ? base.toString() === parsed.toString() : parsed.match(base, bits);
    } catch {
      return false;
    }
  });
}

/**
 * Whom a connection counts against for the per-client cap: the IPv4 address, or the IPv6
 * address's /64 (RFC 4291 2.5.4: a /64 is one link's prefix, and one host may hold all of it,
 * RFC 8981 temporary addresses included), so that one machine cannot take every slot by
 * connecting from a different address of its /64 each time.
 */
export function clientOf(ip: string): string {
  try {
    const address = ipaddr.process(ip);
    if (address.kind() === "ipv4") return address.toString();
    const prefix = ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`);
    return `${prefix.toString()}/64`;
  } catch {
    return ip;
  }
}

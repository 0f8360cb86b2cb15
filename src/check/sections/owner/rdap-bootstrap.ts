// Which RIR's RDAP server answers for an address: the IANA bootstrap ranges (RFC 9224) shipped
// with the package in rdap-bootstrap.json, which names its source and publication date. Read
// once; every range is a CIDR block of one RIR.
import ipaddr from "ipaddr.js";
import bootstrap from "./rdap-bootstrap.json" with { type: "json" };

interface Range {
  range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  base: string;
}

const RANGES: Range[] = bootstrap.services.flatMap((service) =>
  [...service.ipv4, ...service.ipv6].map((cidr) => ({ range: ipaddr.parseCIDR(cidr), base: service.base })),
);

/** The RIRs' RDAP hosts: the only hosts a redirect may lead to (RFC 7480 5.2 redirects between RIRs). */
export const RIR_HOSTS: ReadonlySet<string> = new Set(
  bootstrap.services.map((service) => new URL(service.base).host),
);

export const BOOTSTRAP_SOURCE = `${bootstrap.source} (ipv4 ${bootstrap.publication.ipv4}, ipv6 ${bootstrap.publication.ipv6})`;

/** Documentation ranges (RFC 5737, RFC 3849): inside RIR blocks, yet registered to nobody. */
const DOCUMENTATION = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"].map((cidr) =>
  ipaddr.parseCIDR(cidr),
);

/** The RIR's RDAP base URL (ending in "/") for `ip`, or null when no RIR range holds it. */
export function rdapBaseFor(ip: string): string | null {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return null;
  }
  if (DOCUMENTATION.some((range) => range[0].kind() === address.kind() && address.match(range))) return null;
  for (const { range, base } of RANGES) {
    if (range[0].kind() === address.kind() && address.match(range)) return base;
  }
  return null;
}

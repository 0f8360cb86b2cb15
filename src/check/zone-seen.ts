// What the PTR work already learned about the reverse zone, for the owner section to read
// instead of asking again: the one interface between authority discovery (authority.ts,
// authority-discovery.ts, zone-cache.ts) and src/check/sections/owner/.
import type { DnsResponse } from "./dns-types.js";
import type { ZoneServers } from "./zone-cache.js";

/** The zone's NS names and SOA names as far as an answer or discovery showed them (null: not seen). */
export interface ZoneNames {
  nameservers: string[] | null;
  soa: { mname: string; rname: string } | null;
}

/** The zone holding the address's (final) reverse name, with what is known of its names. */
export interface ZoneSeen extends ZoneNames {
  /** The reverse name after RFC 2317 CNAMEs: the name whose zone holds the PTR. */
  finalName: string;
  zone: string | null;
  /** Servers that answered the zone with AA: what is missing is asked of them (RD=0). */
  servers: string[];
  /**
   * The zone those servers were found authoritative for (the delegation discovery followed): what
   * they say of a zone counts only at or below it (src/check/bailiwick.ts). Null: servers listed
   * by the operator, no delegation known. Absent is read as null.
   */
  bailiwick?: string | null;
}

/**
 * The zone's NS and SOA names as far as they were seen: a negative answer carries the SOA
 * (RFC 2308 3), some servers add the NS to an answer, and discovery read both through the
 * resolvers; what none of them showed stays null for the owner section to ask.
 */
export function namesSeen(
  response: DnsResponse,
  soa: { mname: string; rname: string } | null,
  zone: string | null,
  discovered: ZoneServers | null,
): ZoneNames {
  const fromDiscovery = discovered !== null && discovered.zone === zone ? discovered : null;
  const ns = response.authorityNs.filter((record) => record.name === zone).map((record) => record.data);
  return {
    nameservers: ns.length > 0 ? ns : (fromDiscovery?.nsNames ?? null),
    soa: soa !== null ? { mname: soa.mname, rname: soa.rname } : (fromDiscovery?.soa ?? null),
  };
}

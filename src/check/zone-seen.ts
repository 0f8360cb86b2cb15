// What the PTR work already learned about the reverse zone, for the owner section to read
// instead of asking again: the one interface between authority discovery (authority.ts,
// authority-discovery.ts, zone-cache.ts) and src/check/sections/owner/. Types only.

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
}

// Which zone names a server may speak for. A resolver accepts a server's data only for names at
// or below the zone it was delegated (RFC 2181 5.4.1 ranks data by where it came from; RFC 8499
// calls such names "in-bailiwick"): a server delegated 113.0.203.in-addr.arpa that names
// in-addr.arpa, or a sibling's zone, as the owner of the SOA it returns is not believed.

/** `name` is `zone` or a name below it (names lower-case, without the final dot). */
export function atOrBelow(name: string, zone: string): boolean {
  return zone === "" || name === zone || name.endsWith(`.${zone}`);
}

/**
 * A zone a server named (the owner of its SOA) is believed when it holds the name asked and, when
 * the server was found through a delegation, lies at or below the delegated zone. Servers the
 * operator listed (no delegation known: `delegation` null) are held to the first rule only.
 */
export function inBailiwick(claimed: string, asked: string, delegation: string | null): boolean {
  return atOrBelow(asked, claimed) && (delegation === null || atOrBelow(claimed, delegation));
}

// Finding a zone's authoritative servers through the resolvers: the closest enclosing zone from
// the SOA they return, then its NS and their addresses (authority.ts asks them, RD=0).
import type { AuthorityOptions } from "./authority.js";
import type { ZoneSoa } from "./authority-serial-cache.js";
import { ask, lookupAddresses, type QueryOptions, readCnameChain } from "./lookups.js";
import { isNonPublicAddress } from "./private-addresses.js";
import { formatServer, parseServer } from "./server.js";
import type { NotAskedServer } from "./types.js";
import type { ZoneServers } from "./zone-cache.js";

/** What a name server at a non-public address is told (its address is not echoed: issue 28). */
export const NOT_ASKED_PRIVATE = "the zone's name server is at a private address: not asked";

/** SOA of the zone holding `name`, from an authoritative negative answer (or the apex's own SOA). */
export async function askSoa(server: string, name: string, options: QueryOptions): Promise<ZoneSoa | null> {
  const response = await ask(options.transport, {
    name,
    type: "SOA",
    server,
    recursion: false,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
  if (response.outcome !== "answer" || !response.aa || response.soa === null) return null;
  return {
    zone: response.soa.zone,
    ttl: response.soa.ttl,
    minimum: response.soa.minimum,
    serial: response.soa.serial ?? null,
    // The names too: the owner section reads the zone's contact from them (zone-seen.ts).
    mname: response.soa.mname,
    rname: response.soa.rname,
  };
}

/**
 * The closest enclosing zone of `name` and its name servers' addresses, through the resolvers.
 * A resolver answers an SOA question with the zone's SOA (in the answer at the apex, in the
 * authority section below it); where `name` is itself a CNAME the resolver would chase it, so
 * the parent name is asked instead.
 */
export async function discoverServers(name: string, options: AuthorityOptions): Promise<ZoneServers | null> {
  let candidate = name;
  let zone: string | null = null;
  let soaNames: { mname: string; rname: string } | null = null;
  while (zone === null && candidate.includes(".")) {
    const responses = await Promise.all(
      options.resolvers.map((server) =>
        ask(options.transport, {
          name: candidate,
          type: "SOA",
          server,
          recursion: true,
          timeoutMs: options.timeoutMs,
          retries: options.retries,
        }),
      ),
    );
    const response = responses.find(
      (r) => r.outcome === "answer" && (r.rcode === "NOERROR" || r.rcode === "NXDOMAIN"),
    );
    if (response === undefined) return null;
    const chain = readCnameChain(response, candidate, "SOA");
    if (chain.cnames.length > 0) {
      candidate = candidate.slice(candidate.indexOf(".") + 1);
      continue;
    }
    const apex = response.answers.find((record) => record.type === "SOA");
    zone = apex !== undefined ? apex.name : (response.soa?.zone ?? null);
    if (zone === null) return null;
    if (apex === undefined && response.soa !== null) {
      soaNames = { mname: response.soa.mname, rname: response.soa.rname };
    }
  }
  if (zone === null) return null;
  const nsResponses = await Promise.all(
    options.resolvers.map((server) =>
      ask(options.transport, {
        name: zone as string,
        type: "NS",
        server,
        recursion: true,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
      }),
    ),
  );
  const nsResponse = nsResponses.find((r) => r.outcome === "answer" && r.rcode === "NOERROR");
  const nsChain = nsResponse === undefined ? null : readCnameChain(nsResponse, zone, "NS");
  const nsNames = nsChain?.values ?? [];
  if (nsNames.length === 0) return null;
  const lookups = await Promise.all(
    nsNames.flatMap((ns) => [
      lookupAddresses(ns, 4, "0.0.0.0", options.resolvers, options),
      lookupAddresses(ns, 6, "::", options.resolvers, options),
    ]),
  );
  const servers: string[] = [];
  const nameServers: Record<string, string> = {};
  const notAsked: NotAskedServer[] = [];
  lookups.forEach((lookup, index) => {
    const ns = nsNames[Math.floor(index / 2)] as string;
    for (const address of lookup.addresses) {
      const parsed = parseServer(address);
      // Issue 28: an address from DNS data is never a way into the bot's own network (loopback,
      // RFC 1918, link-local metadata services...): the same rule as for addresses users type.
      if (!options.askNonPublicNameServers && isNonPublicAddress(parsed.host)) {
        if (!notAsked.some((entry) => entry.nameServer === ns))
          notAsked.push({ nameServer: ns, reason: NOT_ASKED_PRIVATE });
        continue;
      }
      const server = formatServer({ ...parsed, port: options.authorityPort });
      if (servers.includes(server)) continue;
      servers.push(server);
      nameServers[server] = ns;
    }
  });
  if (servers.length === 0 && notAsked.length === 0) return null;
  return { zone, servers, ttl: nsChain?.ttl ?? 0, nameServers, notAsked, nsNames, soa: soaNames };
}

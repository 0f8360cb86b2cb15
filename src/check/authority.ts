// Asking the zone's authoritative servers (RD=0) for the truth, independent of any cache.
// Servers are either given (--authority / AUTHORITIES: every listed server is tried for every
// zone, so a lab on high ports can list the parent's and the child's) or discovered: the closest
// enclosing zone from the SOA the resolvers return, then its NS and their addresses.
import { type DnsResponse, normaliseName } from "./dns-client.js";
import { askPtr, lookupAddresses, type QueryOptions, readChain } from "./lookups.js";
import { formatServer, parseServer } from "./server.js";
import type { AuthorityReport, PtrAnswer } from "./types.js";

export interface AuthorityOptions extends QueryOptions {
  reverseName: string;
  /** Listed authoritative servers (host:port); empty means discover them. */
  authorities: string[];
  resolvers: string[];
  /** Port to ask discovered name servers on (53 except in labs). */
  authorityPort: number;
  /** Called as soon as PTR names are known, so their forward lookups start early. */
  onNames?: (names: string[]) => void;
}

const MAX_HOPS = 8;

export async function askAuthority(options: AuthorityOptions): Promise<AuthorityReport | null> {
  const asked = new Set<string>();
  const cnames: string[] = [];
  let name = normaliseName(options.reverseName);
  let zone: string | null = null;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let servers = options.authorities;
    if (servers.length === 0) {
      const found = await discoverServers(name, options);
      if (found === null) return asked.size === 0 ? null : failed([...asked], zone, cnames, []);
      zone = found.zone;
      servers = found.servers;
    }
    for (const server of servers) asked.add(server);
    // The SOA question runs beside the PTR one: a positive answer carries no SOA, yet the
    // negative TTL (RFC 2308 5) of the zone is what a cached NXDOMAIN will last.
    const [ptrs, soas] = await Promise.all([
      Promise.all(servers.map((server) => askPtr(server, name, false, options))),
      Promise.all(servers.map((server) => askSoa(server, name, options))),
    ]);
    const soa = soas.find((result) => result !== null) ?? null;
    if (soa !== null) zone = soa.zone;
    // Only an authoritative answer (AA) counts; a listed server that does not serve the zone
    // answers REFUSED or with a referral, and another listed server is the right one.
    const authoritative = ptrs.find(
      (result) =>
        result.response.outcome === "answer" &&
        result.response.aa &&
        (result.response.rcode === "NOERROR" || result.response.rcode === "NXDOMAIN"),
    );
    const answers = ptrs.map((result) => notAuthoritative(result.response) ?? result.answer);
    if (authoritative === undefined) return failed([...asked], zone, cnames, answers, soa);
    // Once one server answered with authority, a listed server that refused or referred us
    // elsewhere simply does not serve this zone (the lab lists parent and child servers
    // together): not a DNS error. Timeouts and SERVFAILs of the others stay in the detail.
    const relevant = ptrs
      .filter(
        (result) =>
          !(
            result.response.outcome === "answer" &&
            (!result.response.aa || result.response.rcode === "REFUSED")
          ),
      )
      .map((result) => result.answer);
    const chain = authoritative.chain;
    cnames.push(...chain.cnames);
    // RFC 2317: the parent answers with a CNAME into the child zone (and a referral); the PTR
    // lives at the child's servers, so follow the alias there ourselves.
    if (
      chain.status === "nodata" &&
      chain.cnames.length > 0 &&
      !cnames.slice(0, -1).includes(chain.finalName)
    ) {
      name = chain.finalName;
      continue;
    }
    if (chain.values.length > 0) options.onNames?.(chain.values);
    return {
      servers: [...asked],
      zone,
      status: chain.status,
      names: chain.values,
      cnames,
      answers: relevant.map((answer) => ({ ...answer, cnames: [...cnames] })),
      soa: soa === null ? null : { ttl: soa.ttl, minimum: soa.minimum },
    };
  }
  return failed([...asked], zone, cnames, []);
}

/**
 * A server that answers without AA (a referral, or a cache) gave no authoritative answer: for the
 * report that is "could not tell" (what a resolver calls a lame server), never "no PTR".
 */
function notAuthoritative(response: DnsResponse): PtrAnswer | null {
  if (response.outcome !== "answer" || response.aa || response.rcode !== "NOERROR") return null;
  const referral = response.authorityNs.map((record) => record.data);
  return {
    server: response.server,
    status: "servfail",
    names: [],
    cnames: [],
    ttl: null,
    negativeTtlRemaining: null,
    rttMs: Math.round(response.rttMs * 10) / 10,
    error:
      referral.length > 0
        ? `${response.server} is not authoritative here: it refers to ${referral.join(", ")}`
        : `${response.server} answered without the authoritative (AA) flag`,
  };
}

function failed(
  servers: string[],
  zone: string | null,
  cnames: string[],
  answers: PtrAnswer[],
  soa: { ttl: number; minimum: number } | null = null,
): AuthorityReport {
  // No authoritative answer: report the first server's failure (timeout, SERVFAIL, REFUSED).
  const first =
    answers.find((answer) => answer.status !== "found" && answer.status !== "nxdomain") ?? answers[0];
  return {
    servers,
    zone,
    status: first?.status ?? "servfail",
    names: [],
    cnames,
    answers,
    soa: soa === null ? null : { ttl: soa.ttl, minimum: soa.minimum },
  };
}

/** SOA of the zone holding `name`, from an authoritative negative answer (or the apex's own SOA). */
async function askSoa(
  server: string,
  name: string,
  options: QueryOptions,
): Promise<{ zone: string; ttl: number; minimum: number } | null> {
  const response = await options.transport({
    name,
    type: "SOA",
    server,
    recursion: false,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
  if (response.outcome !== "answer" || !response.aa || response.soa === null) return null;
  return { zone: response.soa.zone, ttl: response.soa.ttl, minimum: response.soa.minimum };
}

/**
 * The closest enclosing zone of `name` and its name servers' addresses, through the resolvers.
 * A resolver answers an SOA question with the zone's SOA (in the answer at the apex, in the
 * authority section below it); where `name` is itself a CNAME the resolver would chase it, so
 * the parent name is asked instead.
 */
export async function discoverServers(
  name: string,
  options: AuthorityOptions,
): Promise<{ zone: string; servers: string[] } | null> {
  let candidate = name;
  let zone: string | null = null;
  while (zone === null && candidate.includes(".")) {
    const responses = await Promise.all(
      options.resolvers.map((server) =>
        options.transport({
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
    const chain = readChain(response, candidate, "SOA");
    if (chain.cnames.length > 0) {
      candidate = candidate.slice(candidate.indexOf(".") + 1);
      continue;
    }
    const apex = response.answers.find((record) => record.type === "SOA");
    zone = apex !== undefined ? apex.name : (response.soa?.zone ?? null);
    if (zone === null) return null;
  }
  if (zone === null) return null;
  const nsResponses = await Promise.all(
    options.resolvers.map((server) =>
      options.transport({
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
  const nsNames = nsResponse === undefined ? [] : readChain(nsResponse, zone, "NS").values;
  if (nsNames.length === 0) return null;
  const lookups = await Promise.all(
    nsNames.flatMap((ns) => [
      lookupAddresses(ns, 4, "0.0.0.0", options.resolvers, options),
      lookupAddresses(ns, 6, "::", options.resolvers, options),
    ]),
  );
  const servers = [
    ...new Set(
      lookups.flatMap((lookup) =>
        lookup.addresses.map((address) =>
          formatServer({ ...parseServer(address), port: options.authorityPort }),
        ),
      ),
    ),
  ];
  return servers.length === 0 ? null : { zone, servers };
}

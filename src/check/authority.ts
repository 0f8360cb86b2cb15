// Asking the zone's authoritative servers (RD=0) for the truth, independent of any cache.
// Servers are either given (--authority / AUTHORITIES: every listed server is tried for every
// zone, so a lab on high ports can list the parent's and the child's) or discovered: the closest
// enclosing zone from the SOA the resolvers return, then its NS and their addresses.

import { askSoa, discoverServers } from "./authority-discovery.js";
import type { SerialCache } from "./authority-serial-cache.js";
import { askServersWithSerial, authoritativeCandidates, chooseNewest } from "./authority-serials.js";
import { type DnsResponse, normaliseName } from "./dns-client.js";
import { MAX_CNAME_HOPS, type QueryOptions } from "./lookups.js";
import {
  type AuthorityAnswer,
  type AuthorityDisagreement,
  type AuthorityReport,
  CONCLUSIVE_STATUSES,
  type NotAskedServer,
  type PtrAnswer,
} from "./types.js";
import { type ZoneServerCache, type ZoneServers, zoneCacheFor } from "./zone-cache.js";
import { namesSeen, type ZoneNames } from "./zone-seen.js";

export interface AuthorityOptions extends QueryOptions {
  reverseName: string;
  /** Listed authoritative servers (host:port); empty means discover them. */
  authorities: string[];
  resolvers: string[];
  /** Port to ask discovered name servers on (53 except in labs). */
  authorityPort: number;
  /** Called as soon as PTR names are known, so their forward lookups start early. */
  onNames?: (names: string[]) => void;
  /** Discovered zones' servers, kept for their TTL (default: one cache per transport). */
  zoneCache?: ZoneServerCache;
  /** Ask discovered name servers at non-public addresses too (the test lab only; CheckOptions). */
  askNonPublicNameServers?: boolean;
  /** A sweep's kept zone SOAs (authority-serial-cache.ts); none: the SOA beside every PTR. */
  serialCache?: SerialCache | undefined;
}

export interface AuthorityResult {
  report: AuthorityReport;
  /** The name the final answer was for (after CNAMEs) and the servers that answered it with AA. */
  finalName: string;
  answeredBy: string[];
  /** The zone's NS and SOA names this work already saw (the owner section reads them). */
  seen?: ZoneNames;
}

export async function askAuthority(options: AuthorityOptions): Promise<AuthorityResult | null> {
  const asked = new Set<string>();
  const cnames: string[] = [];
  let name = normaliseName(options.reverseName);
  let zone: string | null = null;
  let rediscovered = false;
  let discovered: ZoneServers | null = null;
  const cache = options.zoneCache ?? zoneCacheFor(options.transport);
  const scope = `${options.resolvers.join(",")}|${options.authorityPort}|${options.askNonPublicNameServers === true}`;
  const serials = new Map<string, number | null>();
  let disagreement: AuthorityDisagreement | null = null;
  let notAsked: NotAskedServer[] = [];
  /** Discovered servers' NS names (host:port -> name), for messages. */
  const nameServers: Record<string, string> = {};
  let newestSerial: number | null = null;
  const finish = (result: AuthorityResult): AuthorityResult => {
    result.report.answers = result.report.answers.map((answer) => {
      const nameServer = nameServers[answer.server];
      return {
        ...answer,
        serial: serials.get(answer.server) ?? null,
        ...(nameServer === undefined ? {} : { nameServer }),
      };
    });
    result.report.serial = newestSerial;
    result.report.disagreement = disagreement;
    result.report.notAsked = notAsked;
    return result;
  };
  // Each hop follows at least one CNAME, so the chain bound is the hop bound too.
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    let servers = options.authorities;
    if (servers.length === 0) {
      const found = await cache.find(scope, name, (wanted) => discoverServers(wanted, options));
      if (found === null) return asked.size === 0 ? null : finish(failed([...asked], zone, cnames, [], name));
      zone = found.zone;
      servers = found.servers;
      discovered = found;
      notAsked = found.notAsked ?? [];
      Object.assign(nameServers, found.nameServers ?? {});
      if (servers.length === 0) {
        // Every NS is at a non-public address (issue 28): none is asked, but what discovery read
        // through the resolvers still names the zone's NS and SOA for the owner section.
        const seen = { nameservers: found.nsNames ?? null, soa: found.soa ?? null };
        return finish({ ...failed([...asked], zone, cnames, [], name), seen });
      }
    }
    for (const server of servers) asked.add(server);
    // Every server at once, each with the zone's serial (its SOA beside the PTR, or a sweep's
    // kept one): servers of one zone may serve different versions of it, and the serial says
    // which is newest. Of the authoritative (AA) answers the newest serial's is taken, never
    // simply the first server's.
    const ptrs = await askServersWithSerial(servers, name, options, options.serialCache);
    for (const result of ptrs) serials.set(result.answer.server, result.serial);
    const newest = chooseNewest(authoritativeCandidates(ptrs));
    const authoritative =
      newest === null ? undefined : ptrs.find((result) => result.answer.server === newest.chosen.server);
    if (newest !== null) {
      disagreement ??= newest.disagreement;
      newestSerial = newest.chosen.serial;
    }
    const answers = ptrs.map((result) => notAuthoritative(result.response) ?? result.answer);
    if (authoritative === undefined) {
      // A cached zone's server referring us further down: a zone was delegated below the one
      // cached (or the delegation changed). Forget it and discover this name's zone afresh, once.
      const referred = ptrs.some((result) => !result.response.aa && result.response.authorityNs.length > 0);
      if (options.authorities.length === 0 && zone !== null && referred && !rediscovered) {
        rediscovered = true;
        cache.forget(scope, zone);
        for (const server of servers) asked.delete(server);
        continue;
      }
      return finish(failed([...asked], zone, cnames, answers, name));
    }
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
    const visited = [normaliseName(options.reverseName), ...cnames];
    cnames.push(...chain.cnames);
    // RFC 2317: the parent answers with a CNAME into the child zone (and a referral); the PTR
    // lives at the child's servers, so follow the alias there ourselves. A chain that comes back
    // to a name already asked, or runs past MAX_CNAME_HOPS across answers, is as broken as one
    // inside a single answer: "could not tell", never NODATA.
    if (chain.status === "nodata" && chain.cnames.length > 0) {
      const server = authoritative.answer.server;
      const back = chain.cnames.findIndex((target) => visited.includes(target));
      if (back !== -1) {
        const target = chain.cnames[back] as string;
        const loop = [...visited.slice(visited.indexOf(target)), ...chain.cnames.slice(0, back + 1)].join(
          " -> ",
        );
        return finish(
          brokenChain(asked, zone, cnames, server, `a CNAME loop across answers (${loop})`, name),
        );
      }
      if (cnames.length > MAX_CNAME_HOPS) {
        const defect = `a CNAME chain longer than ${MAX_CNAME_HOPS} hops across answers (${visited[0]} -> ${cnames[0]} -> ... -> ${chain.finalName})`;
        return finish(brokenChain(asked, zone, cnames, server, defect, name));
      }
      name = chain.finalName;
      continue;
    }
    if (chain.values.length > 0) options.onNames?.(chain.values);
    // A negative answer carries the zone's SOA (RFC 2308 3); for a positive one the SOA question
    // asked beside it brings it (completeSoa is left for a result without one).
    const soa = authoritative.response.soa ?? authoritative.soa;
    return finish({
      seen: namesSeen(authoritative.response, soa, soa?.zone ?? zone, discovered),
      finalName: chain.finalName,
      answeredBy: ptrs
        .filter((result) => result.response.aa && result.response.outcome === "answer")
        .map((result) => result.answer.server),
      report: {
        servers: [...asked],
        zone: soa?.zone ?? zone,
        status: chain.status,
        names: chain.values,
        cnames,
        answers: relevant.map((answer) => withCnames(answer, cnames)),
        soa: soa === null ? null : { ttl: soa.ttl, minimum: soa.minimum },
      },
    });
  }
  return finish(failed([...asked], zone, cnames, [], name));
}

/** `answer` with the chain's CNAMEs so far (each its own copy), as one object literal (see ptr-questions.ts startAuthority). */
function withCnames(answer: PtrAnswer, cnames: string[]): AuthorityAnswer {
  return {
    server: answer.server,
    status: answer.status,
    names: answer.names,
    cnames: [...cnames],
    ttl: answer.ttl,
    negativeTtlRemaining: answer.negativeTtlRemaining,
    rttMs: answer.rttMs,
    error: answer.error,
  };
}

/** The authority's chain is broken: "could not tell", naming the defect and the server that sent it. */
function brokenChain(
  asked: Set<string>,
  zone: string | null,
  cnames: string[],
  server: string,
  defect: string,
  finalName: string,
): AuthorityResult {
  const answer: PtrAnswer = {
    server,
    status: "servfail",
    names: [],
    cnames: [...cnames],
    ttl: null,
    negativeTtlRemaining: null,
    rttMs: null,
    error: `${server} sent a broken answer: ${defect}; could not tell, counted as SERVFAIL`,
  };
  return failed([...asked], zone, cnames, [answer], finalName);
}

/**
 * Fills in the zone and its SOA (RFC 2308 5: the negative TTL is min(MINIMUM, SOA TTL)) for a
 * positive authoritative answer, by asking the servers that gave it for the SOA of the name.
 */
export async function completeSoa(result: AuthorityResult, options: QueryOptions): Promise<void> {
  const soas = await Promise.all(
    result.answeredBy.map((server) => askSoa(server, result.finalName, options)),
  );
  const soa = soas.find((found) => found !== null);
  if (soa === undefined) return;
  result.report.zone = soa.zone;
  result.report.soa = { ttl: soa.ttl, minimum: soa.minimum };
}

/**
 * A server that answers without AA (a referral, a lame delegation, or a cache) gave no
 * authoritative answer (RFC 1035 4.1.1: AA marks the zone's own data). NOERROR or NXDOMAIN from
 * it is not the zone's word: for the report that is "could not tell" (what a resolver calls a
 * lame server, RFC 1912 2.8), never "no PTR". Failures (SERVFAIL, REFUSED, timeouts) are
 * already "could not tell" and are kept as they are.
 */
function notAuthoritative(response: DnsResponse): PtrAnswer | null {
  if (response.outcome !== "answer" || response.aa) return null;
  if (response.rcode !== "NOERROR" && response.rcode !== "NXDOMAIN") return null;
  const referral = response.authorityNs.map((record) => record.data);
  const said = response.rcode === "NXDOMAIN" ? "NXDOMAIN" : "NOERROR";
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
        : `${response.server} answered ${said} without the authoritative (AA) flag (a lame delegation or a cache): not the zone's answer, counted as SERVFAIL`,
  };
}

/**
 * No authoritative answer was had: the report says which way asking failed. It never carries a
 * conclusive status (found / NXDOMAIN / NODATA): only an AA answer can say what the zone holds.
 */
function failed(
  servers: string[],
  zone: string | null,
  cnames: string[],
  answers: PtrAnswer[],
  finalName: string,
): AuthorityResult {
  const first = answers.find((answer) => !CONCLUSIVE_STATUSES.has(answer.status));
  return {
    finalName,
    answeredBy: [],
    report: {
      servers,
      zone,
      status: first?.status ?? "servfail",
      names: [],
      cnames,
      answers: answers.map((answer) =>
        CONCLUSIVE_STATUSES.has(answer.status)
          ? {
              ...answer,
              status: "servfail" as const,
              names: [],
              error: answer.error ?? `${answer.server} gave no authoritative answer`,
            }
          : answer,
      ),
      soa: null,
    },
  };
}

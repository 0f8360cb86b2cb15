// Asking the zone's authoritative servers (RD=0) for the truth, independent of any cache.
// Servers are either given (--authority / AUTHORITIES: every listed server is tried for every
// zone, so a lab on high ports can list the parent's and the child's) or discovered: the closest
// enclosing zone from the SOA the resolvers return, then its NS and their addresses.

import {
  brokenChain,
  crossAnswerDefect,
  failed,
  notAuthoritative,
  relevantAnswers,
  withCnames,
} from "./authority-answers.js";
import { askSoa, discoverServers } from "./authority-discovery.js";
import type { SerialCache } from "./authority-serial-cache.js";
import {
  askServersWithSerial,
  authoritativeCandidates,
  chooseNewest,
  type SerialAnswer,
} from "./authority-serials.js";
import { inBailiwick } from "./bailiwick.js";
import { normaliseName } from "./dns-client.js";
import { MAX_CNAME_HOPS, type QueryOptions } from "./lookups.js";
import type { AuthorityDisagreement, AuthorityReport, NotAskedServer } from "./types.js";
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
  /**
   * The zone the answering servers were found authoritative for (the delegation discovery
   * followed); null when they were listed (no delegation known). The owner shares a zone with
   * other addresses only within it (src/check/sections/owner/).
   */
  bailiwick?: string | null;
}

/** What one askAuthority call has learned so far, across its hops. */
interface Walk {
  options: AuthorityOptions;
  /** Every server asked (host:port), in order. */
  asked: Set<string>;
  /** The CNAMEs followed, across answers. */
  cnames: string[];
  /** The name this hop asks: the reverse name, then each CNAME target followed. */
  name: string;
  zone: string | null;
  /** The cached zone was forgotten once already (a referral below it). */
  rediscovered: boolean;
  discovered: ZoneServers | null;
  cache: ZoneServerCache;
  /** The zone cache's scope: which resolvers and port discovered the servers. */
  scope: string;
  serials: Map<string, number | null>;
  disagreement: AuthorityDisagreement | null;
  notAsked: NotAskedServer[];
  /** Discovered servers' NS names (host:port -> name), for messages. */
  nameServers: Record<string, string>;
  newestSerial: number | null;
}

/** The hop ended without a result: ask again (a CNAME followed, or the zone rediscovered). */
const AGAIN = "again";

export async function askAuthority(options: AuthorityOptions): Promise<AuthorityResult | null> {
  const walk: Walk = {
    options,
    asked: new Set<string>(),
    cnames: [],
    name: normaliseName(options.reverseName),
    zone: null,
    rediscovered: false,
    discovered: null,
    cache: options.zoneCache ?? zoneCacheFor(options.transport),
    scope: `${options.resolvers.join(",")}|${options.authorityPort}|${options.askNonPublicNameServers === true}`,
    serials: new Map<string, number | null>(),
    disagreement: null,
    notAsked: [],
    nameServers: {},
    newestSerial: null,
  };
  // Each hop follows at least one CNAME, so the chain bound is the hop bound too.
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const servers = await serversFor(walk);
    if (servers === null) return null;
    if (!Array.isArray(servers)) return finish(walk, servers);
    const step = await askHop(walk, servers);
    if (step !== AGAIN) return finish(walk, step);
  }
  return finish(walk, failed([...walk.asked], walk.zone, walk.cnames, [], walk.name));
}

/**
 * The servers this hop asks: the listed ones, or the discovered servers of the name's zone. A
 * result instead when there are none to ask; null when nothing was ever asked.
 */
async function serversFor(walk: Walk): Promise<string[] | AuthorityResult | null> {
  const { options } = walk;
  if (options.authorities.length > 0) return options.authorities;
  const found = await walk.cache.find(walk.scope, walk.name, (wanted) => discoverServers(wanted, options));
  if (found === null) {
    return walk.asked.size === 0 ? null : failed([...walk.asked], walk.zone, walk.cnames, [], walk.name);
  }
  walk.zone = found.zone;
  walk.discovered = found;
  walk.notAsked = found.notAsked ?? [];
  Object.assign(walk.nameServers, found.nameServers ?? {});
  if (found.servers.length === 0) {
    // Every NS is at a non-public address (issue 28): none is asked, but what discovery read
    // through the resolvers still names the zone's NS and SOA for the owner section.
    const seen = { nameservers: found.nsNames ?? null, soa: found.soa ?? null };
    return { ...failed([...walk.asked], walk.zone, walk.cnames, [], walk.name), seen };
  }
  return found.servers;
}

/**
 * Every server at once, each with the zone's serial (its SOA beside the PTR, or a sweep's kept
 * one): servers of one zone may serve different versions of it, and the serial says which is
 * newest. Of the authoritative (AA) answers the newest serial's is taken, never simply the first
 * server's.
 */
async function askHop(walk: Walk, servers: string[]): Promise<AuthorityResult | typeof AGAIN> {
  for (const server of servers) walk.asked.add(server);
  const ptrs = await askServersWithSerial(servers, walk.name, walk.options, walk.options.serialCache);
  for (const result of ptrs) walk.serials.set(result.answer.server, result.serial);
  const newest = chooseNewest(authoritativeCandidates(ptrs));
  if (newest === null) return noAuthoritativeAnswer(walk, servers, ptrs);
  walk.disagreement ??= newest.disagreement;
  walk.newestSerial = newest.chosen.serial;
  const authoritative = ptrs.find((result) => result.answer.server === newest.chosen.server);
  if (authoritative === undefined) return noAuthoritativeAnswer(walk, servers, ptrs);
  return fromAuthoritative(walk, ptrs, authoritative);
}

function noAuthoritativeAnswer(
  walk: Walk,
  servers: string[],
  ptrs: SerialAnswer[],
): AuthorityResult | typeof AGAIN {
  // A cached zone's server referring us further down: a zone was delegated below the one
  // cached (or the delegation changed). Forget it and discover this name's zone afresh, once.
  const referred = ptrs.some((result) => !result.response.aa && result.response.authorityNs.length > 0);
  if (walk.options.authorities.length === 0 && walk.zone !== null && referred && !walk.rediscovered) {
    walk.rediscovered = true;
    walk.cache.forget(walk.scope, walk.zone);
    for (const server of servers) walk.asked.delete(server);
    return AGAIN;
  }
  const answers = ptrs.map((result) => notAuthoritative(result.response) ?? result.answer);
  return failed([...walk.asked], walk.zone, walk.cnames, answers, walk.name);
}

/** The authoritative answer taken: a CNAME to follow into another zone, or the walk's result. */
function fromAuthoritative(
  walk: Walk,
  ptrs: SerialAnswer[],
  authoritative: SerialAnswer,
): AuthorityResult | typeof AGAIN {
  const relevant = relevantAnswers(ptrs);
  const chain = authoritative.chain;
  const visited = [normaliseName(walk.options.reverseName), ...walk.cnames];
  walk.cnames.push(...chain.cnames);
  // RFC 2317: the parent answers with a CNAME into the child zone (and a referral); the PTR
  // lives at the child's servers, so follow the alias there ourselves.
  if (chain.status === "nodata" && chain.cnames.length > 0) {
    const defect = crossAnswerDefect(chain, visited, walk.cnames);
    if (defect !== null) {
      return brokenChain(walk.asked, walk.zone, walk.cnames, authoritative.answer.server, defect, walk.name);
    }
    walk.name = chain.finalName;
    return AGAIN;
  }
  if (chain.values.length > 0) walk.options.onNames?.(chain.values);
  // A negative answer carries the zone's SOA (RFC 2308 3); for a positive one the SOA question
  // asked beside it brings it (completeSoa is left for a result without one). Its owner is
  // believed only in bailiwick (bailiwick.ts): a discovered server, at or below the zone it was
  // found authoritative for; else the delegation's zone stands.
  const delegation = walk.options.authorities.length === 0 ? walk.zone : null;
  const claimed = authoritative.response.soa ?? authoritative.soa;
  const soa = claimed !== null && inBailiwick(claimed.zone, chain.finalName, delegation) ? claimed : null;
  const report: AuthorityReport = {
    servers: [...walk.asked],
    zone: soa?.zone ?? walk.zone,
    status: chain.status,
    names: chain.values,
    cnames: walk.cnames,
    answers: relevant.map((answer) => withCnames(answer, walk.cnames)),
    soa: soa === null ? null : { ttl: soa.ttl, minimum: soa.minimum },
  };
  return {
    seen: namesSeen(authoritative.response, soa, soa?.zone ?? walk.zone, walk.discovered),
    finalName: chain.finalName,
    answeredBy: ptrs
      .filter((result) => result.response.aa && result.response.outcome === "answer")
      .map((result) => result.answer.server),
    report,
  };
}

/** The result with each answer's serial and NS name, and what the walk learned of the zone. */
function finish(walk: Walk, result: AuthorityResult): AuthorityResult {
  result.report.answers = result.report.answers.map((answer) => {
    const nameServer = walk.nameServers[answer.server];
    return {
      ...answer,
      serial: walk.serials.get(answer.server) ?? null,
      ...(nameServer === undefined ? {} : { nameServer }),
    };
  });
  result.report.serial = walk.newestSerial;
  result.report.disagreement = walk.disagreement;
  result.report.notAsked = walk.notAsked;
  // Discovered servers speak for the zone their delegation named, listed ones for none known.
  if (result.bailiwick === undefined)
    result.bailiwick = walk.options.authorities.length === 0 ? walk.zone : null;
  return result;
}

/**
 * Fills in the zone and its SOA (RFC 2308 5: the negative TTL is min(MINIMUM, SOA TTL)) for a
 * positive authoritative answer, by asking the servers that gave it for the SOA of the name.
 */
export async function completeSoa(result: AuthorityResult, options: QueryOptions): Promise<void> {
  const soas = await Promise.all(
    result.answeredBy.map((server) => askSoa(server, result.finalName, options)),
  );
  // The same bailiwick rule as for the SOA beside the PTR (askAuthority).
  const soa = soas.find(
    (found) => found !== null && inBailiwick(found.zone, result.finalName, result.bailiwick ?? null),
  );
  if (soa === undefined || soa === null) return;
  result.report.zone = soa.zone;
  result.report.soa = { ttl: soa.ttl, minimum: soa.minimum };
}

// When a zone's authoritative servers disagree: which answer is the zone's newest, and who lags.
// Right after a change the primary has the new serial and a secondary has not transferred it yet
// (NOTIFY lost, IXFR refused, a slow provider: RFC 1996, RFC 1995); receivers' resolvers pick
// any of the zone's servers (RFC 1034 5.3.3), so the lagging one's answer reaches some of them
// fresh, not from a cache. The answer taken is the newest serial's, whatever the servers' order.
//
// Exports:
//   serialNewer(a, b)                  RFC 1982 3.2: whether serial a is newer than b
//   chooseNewest(candidates)           the answer of the newest serial, and the disagreement
//   askWithSerial(server, name, options, cache?)  the PTR and the zone's serial from one server
//   askServersWithSerial(servers, name, options, cache?)  every server at once; serials asked
//                                      afresh when kept ones would have to settle a disagreement
//   authoritativeCandidates(results)   the AA answers, as candidates for chooseNewest
//   interface AuthorityCandidate, AuthorityDisagreement
import { askSoa } from "./authority-discovery.js";
import type { SerialCache } from "./authority-serial-cache.js";
import { askPtr, type QueryOptions } from "./lookups.js";
import { normaliseName } from "./name-parts.js";
import type { AuthorityDisagreement, LookupStatus } from "./types.js";

export type { AuthorityDisagreement } from "./types.js";

/** One server's authoritative (AA) answer for the name, with the zone serial it served. */
export interface AuthorityCandidate {
  server: string;
  status: LookupStatus;
  names: string[];
  cnames: string[];
  /** The zone's SOA serial as the server gave it; null when its SOA could not be read. */
  serial: number | null;
}

const HALF = 2 ** 31;

/**
 * RFC 1982 3.2 (SERIAL_BITS 32): a is newer than b when it is ahead by less than half the space,
 * so a serial that wrapped past 2^32 - 1 is still newer. Two serials exactly half apart are
 * neither (undefined in the RFC): not newer.
 */
export function serialNewer(a: number, b: number): boolean {
  return (a < b && b - a > HALF) || (a > b && a - b < HALF);
}

function sameAnswer(a: AuthorityCandidate, b: AuthorityCandidate): boolean {
  const key = (candidate: AuthorityCandidate) =>
    `${candidate.status}|${candidate.names.map(normaliseName).sort().join(" ")}|${candidate.cnames.join(" ")}`;
  return key(a) === key(b);
}

/**
 * Orders two answers served at the same serial (or both without one) so that the pick never
 * depends on the servers' order: a PTR before "no PTR" (some receivers do get it), then by names,
 * then by server.
 */
function tieOrder(a: AuthorityCandidate, b: AuthorityCandidate): number {
  const rank = (candidate: AuthorityCandidate) => (candidate.status === "found" ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const names = (candidate: AuthorityCandidate) => [...candidate.names].sort().join(" ");
  if (names(a) !== names(b)) return names(a) < names(b) ? -1 : 1;
  return a.server < b.server ? -1 : a.server > b.server ? 1 : 0;
}

/** Newest serial first; an unknown serial after every known one; ties by tieOrder. */
function newestFirst(a: AuthorityCandidate, b: AuthorityCandidate): number {
  if (a.serial !== null && b.serial !== null && a.serial !== b.serial) {
    if (serialNewer(a.serial, b.serial)) return -1;
    if (serialNewer(b.serial, a.serial)) return 1;
  }
  if ((a.serial === null) !== (b.serial === null)) return a.serial === null ? 1 : -1;
  return tieOrder(a, b);
}

/**
 * The answer to take (the newest serial's) and, when some server answers otherwise, how they
 * disagree: "lag" (a server behind serves an older answer) or "split" (servers at the same serial,
 * or without a readable serial, answer differently: a split-brain zone). Servers that agree with
 * the answer taken are not a disagreement, whatever their serial: the zone changed elsewhere.
 */
export function chooseNewest(candidates: readonly AuthorityCandidate[]): {
  chosen: AuthorityCandidate;
  disagreement: AuthorityDisagreement | null;
} | null {
  const sorted = [...candidates].sort(newestFirst);
  const chosen = sorted[0];
  if (chosen === undefined) return null;
  const others = sorted.filter((candidate) => !sameAnswer(candidate, chosen));
  if (others.length === 0) return { chosen, disagreement: null };
  const behind = (candidate: AuthorityCandidate) =>
    chosen.serial !== null && candidate.serial !== null && serialNewer(chosen.serial, candidate.serial);
  const lag = others.every(behind);
  return {
    chosen,
    disagreement: {
      kind: lag ? "lag" : "split",
      serial: chosen.serial,
      newest: sorted
        .filter((candidate) => sameAnswer(candidate, chosen))
        .map((candidate) => candidate.server),
      others: others.map((candidate) => ({
        server: candidate.server,
        serial: candidate.serial,
        status: candidate.status,
        names: candidate.names,
      })),
    },
  };
}

/** One server's PTR answer with the zone's SOA and serial beside it (askWithSerial). */
export type SerialAnswer = Awaited<ReturnType<typeof askPtr>> & {
  soa: Awaited<ReturnType<typeof askSoa>>;
  serial: number | null;
  /** The serial is a kept one (SerialCache), not read beside this answer. */
  keptSerial: boolean;
};

/**
 * The PTR question to one server, with the serial of the zone version the answer came from.
 * Without a cache the SOA question goes out beside the PTR (no round trip added in sequence),
 * for the serial and the zone's names (the owner section reads them); a negative answer's own
 * SOA (RFC 2308 3) stands in when that question fails. With a sweep's cache the SOA is the one
 * kept for the zone (authority-serial-cache.ts), asked only when none is, and an authoritative
 * negative answer's own SOA, from the very packet, gives the serial before the kept one.
 */
export async function askWithSerial(
  server: string,
  name: string,
  options: QueryOptions,
  cache?: SerialCache,
): Promise<SerialAnswer> {
  if (cache === undefined) {
    const [ptr, soa] = await Promise.all([
      askPtr(server, name, false, options),
      askSoa(server, name, options),
    ]);
    return { ...ptr, soa, serial: soa?.serial ?? ptr.response.soa?.serial ?? null, keptSerial: false };
  }
  const known = cache.soaFor(server, name, () => askSoa(server, name, options));
  const [ptr, soa] = await Promise.all([askPtr(server, name, false, options), known.soa]);
  const own = ptr.response.aa ? ptr.response.soa : null;
  if (own !== null) cache.noteSerial(server, own.zone, own.serial);
  const serial = own?.serial ?? soa?.serial ?? null;
  return { ...ptr, soa, serial, keptSerial: own?.serial === undefined && known.kept };
}

/** Whether `result` is an authoritative (AA) answer that says what the zone holds. */
function isAuthoritative(result: SerialAnswer): boolean {
  const response = result.response;
  return (
    response.outcome === "answer" &&
    response.aa &&
    (response.rcode === "NOERROR" || response.rcode === "NXDOMAIN")
  );
}

/**
 * Only an authoritative answer (AA) counts; a listed server that does not serve the zone answers
 * REFUSED or with a referral, and another listed server is the right one.
 */
export function authoritativeCandidates(results: readonly SerialAnswer[]): AuthorityCandidate[] {
  return results.filter(isAuthoritative).map((result) => ({
    server: result.answer.server,
    status: result.chain.status,
    names: result.chain.values,
    cnames: result.chain.cnames,
    serial: result.serial,
  }));
}

/**
 * Every server's PTR answer with its serial, at once. When the servers answer differently and a
 * serial was a kept one, the answer to take is for the serials to say (RFC 1982), and a kept
 * serial may be older than the answer beside it (the zone changed and a secondary followed,
 * RFC 1996): those servers' SOA is asked afresh, beside the answers just had, before anything is
 * compared. So a sweep's cache never hides a lag nor takes a stale answer for the newest.
 */
export async function askServersWithSerial(
  servers: readonly string[],
  name: string,
  options: QueryOptions,
  cache?: SerialCache,
): Promise<SerialAnswer[]> {
  const results = await Promise.all(servers.map((server) => askWithSerial(server, name, options, cache)));
  if (cache === undefined || !results.some((result) => result.keptSerial)) return results;
  if (chooseNewest(authoritativeCandidates(results))?.disagreement == null) return results;
  return Promise.all(
    results.map(async (result) => {
      if (!result.keptSerial) return result;
      const soa = await askSoa(result.answer.server, name, options);
      if (soa !== null) cache.remember(result.answer.server, soa);
      return { ...result, soa: soa ?? result.soa, serial: soa?.serial ?? null, keptSerial: false };
    }),
  );
}

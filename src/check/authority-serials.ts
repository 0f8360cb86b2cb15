// When a zone's authoritative servers disagree: which answer is the zone's newest, and who lags.
// Right after a change the primary has the new serial and a secondary has not transferred it yet
// (NOTIFY lost, IXFR refused, a slow provider: RFC 1996, RFC 1995); receivers' resolvers pick
// any of the zone's servers (RFC 1034 5.3.3), so the lagging one's answer reaches some of them
// fresh, not from a cache. The answer taken is the newest serial's, whatever the servers' order.
//
// Exports:
//   serialNewer(a, b)                  RFC 1982 3.2: whether serial a is newer than b
//   chooseNewest(candidates)           the answer of the newest serial, and the disagreement
//   askWithSerial(server, name, options)  the PTR and the SOA question to one server at once
//   interface AuthorityCandidate, AuthorityDisagreement
import { askSoa } from "./authority-discovery.js";
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

/**
 * The PTR question and the SOA question for the same name, to one server at once: the serial
 * of the zone version the answer came from. A negative PTR answer carries the SOA itself
 * (RFC 2308 3); the SOA question's answer is used when it has one.
 */
export async function askWithSerial(server: string, name: string, options: QueryOptions) {
  const [ptr, soa] = await Promise.all([askPtr(server, name, false, options), askSoa(server, name, options)]);
  const serial = soa?.serial ?? ptr.response.soa?.serial ?? null;
  return { ...ptr, soa, serial };
}

// The CNAME chain inside one DNS answer (RFC 1034 3.6.2, RFC 2317), and a response's failure
// status: what an answer says about a name, with a broken answer kept apart from "no record".
// (Not the re-check chain of src/store/chains.ts.)
import type { DnsRecord, DnsResponse, RecordType } from "./dns-client.js";
import { normaliseName } from "./dns-client.js";
import { normaliseAddress } from "./ip.js";
import type { LookupStatus } from "./types.js";

export interface CnameChainResult {
  status: LookupStatus;
  /** Data of the wanted type at the end of the chain (names or addresses). */
  values: string[];
  ttl: number | null;
  /** CNAME targets followed, in order. */
  cnames: string[];
  /** The last name of the chain (the qname when there was no CNAME). */
  finalName: string;
  error: string | null;
  /**
   * What is wrong with an answer that cannot be read as one (a CNAME loop, a chain past
   * MAX_CNAME_HOPS, records for another name or type only); null for a sound answer. A broken
   * answer is "could not tell" (status servfail), never "no record".
   */
  defect: string | null;
}

/**
 * The longest CNAME chain followed, in one answer or across the authority's answers. RFC 1034
 * 3.6.2 asks resolvers to follow chains but sets no bound; resolvers bound the work (Unbound's
 * max-query-restarts is 11 since a 9-CNAME Microsoft chain broke its old limit of 8, NLnetLabs/
 * unbound#438). 32 reads any chain a resolver could hand back, with room, and still ends a
 * runaway server's staircase.
 */
export const MAX_CNAME_HOPS = 32;

/** Record types that may sit in an answer section beside the chain without being its data. */
const BESIDE_THE_CHAIN = new Set(["DNAME", "RRSIG", "NSEC", "NSEC3"]);

/**
 * Reads the answer section of `response` for `name`/`type`, following CNAMEs within it
 * (RFC 1034 3.6.2; RFC 2317 relies on it for classless reverse delegation). A loop, a chain
 * longer than MAX_CNAME_HOPS, two CNAMEs for one name (RFC 2181 10.1) and an answer holding only
 * records for another name or another type are defects: the server is broken, and what it sent
 * says nothing about whether the record exists.
 */
export function readCnameChain(response: DnsResponse, name: string, type: RecordType): CnameChainResult {
  const qname = normaliseName(name);
  const failed = failureStatus(response);
  if (failed === null && response.answers.length === 0) {
    // An empty answer section (most of a sweep: NXDOMAIN, NODATA): no chain to follow and no
    // stray records, so what follows would only allocate its way to the same result.
    const status = response.rcode === "NXDOMAIN" ? "nxdomain" : "nodata";
    return { status, values: [], ttl: null, cnames: [], finalName: qname, error: null, defect: null };
  }
  if (failed !== null) {
    const { status, error } = failed;
    return { values: [], ttl: null, cnames: [], finalName: qname, defect: null, status, error };
  }
  const { cnames, current, defect } = followCnames(response.answers, qname);
  if (defect !== null) return broken(response, cnames, current, defect);
  const matching = response.answers.filter((record) => record.type === type && record.name === current);
  const values = [
    ...new Set(
      matching.map((record) =>
        type === "A" || type === "AAAA" ? normaliseAddress(record.data) : record.data,
      ),
    ),
  ];
  if (values.length === 0) {
    const stray = strayDefect(response.answers, type, current, new Set([qname, ...cnames]));
    if (stray !== null) return broken(response, cnames, current, stray);
  }
  const ttl = matching.length > 0 ? Math.min(...matching.map((record) => record.ttl)) : null;
  let status: LookupStatus;
  if (response.rcode === "NXDOMAIN") status = "nxdomain";
  else if (values.length > 0) status = "found";
  else status = "nodata";
  return { status, values, ttl, cnames, finalName: current, error: null, defect: null };
}

/**
 * The CNAMEs from `qname` within one answer section, in order, to the name the chain ends on; the
 * defect when it cannot be followed (two CNAMEs for one name, a loop, past MAX_CNAME_HOPS).
 */
function followCnames(
  answers: readonly DnsRecord[],
  qname: string,
): { cnames: string[]; current: string; defect: string | null } {
  const cnames: string[] = [];
  let current = qname;
  for (;;) {
    const targets = [
      ...new Set(
        answers
          .filter((record) => record.type === "CNAME" && record.name === current)
          .map((record) => record.data),
      ),
    ];
    if (targets.length === 0) return { cnames, current, defect: null };
    if (targets.length > 1) {
      const defect = `${current} has ${targets.length} CNAMEs (${targets.join(", ")}); a name may have one (RFC 2181 10.1)`;
      return { cnames, current, defect };
    }
    const target = targets[0] as string;
    const seen = [qname, ...cnames];
    if (seen.includes(target)) {
      const defect = `a CNAME loop (${[...seen.slice(seen.indexOf(target)), target].join(" -> ")})`;
      return { cnames, current, defect };
    }
    if (cnames.length >= MAX_CNAME_HOPS) {
      const defect = `a CNAME chain longer than ${MAX_CNAME_HOPS} hops (${qname} -> ${cnames[0]} -> ... -> ${current})`;
      return { cnames, current, defect };
    }
    cnames.push(target);
    current = target;
  }
}

/**
 * An answer with no data of the wanted type that holds other records: an empty answer is NODATA
 * (RFC 2308 2.2); one that holds only other records is a server answering another question (or a
 * spoofed one), not a statement about this name. The defect in words, or null.
 */
function strayDefect(
  answers: readonly DnsRecord[],
  type: RecordType,
  current: string,
  chainNames: ReadonlySet<string>,
): string | null {
  const stray = answers.filter(
    (record) =>
      !BESIDE_THE_CHAIN.has(record.type) &&
      !(chainNames.has(record.name) && (record.type === "CNAME" || record.type === type)),
  );
  if (stray.length === 0) return null;
  const wrongType = stray.filter((record) => chainNames.has(record.name));
  return wrongType.length > 0
    ? `a ${type} question answered with ${describeRecords(wrongType)} only`
    : `a ${type} question for ${current} answered with records for other names only (${describeRecords(stray)})`;
}

/** A broken answer: "could not tell" (SERVFAIL), naming the defect and the server that sent it. */
function broken(
  response: DnsResponse,
  cnames: string[],
  finalName: string,
  defect: string,
): CnameChainResult {
  return {
    values: [],
    ttl: null,
    cnames,
    finalName,
    defect,
    status: "servfail",
    error: `${response.server} sent a broken answer: ${defect}; could not tell, counted as SERVFAIL`,
  };
}

/** "A 192.0.2.1 for x.example, TXT for y.example" (at most three, then a count). */
function describeRecords(records: DnsRecord[]): string {
  const shown = records
    .slice(0, 3)
    .map((record) => `${record.type} ${record.data} for ${record.name}`.replace(/ {2,}/g, " "));
  const more = records.length > 3 ? ` and ${records.length - 3} more` : "";
  return `${shown.join(", ")}${more}`;
}

/** The status for a response that is not an answer (or whose rcode is an error); null otherwise. */
export function failureStatus(response: DnsResponse): { status: LookupStatus; error: string } | null {
  switch (response.outcome) {
    case "timeout":
      return { status: "timeout", error: response.error ?? "no answer" };
    case "unreachable":
      // Connection refused (ICMP port unreachable) or no route: the server could not be asked.
      return { status: "refused", error: response.error ?? "unreachable" };
    case "error":
      return { status: "servfail", error: response.error ?? "error" };
    default:
      break;
  }
  switch (response.rcode) {
    case "NOERROR":
    case "NXDOMAIN":
      return null;
    case "REFUSED":
      return {
        status: "refused",
        error: `${response.server} answered REFUSED (it does not serve this name to us)`,
      };
    case "SERVFAIL":
      return {
        status: "servfail",
        error: `${response.server} answered SERVFAIL (it could not get an answer)`,
      };
    default:
      return {
        status: "servfail",
        error: `${response.server} answered ${response.rcode ?? "an unknown rcode"}`,
      };
  }
}

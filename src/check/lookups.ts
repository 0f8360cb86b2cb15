// Turning one DNS response into what the report needs: a PtrAnswer or a ForwardLookup, with the
// CNAME chain followed inside the answer section and every failure kept apart from "no record".

import { unansweredLookup } from "./deadline.js";
import {
  type DnsQuestion,
  type DnsRecord,
  type DnsResponse,
  type DnsTransport,
  failedResponse,
  normaliseName,
  type RecordType,
} from "./dns-client.js";
import { normaliseAddress, sameAddress } from "./ip.js";
import { CONCLUSIVE_STATUSES, type ForwardLookup, type LookupStatus, type PtrAnswer } from "./types.js";

export interface QueryOptions {
  transport: DnsTransport;
  timeoutMs: number;
  retries: number;
}

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
  const base = { values: [], ttl: null, cnames: [], finalName: qname, defect: null };
  if (failed !== null) return { ...base, status: failed.status, error: failed.error };
  const cnames: string[] = [];
  const broken = (defect: string, finalName: string): CnameChainResult => ({
    ...base,
    cnames,
    finalName,
    status: "servfail",
    defect,
    error: `${response.server} sent a broken answer: ${defect}; could not tell, counted as SERVFAIL`,
  });
  let current = qname;
  for (;;) {
    const targets = [
      ...new Set(
        response.answers
          .filter((record) => record.type === "CNAME" && record.name === current)
          .map((record) => record.data),
      ),
    ];
    if (targets.length === 0) break;
    if (targets.length > 1) {
      return broken(
        `${current} has ${targets.length} CNAMEs (${targets.join(", ")}); a name may have one (RFC 2181 10.1)`,
        current,
      );
    }
    const target = targets[0] as string;
    const seen = [qname, ...cnames];
    if (seen.includes(target)) {
      return broken(`a CNAME loop (${[...seen.slice(seen.indexOf(target)), target].join(" -> ")})`, current);
    }
    if (cnames.length >= MAX_CNAME_HOPS) {
      return broken(
        `a CNAME chain longer than ${MAX_CNAME_HOPS} hops (${qname} -> ${cnames[0]} -> ... -> ${current})`,
        current,
      );
    }
    cnames.push(target);
    current = target;
  }
  const matching = response.answers.filter((record) => record.type === type && record.name === current);
  const values = [
    ...new Set(
      matching.map((record) =>
        type === "A" || type === "AAAA" ? normaliseAddress(record.data) : record.data,
      ),
    ),
  ];
  const chainNames = new Set([qname, ...cnames]);
  const stray = response.answers.filter(
    (record) =>
      !BESIDE_THE_CHAIN.has(record.type) &&
      !(chainNames.has(record.name) && (record.type === "CNAME" || record.type === type)),
  );
  if (values.length === 0 && stray.length > 0) {
    // An empty answer is NODATA (RFC 2308 2.2); one that holds only other records is a server
    // answering another question (or a spoofed one), not a statement about this name.
    const wrongType = stray.filter((record) => chainNames.has(record.name));
    const what =
      wrongType.length > 0
        ? `a ${type} question answered with ${describeRecords(wrongType)} only`
        : `a ${type} question for ${current} answered with records for other names only (${describeRecords(stray)})`;
    return broken(what, current);
  }
  const ttl = matching.length > 0 ? Math.min(...matching.map((record) => record.ttl)) : null;
  let status: LookupStatus;
  if (response.rcode === "NXDOMAIN") status = "nxdomain";
  else if (values.length > 0) status = "found";
  else status = "nodata";
  return { status, values, ttl, cnames, finalName: current, error: null, defect: null };
}

/** "A 192.0.2.1 for x.example, TXT for y.example" (at most three, then a count). */
function describeRecords(records: DnsRecord[]): string {
  const shown = records
    .slice(0, 3)
    .map((record) => `${record.type} ${record.data} for ${record.name}`.replace(/  +/g, " "));
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

/**
 * One question through the transport. `query()` never throws, but a transport passed in might
 * (or reject): that is a failure to ask, "could not tell", and must not escape as an unhandled
 * rejection (it would end `rdns serve`) nor leave a lookup waiting forever.
 */
export async function ask(transport: DnsTransport, question: DnsQuestion): Promise<DnsResponse> {
  try {
    return await transport(question);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return failedResponse(question.server, `could not ask ${question.server}: ${reason}`);
  }
}

/** One PTR question to one server, as a PtrAnswer. */
export async function askPtr(
  server: string,
  reverseName: string,
  recursion: boolean,
  options: QueryOptions,
): Promise<{ answer: PtrAnswer; response: DnsResponse; chain: CnameChainResult }> {
  const response = await ask(options.transport, {
    name: reverseName,
    type: "PTR",
    server,
    recursion,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
  const chain = readCnameChain(response, reverseName, "PTR");
  const negative = chain.status === "nxdomain" || chain.status === "nodata";
  return {
    response,
    chain,
    answer: {
      server,
      status: chain.status,
      names: chain.values,
      cnames: chain.cnames,
      ttl: chain.ttl,
      negativeTtlRemaining: negative && response.soa !== null ? response.soa.ttl : null,
      rttMs: response.outcome === "answer" ? round(response.rttMs) : null,
      error: chain.error,
    },
  };
}

/**
 * A forward lookup of `name` as `server` answered it (`response`, read into `chain`); it confirms
 * when an address is the IP's. Its TTL is the time the server may go on serving it: the records'
 * for an answer, the SOA's in the authority section for a negative one (RFC 2308 section 5, as
 * askPtr reads negativeTtlRemaining), so a broken pair's let-go can be predicted.
 */
export function forwardLookupFrom(
  name: string,
  ip: string,
  server: string,
  chain: CnameChainResult,
  response: Pick<DnsResponse, "soa"> | null,
): ForwardLookup {
  const negative = chain.status === "nxdomain" || chain.status === "nodata";
  return {
    name,
    status: chain.status,
    addresses: chain.values,
    cnames: chain.cnames,
    server,
    ttl: negative ? (response?.soa?.ttl ?? null) : chain.ttl,
    confirms: chain.values.some((address) => sameAddress(ip, address)),
  };
}

/**
 * A (IPv4) or AAAA (IPv6) of `name`, asked of every resolver at once; the first conclusive
 * answer wins (a dead first resolver does not slow the check), else the first failure in the
 * configured order.
 */
export function lookupAddresses(
  name: string,
  family: 4 | 6,
  ip: string,
  resolvers: string[],
  options: QueryOptions,
): Promise<ForwardLookup> {
  const type: RecordType = family === 4 ? "A" : "AAAA";
  const toLookup = (server: string, chain: CnameChainResult, response: DnsResponse | null) =>
    forwardLookupFrom(name, ip, server, chain, response);
  return new Promise((resolve) => {
    const results: Array<ForwardLookup | undefined> = new Array(resolvers.length);
    let pending = resolvers.length;
    let settled = false;
    if (pending === 0) {
      resolve(unansweredLookup(name));
      return;
    }
    resolvers.forEach((server, index) => {
      // ask() never rejects, and reading the answer is guarded too: every lookup settles, so the
      // promise always resolves and no rejection is left unhandled.
      void ask(options.transport, {
        name,
        type,
        server,
        recursion: true,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
      })
        .then((response) => toLookup(server, readCnameChain(response, name, type), response))
        .catch((): ForwardLookup => ({ ...toLookup(server, NO_CHAIN, null), status: "servfail" }))
        .then((lookup) => {
          results[index] = lookup;
          pending--;
          if (settled) return;
          if (CONCLUSIVE_STATUSES.has(lookup.status)) {
            settled = true;
            resolve(lookup);
          } else if (pending === 0) {
            settled = true;
            resolve(results.find((result) => result !== undefined) ?? lookup);
          }
        });
    });
  });
}

const NO_CHAIN: CnameChainResult = {
  status: "servfail",
  values: [],
  ttl: null,
  cnames: [],
  finalName: "",
  error: "could not read the answer",
  defect: null,
};

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

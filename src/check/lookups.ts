// Turning one DNS response into what the report needs: a PtrAnswer or a ForwardLookup, with the
// CNAME chain followed inside the answer section and every failure kept apart from "no record".
import {
  type DnsQuestion,
  type DnsResponse,
  type DnsTransport,
  failedResponse,
  type RecordType,
} from "./dns-client.js";
import { normaliseAddress, sameAddress } from "./ip.js";
import { CONCLUSIVE_STATUSES, type ForwardLookup, type LookupStatus, type PtrAnswer } from "./types.js";

export interface QueryOptions {
  transport: DnsTransport;
  timeoutMs: number;
  retries: number;
}

export interface ChainResult {
  status: LookupStatus;
  /** Data of the wanted type at the end of the chain (names or addresses). */
  values: string[];
  ttl: number | null;
  /** CNAME targets followed, in order. */
  cnames: string[];
  /** The last name of the chain (the qname when there was no CNAME). */
  finalName: string;
  error: string | null;
}

/**
 * Reads the answer section of `response` for `name`/`type`, following CNAMEs within it
 * (RFC 1034 3.6.2; RFC 2317 relies on it for classless reverse delegation).
 */
export function readChain(response: DnsResponse, name: string, type: RecordType): ChainResult {
  const base = { values: [], ttl: null, cnames: [], finalName: name.toLowerCase().replace(/\.$/, "") };
  const failed = failureStatus(response);
  if (failed !== null) return { ...base, status: failed.status, error: failed.error };
  const cnames: string[] = [];
  let current = base.finalName;
  for (let hop = 0; hop < 16; hop++) {
    const alias = response.answers.find((record) => record.type === "CNAME" && record.name === current);
    if (alias === undefined || cnames.includes(alias.data)) break;
    cnames.push(alias.data);
    current = alias.data;
  }
  const matching = response.answers.filter((record) => record.type === type && record.name === current);
  const values = [
    ...new Set(
      matching.map((record) =>
        type === "A" || type === "AAAA" ? normaliseAddress(record.data) : record.data,
      ),
    ),
  ];
  const ttl = matching.length > 0 ? Math.min(...matching.map((record) => record.ttl)) : null;
  let status: LookupStatus;
  if (response.rcode === "NXDOMAIN") status = "nxdomain";
  else if (values.length > 0) status = "found";
  else status = "nodata";
  return { status, values, ttl, cnames, finalName: current, error: null };
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
): Promise<{ answer: PtrAnswer; response: DnsResponse; chain: ChainResult }> {
  const response = await ask(options.transport, {
    name: reverseName,
    type: "PTR",
    server,
    recursion,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
  const chain = readChain(response, reverseName, "PTR");
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
  const toLookup = (server: string, chain: ChainResult): ForwardLookup => ({
    name,
    status: chain.status,
    addresses: chain.values,
    cnames: chain.cnames,
    server,
    confirms: chain.values.some((address) => sameAddress(ip, address)),
  });
  return new Promise((resolve) => {
    const results: Array<ForwardLookup | undefined> = new Array(resolvers.length);
    let pending = resolvers.length;
    let settled = false;
    if (pending === 0) {
      resolve({ name, status: "timeout", addresses: [], cnames: [], server: null, confirms: false });
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
        .then((response) => toLookup(server, readChain(response, name, type)))
        .catch((): ForwardLookup => ({ ...toLookup(server, NO_CHAIN), status: "servfail" }))
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

const NO_CHAIN: ChainResult = {
  status: "servfail",
  values: [],
  ttl: null,
  cnames: [],
  finalName: "",
  error: "could not read the answer",
};

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

// Turning one DNS response into what the report needs: a PtrAnswer or a ForwardLookup, with the
// CNAME chain followed inside the answer section and every failure kept apart from "no record".

import { type CnameChainResult, readCnameChain } from "./cname-chain.js";
import { unansweredLookup } from "./deadline.js";
import {
  type DnsQuestion,
  type DnsResponse,
  type DnsTransport,
  failedResponse,
  type RecordType,
} from "./dns-client.js";
import { sameAddress } from "./ip.js";
import { CONCLUSIVE_STATUSES, type ForwardLookup, type PtrAnswer } from "./types.js";

export interface QueryOptions {
  transport: DnsTransport;
  timeoutMs: number;
  retries: number;
}

export {
  type CnameChainResult,
  failureStatus,
  MAX_CNAME_HOPS,
  readCnameChain,
} from "./cname-chain.js";

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

// The authority's answers made into its report, pure: a non-authoritative answer read as "could
// not tell", a chain broken across answers, the report of a walk that had no authoritative answer
// (authority.ts asks; these decide what the answers mean).

import type { AuthorityResult } from "./authority.js";
import type { SerialAnswer } from "./authority-serials.js";
import type { CnameChainResult } from "./cname-chain.js";
import type { DnsResponse } from "./dns-client.js";
import { MAX_CNAME_HOPS } from "./lookups.js";
import { type AuthorityAnswer, CONCLUSIVE_STATUSES, type PtrAnswer } from "./types.js";

/**
 * The answers worth showing once one server answered with authority: a listed server that refused
 * or referred us elsewhere simply does not serve this zone (the lab lists parent and child
 * servers together), not a DNS error. Timeouts and SERVFAILs of the others stay in the detail.
 */
export function relevantAnswers(ptrs: readonly SerialAnswer[]): PtrAnswer[] {
  return ptrs
    .filter(
      (result) =>
        !(
          result.response.outcome === "answer" &&
          (!result.response.aa || result.response.rcode === "REFUSED")
        ),
    )
    .map((result) => result.answer);
}

/**
 * RFC 2317: the parent answers with a CNAME into the child zone; the walk follows it to the
 * child's servers. A chain that comes back to a name already asked (`visited`), or runs past
 * MAX_CNAME_HOPS across answers (`cnames`, this answer's included), is as broken as one inside a
 * single answer: the defect in words, or null when the chain may be followed.
 */
export function crossAnswerDefect(
  chain: CnameChainResult,
  visited: readonly string[],
  cnames: readonly string[],
): string | null {
  const back = chain.cnames.findIndex((target) => visited.includes(target));
  if (back !== -1) {
    const target = chain.cnames[back] as string;
    const loop = [...visited.slice(visited.indexOf(target)), ...chain.cnames.slice(0, back + 1)].join(" -> ");
    return `a CNAME loop across answers (${loop})`;
  }
  if (cnames.length > MAX_CNAME_HOPS) {
    return `a CNAME chain longer than ${MAX_CNAME_HOPS} hops across answers (${visited[0]} -> ${cnames[0]} -> ... -> ${chain.finalName})`;
  }
  return null;
}

/** `answer` with the chain's CNAMEs so far (each its own copy), as one object literal (see ptr-questions.ts startAuthority). */
export function withCnames(answer: PtrAnswer, cnames: string[]): AuthorityAnswer {
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
export function brokenChain(
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
 * A server that answers without AA (a referral, a lame delegation, or a cache) gave no
 * authoritative answer (RFC 1035 4.1.1: AA marks the zone's own data). NOERROR or NXDOMAIN from
 * it is not the zone's word: for the report that is "could not tell" (what a resolver calls a
 * lame server, RFC 1912 2.8), never "no PTR". Failures (SERVFAIL, REFUSED, timeouts) are
 * already "could not tell" and are kept as they are.
 */
export function notAuthoritative(response: DnsResponse): PtrAnswer | null {
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
export function failed(
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

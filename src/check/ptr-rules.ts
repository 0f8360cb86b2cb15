// Which PTR answer is the truth, and what is wrong with the PTR as the servers tell it.
//
// Exports:
//   interface PtrTruth
//   choosePtrTruth(obs) -> PtrTruth
//     the authority's answer when it is conclusive (found / nxdomain / nodata): it is the source
//     the caches copy; otherwise the first conclusive resolver answer; otherwise the first
//     failure (authority first). A failure is never turned into "no PTR".
//   failedPtrAnswers(obs) -> FailedPtrAnswer[]   each server that failed the PTR question, and how
//   ptrProblems(obs, truth, negativeCache, fix) -> Problem[]
//     NO_PTR (error, only from a conclusive negative answer), DNS_ERROR (error when nothing
//     conclusive was learned, warning otherwise), CACHED_NEGATIVE (error: the authority has the
//     PTR, a resolver still serves its cached negative answer, RFC 2308), STALE_PTR (warning: a
//     resolver still serves a PTR the authority no longer has, or resolvers disagree).

import { authorityLagProblem } from "./authority-lag.js";
import type { FixContext } from "./fixes.js";
import { recordType, setPtrInstruction } from "./fixes.js";
import { normaliseName } from "./name-parts.js";
import { formatInstant, isNegative } from "./negative-cache.js";
import type { LookupStatus, NegativeCacheReport, Observations, Problem, PtrAnswer } from "./types.js";
import { CONCLUSIVE_STATUSES } from "./types.js";

export interface PtrTruth {
  status: LookupStatus;
  names: string[];
  cnames: string[];
  source: "authority" | "resolver" | "none";
  /** The server whose answer it is (for an authority: the servers asked, comma-separated). */
  server: string | null;
  conclusive: boolean;
}

export function choosePtrTruth(obs: Observations): PtrTruth {
  const authority = obs.authority;
  if (authority && CONCLUSIVE_STATUSES.has(authority.status)) {
    const server = authority.answers.find((answer) => answer.status === authority.status)?.server;
    return {
      status: authority.status,
      names: authority.names,
      cnames: authority.cnames,
      source: "authority",
      server: server ?? (authority.servers.join(", ") || null),
      conclusive: true,
    };
  }
  const resolver = obs.resolvers.find((answer) => CONCLUSIVE_STATUSES.has(answer.status));
  if (resolver) {
    return {
      status: resolver.status,
      names: resolver.names,
      cnames: resolver.cnames,
      source: "resolver",
      server: resolver.server,
      conclusive: true,
    };
  }
  if (authority) {
    return {
      status: authority.status,
      names: [],
      cnames: [],
      source: "authority",
      server: null,
      conclusive: false,
    };
  }
  const failed = obs.resolvers[0];
  // Nobody was asked at all: report it as a failure to learn anything, never as "no PTR".
  return {
    status: failed?.status ?? "servfail",
    names: [],
    cnames: [],
    source: failed ? "resolver" : "none",
    server: failed?.server ?? null,
    conclusive: false,
  };
}

export function statusWord(status: LookupStatus): string {
  return status === "timeout" ? "timeout" : status.toUpperCase();
}

/**
 * "SERVFAIL", "timeout (no answer within 2000 ms)". The DNS client's note may already name the
 * server and the status ("127.0.0.1:5301 answered SERVFAIL (...)"): say each once.
 */
export function failureNote(answer: Pick<PtrAnswer, "server" | "status" | "error">): string {
  const word = statusWord(answer.status);
  const error = answer.error?.startsWith(`${answer.server} `)
    ? answer.error.slice(answer.server.length + 1)
    : answer.error;
  if (!error) return word;
  return error.toLowerCase().includes(word.toLowerCase()) ? error : `${word} (${error})`;
}

export interface FailedPtrAnswer {
  role: "authority" | "resolver";
  server: string;
  /** "SERVFAIL", "timeout (no answer within 2000 ms)". */
  note: string;
}

export function failedPtrAnswers(obs: Observations): FailedPtrAnswer[] {
  const failures: FailedPtrAnswer[] = [];
  const authority = obs.authority;
  if (authority) {
    const failedAnswers = authority.answers.filter((answer) => !CONCLUSIVE_STATUSES.has(answer.status));
    for (const answer of failedAnswers) {
      failures.push({ role: "authority", server: answer.server, note: failureNote(answer) });
    }
    // Issue 28: name servers at non-public addresses are not asked; say so, without the address.
    const notAsked = authority.notAsked ?? [];
    for (const entry of notAsked) {
      failures.push({ role: "authority", server: entry.nameServer, note: entry.reason });
    }
    if (failedAnswers.length === 0 && notAsked.length === 0 && !CONCLUSIVE_STATUSES.has(authority.status)) {
      const server = authority.servers.join(", ") || "(none found)";
      failures.push({ role: "authority", server, note: statusWord(authority.status) });
    }
  }
  for (const answer of obs.resolvers) {
    if (!CONCLUSIVE_STATUSES.has(answer.status)) {
      failures.push({ role: "resolver", server: answer.server, note: failureNote(answer) });
    }
  }
  return failures;
}

function negativeWord(status: LookupStatus): string {
  return status === "nodata" ? "NODATA" : "NXDOMAIN";
}

export function ptrProblems(
  obs: Observations,
  truth: PtrTruth,
  negativeCache: NegativeCacheReport | null,
  fix: FixContext,
): Problem[] {
  const problems: Problem[] = [];
  const failures = failedPtrAnswers(obs).map(
    (failure) => `${failure.role} ${failure.server}: ${failure.note}`,
  );

  if (truth.conclusive && truth.status === "nxdomain" && truth.cnames.length > 0) {
    problems.push(danglingCname(obs, truth, fix));
  } else if (truth.conclusive && isNegative(truth.status)) {
    const where =
      truth.source === "authority"
        ? `at the authority ${truth.server ?? ""}`.trimEnd()
        : `from resolver ${truth.server}; the authority ${obs.authority ? `failed (${statusWord(obs.authority.status)})` : "could not be found"}`;
    const what =
      truth.status === "nodata"
        ? `${obs.reverseName} exists but holds no PTR record`
        : `${obs.reverseName} does not exist`;
    problems.push({
      code: "NO_PTR",
      severity: "error",
      message: `${obs.ip} has no PTR record: ${what} (${negativeWord(truth.status)} ${where}).`,
      fix: `Create the ${recordType(fix.family)} record for your mail host name first, then set the PTR. ${setPtrInstruction(fix)}`,
    });
  }

  if (failures.length > 0) {
    problems.push(
      truth.conclusive
        ? {
            code: "DNS_ERROR",
            severity: "warning",
            message: `Some servers did not answer the PTR question (${failures.join("; ")}); the verdict rests on the others.`,
            fix: "Nothing to change for the PTR; if a failing server is yours, look at it.",
          }
        : {
            code: "DNS_ERROR",
            severity: "error",
            message: `Could not tell whether ${obs.ip} has a PTR record: ${failures.join("; ")}. A DNS failure is not "no PTR".`,
            fix: "Check again in a few minutes; if it persists, the reverse zone's DNS servers need attention from the IP's owner.",
          },
    );
  } else if (!truth.conclusive) {
    problems.push({
      code: "DNS_ERROR",
      severity: "error",
      message: `Could not tell whether ${obs.ip} has a PTR record: no server was asked.`,
      fix: "Give a resolver (--resolver) or an authority (--authority) to ask.",
    });
  }

  if (truth.source === "authority" && truth.status === "found") {
    const cached = obs.resolvers.filter((answer) => isNegative(answer.status));
    if (cached.length > 0) {
      const parts = cached.map((answer) => {
        const left = answer.negativeTtlRemaining;
        const until =
          left === null ? "" : `, until ${formatInstant(new Date(obs.now.getTime() + left * 1000))}`;
        const time = left === null ? "time left unknown" : `${left} s left${until}`;
        return `resolver ${answer.server} still serves its cached ${negativeWord(answer.status)} (${time})`;
      });
      const clears = negativeCache ? ` All clear by ${negativeCache.clearsBy}.` : "";
      problems.push({
        code: "CACHED_NEGATIVE",
        severity: "error",
        message: `The authority has the PTR (${truth.names.join(", ")}), but ${parts.join("; ")}.${clears}`,
        fix: `Nothing to change: wait until ${negativeCache?.clearsBy ?? "the cached answer expires"}. Public flush pages flush only their own resolver, not Gmail's or Microsoft's.`,
      });
    }
  }

  problems.push(...staleProblems(obs, truth));
  const lag = authorityLagProblem(obs);
  if (lag !== null) problems.push(lag);
  return problems;
}

/**
 * RFC 2317 4: in a delegated block the reverse name is a CNAME into the block's own zone, and the
 * PTR lives there. NXDOMAIN for the target (RFC 6604: the rcode speaks of the chain's last name)
 * means the alias points at nothing: whoever runs the target's zone must create it, or the IP's
 * owner must point the alias at the name that holds the PTR.
 */
function danglingCname(obs: Observations, truth: PtrTruth, fix: FixContext): Problem {
  const target = truth.cnames.at(-1) ?? "";
  const chain = [obs.reverseName, ...truth.cnames].join(" -> ");
  const where =
    truth.source === "authority"
      ? `at the authority ${truth.server ?? ""}`.trimEnd()
      : `from resolver ${truth.server}`;
  const name = fix.intendedName ?? "your mail host name";
  return {
    code: "DANGLING_CNAME",
    severity: "error",
    message: `${obs.ip} has no PTR: its reverse name is a CNAME (${chain}) to ${target}, which does not exist (NXDOMAIN ${where}). The RFC 2317 delegation points nowhere, so receivers find no PTR.`,
    fix: `Create ${target} with a PTR to ${name} in the zone that holds it (your provider's, or yours if the block was delegated to you), or ask the IP's owner to point ${obs.reverseName}'s CNAME at the name that holds the PTR.`,
  };
}

function sameNames(a: string[], b: string[]): boolean {
  const key = (names: string[]) => names.map(normaliseName).sort().join(" ");
  return key(a) === key(b);
}

function staleProblems(obs: Observations, truth: PtrTruth): Problem[] {
  if (!truth.conclusive) return [];
  const found = obs.resolvers.filter((answer) => answer.status === "found");
  if (truth.source === "authority") {
    const stale = found.filter((answer) => isNegative(truth.status) || !sameNames(answer.names, truth.names));
    if (stale.length === 0) return [];
    const authoritySays = isNegative(truth.status)
      ? `the authority says ${negativeWord(truth.status)}`
      : `the authority has ${truth.names.join(", ")}`;
    const parts = stale.map(
      (answer) =>
        `resolver ${answer.server} still serves ${answer.names.join(", ")}${answer.ttl === null ? "" : ` (${answer.ttl} s left)`}`,
    );
    return [
      {
        code: "STALE_PTR",
        severity: "warning",
        message: `${parts.join("; ")}, but ${authoritySays}: a changed PTR still cached.`,
        fix: "Nothing to change if the authority holds what you want; the cached answer expires with its TTL.",
      },
    ];
  }
  // No authority to settle it: say when resolvers disagree rather than silently pick one.
  const conclusive = obs.resolvers.filter((answer) => CONCLUSIVE_STATUSES.has(answer.status));
  const disagree = conclusive.some(
    (answer) => answer.status !== truth.status || !sameNames(answer.names, truth.names),
  );
  if (!disagree) return [];
  const parts = conclusive.map(
    (answer) =>
      `${answer.server}: ${answer.status === "found" ? answer.names.join(", ") : negativeWord(answer.status)}`,
  );
  return [
    {
      code: "STALE_PTR",
      severity: "warning",
      message: `Resolvers disagree (${parts.join("; ")}) and the authority could not be asked; the first answer is used.`,
      fix: "Check again with --authority pointing at the reverse zone's servers to learn the truth.",
    },
  ];
}

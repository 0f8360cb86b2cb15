// Observations -> Analysis: the verdict half of a check, pure (no I/O, no clock: obs.now).
//
// Exports:
//   analyseObservations(obs: Observations): Analysis
//
// The rules live in their own files; this one applies them in order:
//   ptr-rules.ts       which answer is the truth; NO_PTR, DNS_ERROR, CACHED_NEGATIVE, STALE_PTR
//   fcrdns-rules.ts    FCrDNS (RFC 8601 iprev): BROKEN_PAIR, DNS_ERROR; MULTIPLE_PTR
//   generic.ts         GENERIC_PTR (rspamd hfilter, SpamAssassin RDNS_DYNAMIC, provider defaults)
//   sections/          each section's own analysis (HELO: RFC 5321 4.1.4), sections/analyse.ts
//   negative-cache.ts  RFC 2308 negative TTL and when cached negatives clear
//   receivers.ts       Gmail / Microsoft / Yahoo verdicts and bounce texts
//   providers.ts, fixes.ts   the provider and the ordered fix steps
//   summary.ts         verdict and the one-line summary
//   problems.ts        every code's severity, order and lead: the report's order comes from it

import { deadlineProblem } from "./deadline.js";
import { analyseFcrdns, findLookup, multiplePtrProblem } from "./fcrdns-rules.js";
import { buildFixSteps, chooseIntendedName, type FixContext } from "./fixes.js";
import { detectGenericName } from "./generic.js";
import { normaliseName } from "./name-parts.js";
import { predictNegativeCacheExpiry } from "./negative-cache.js";
import { sortProblems } from "./problems.js";
import { detectProvider, type ProviderId } from "./providers.js";
import { choosePtrTruth, failedPtrAnswers, type PtrTruth, ptrProblems } from "./ptr-rules.js";
import { judgeReceivers } from "./receivers.js";
import { analyseSections } from "./sections/analyse.js";
import { decideVerdict, summarise } from "./summary.js";
import type { Analysis, HeloReport, Observations, Problem } from "./types.js";

/** The longest TTL a PTR answer carried: how long caches may keep the current (old) PTR. */
function oldPtrTtl(obs: Observations): number | null {
  const ttls = [...(obs.authority?.answers ?? []), ...obs.resolvers]
    .filter((answer) => answer.status === "found" && answer.ttl !== null)
    .map((answer) => answer.ttl ?? 0);
  return ttls.length > 0 ? Math.max(...ttls) : null;
}

/** Names seen anywhere (truth first) and the CNAME chain can reveal the provider. */
function providerOf(obs: Observations, truth: PtrTruth, ptrNames: string[]): ProviderId | null {
  return detectProvider([
    ...ptrNames,
    ...truth.cnames,
    ...(obs.authority?.names ?? []),
    ...obs.resolvers.flatMap((answer) => answer.names),
  ]);
}

/** The name to advise: a non-generic PTR name, one that confirms (FCrDNS) first; null when none. */
function adviseTarget(
  obs: Observations,
  ptrNames: string[],
  isGeneric: (name: string) => boolean,
): string | null {
  const candidates = ptrNames.filter((name) => !isGeneric(name));
  return candidates.find((name) => findLookup(obs.forward, name)?.confirms === true) ?? candidates[0] ?? null;
}

/** Whether the intended name already resolves to the IP (then no A/AAAA step is needed). */
function intendedConfirms(obs: Observations, intendedName: string | null, helo: HeloReport | null): boolean {
  if (intendedName === null) return false;
  if (findLookup(obs.forward, intendedName)?.confirms === true) return true;
  return helo?.name.toLowerCase() === intendedName && helo.resolvesToIp === true;
}

function namelessPtrProblem(ip: string): Problem {
  return {
    code: "DNS_ERROR",
    severity: "error",
    message: `The PTR answer for ${ip} said "found" but carried no names; it cannot be judged.`,
    fix: "Check again; if it persists, look at the reverse zone's servers.",
  };
}

function genericPtrProblem(
  genericNames: Array<{ name: string; reasons: string[] }>,
  intendedName: string | null,
  obs: Observations,
): Problem {
  return {
    code: "GENERIC_PTR",
    severity: "warning",
    message: `${genericNames.map((entry) => `${entry.name} looks generic (${entry.reasons.join("; ")})`).join("; ")}. Receivers and blocklists treat such names as end-user space; Yahoo asks for a meaningful, non-generic name.`,
    fix: `Set the PTR to your own mail host name${intendedName ? ` (${intendedName})` : ""}, with its ${obs.family === 4 ? "A" : "AAAA"} record pointing at ${obs.ip}.`,
  };
}

export function analyseObservations(obs: Observations): Analysis {
  const truth = choosePtrTruth(obs);
  const ptrNames = truth.status === "found" ? truth.names.map(normaliseName) : [];
  const negativeCache = predictNegativeCacheExpiry(obs);

  const generics = ptrNames.map((name) => ({ name, ...detectGenericName(name, obs.ip) }));
  const isGeneric = (name: string): boolean =>
    generics.find((entry) => entry.name === normaliseName(name))?.generic ??
    detectGenericName(name, obs.ip).generic;

  // The sections (HELO) before the fixes: a good HELO that already resolves to the IP is the
  // best name for the PTR, and a HELO fix must never point at a generic PTR name. The name to
  // advise is a non-generic PTR name, one that confirms (FCrDNS) first.
  const target = adviseTarget(obs, ptrNames, isGeneric);
  const genericNames = generics.filter((entry) => entry.generic);
  const sections = analyseSections(obs, {
    ip: obs.ip,
    family: obs.family,
    ptrNames,
    target,
    generic: genericNames.length > 0,
  });
  // The PTR names' provider, else the one the reverse zone's NS and SOA reveal (the owner
  // section): a missing PTR has no name, but its zone still names the operator.
  const provider = providerOf(obs, truth, ptrNames) ?? (sections.reports.owner.provider as ProviderId | null);
  const heloReport = sections.reports.helo;
  const heloProblems: Problem[] = sections.problems;
  const heloGeneric = heloReport?.fqdn ? detectGenericName(heloReport.name, obs.ip).generic : false;
  const intendedName = chooseIntendedName(heloReport, heloGeneric, ptrNames, isGeneric);
  const fixContext: FixContext = { ip: obs.ip, family: obs.family, provider, intendedName };

  const problems: Problem[] = [...ptrProblems(obs, truth, negativeCache, fixContext)];
  if (obs.deadline) problems.push(deadlineProblem(obs.deadline));

  const fcrdns = analyseFcrdns(obs, ptrNames, isGeneric);
  problems.push(...fcrdns.problems);
  if (truth.status === "found" && ptrNames.length === 0) problems.push(namelessPtrProblem(obs.ip));
  const multiple = multiplePtrProblem(ptrNames, fcrdns.confirming);
  if (multiple) problems.push(multiple);

  if (genericNames.length > 0) problems.push(genericPtrProblem(genericNames, intendedName, obs));
  problems.push(...heloProblems);

  const sorted = sortProblems(problems);
  const verdict = decideVerdict(sorted);
  const codes = new Set(sorted.map((problem) => problem.code));
  const receivers = judgeReceivers({
    ip: obs.ip,
    family: obs.family,
    ptrConclusive: truth.conclusive,
    noPtr: truth.conclusive && truth.status !== "found",
    fcrdns: fcrdns.result,
    generic: genericNames.length > 0,
    cachedNegative: codes.has("CACHED_NEGATIVE"),
    clearsBy: negativeCache?.clearsBy ?? null,
    helo: heloReport,
    blocklists: sections.reports.blocklists,
  });

  const fixSteps = buildFixSteps({
    ...sections.reports,
    ctx: fixContext,
    codes,
    ptrNames,
    intendedConfirms: intendedConfirms(obs, intendedName, heloReport),
    negativeCache,
    positiveTtl: oldPtrTtl(obs),
    failedServers: failedPtrAnswers(obs),
    danglingTarget: codes.has("DANGLING_CNAME") ? (truth.cnames.at(-1) ?? null) : null,
    inconclusive: verdict === "inconclusive",
  });

  const summary = summarise({
    ip: obs.ip,
    verdict,
    truth,
    fcrdns: fcrdns.result,
    confirming: fcrdns.confirming,
    helo: heloReport,
    problems: sorted,
    receivers,
    clearsBy: negativeCache?.clearsBy ?? null,
    blocklists: sections.reports.blocklists,
  });

  return {
    verdict,
    summary,
    ptr: { status: truth.status, names: ptrNames },
    fcrdns: fcrdns.result,
    ...sections.reports,
    negativeCache,
    provider,
    receivers,
    problems: sorted,
    fixSteps,
  };
}

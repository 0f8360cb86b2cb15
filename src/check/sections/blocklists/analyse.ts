// The blocklists' answers judged by each list's own table (./lists.ts), pure. An answer is a
// listing only when the list's documentation says so: Spamhaus's 127.255.255.x are errors about
// the query, an address outside 127.0.0.0/8 comes from a resolver that rewrites NXDOMAIN (RFC
// 5782 2.1: listings are 127.0.0.0/8), and a timeout or SERVFAIL is "could not tell", never "clean".
import type { BlocklistResult, Problem } from "../../types.js";
import type { PtrFacts } from "../section.js";
import type { ListAnswer } from "./ask.js";
import { definitionOf, errorMeaning } from "./lists.js";

function inLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** One list's answer as the report's entry. */
export function judgeList(answer: ListAnswer, ip: string): BlocklistResult {
  const list = definitionOf(answer.zone);
  const base = { zone: answer.zone, codes: answer.addresses, txt: null, policy: false, removal: null };
  if (answer.outcome === "failed") {
    return { ...base, status: "error", meaning: `could not tell: ${answer.error ?? "no answer"}` };
  }
  if (answer.outcome === "nxdomain" || answer.outcome === "nodata") {
    // RFC 5782 5: a list whose test point is not listed answers "not listed" to everything.
    if (answer.health?.state === "broken") return { ...base, status: "error", meaning: answer.health.reason };
    return { ...base, status: "clean", meaning: null };
  }
  const outside = answer.addresses.filter((address) => !inLoopback(address));
  if (outside.length > 0) {
    return {
      ...base,
      status: "error",
      meaning: `the answer ${outside.join(", ")} is outside 127.0.0.0/8: the resolver rewrites "not listed" (NXDOMAIN) into an address, so this list cannot be read through it`,
    };
  }
  // Spamhaus: any 127.255.255.x is an error about the query, named in its table or not.
  const refusal = answer.addresses
    .map((address) => errorMeaning(list, address))
    .find((why): why is string => why !== null);
  if (refusal !== undefined) {
    return { ...base, status: "refused", meaning: refusal };
  }
  // RFC 5782 5: 127.0.0.1 is the "not listed" test point; a list that answers it lists the world.
  const listings = answer.addresses.filter((address) => address !== "127.0.0.1");
  if (listings.length === 0) {
    return {
      ...base,
      status: "error",
      meaning: "the list answered 127.0.0.1, which is never a listing (RFC 5782 5): the list is not usable",
    };
  }
  const known = listings.map((code) => list.codes[code]);
  const meanings = [
    ...new Set(listings.map((code, index) => known[index]?.meaning ?? `listed (code ${code})`)),
  ];
  return {
    zone: answer.zone,
    status: "listed",
    codes: answer.addresses,
    meaning: meanings.join("; "),
    txt: answer.txt,
    // A policy listing only when every code is one (PBL beside SBL is an accusation all the same).
    policy: known.every((entry) => entry?.policy === true),
    removal: list.removal.replaceAll("<ip>", ip),
  };
}

function listedProblem(result: BlocklistResult, facts: PtrFacts): Problem {
  const who = `Receivers that use ${result.zone} will refuse mail from ${facts.ip}`;
  if (result.policy) {
    const generic = facts.generic
      ? ` Its generic PTR name says the same: receivers take both as end-user space (GENERIC_PTR).`
      : "";
    return {
      code: "LISTED",
      severity: "warning",
      message: `${facts.ip} is on ${result.zone}: ${result.meaning}. ${who} directly; a policy listing, not an accusation.${generic}`,
      fix: `Send through your provider's relay, or have the IP's owner mark ${facts.ip} as a mail server's (a static address with its own PTR name).${facts.generic ? " Setting a real PTR name is the first step for both." : ""} ${result.removal ?? ""}`.trim(),
    };
  }
  return {
    code: "LISTED",
    severity: "error",
    message: `${facts.ip} is listed on ${result.zone}: ${result.meaning}. ${who}.`,
    fix: result.removal ?? "",
  };
}

function refusedFix(result: BlocklistResult, answer: ListAnswer | undefined): string {
  if (result.status === "refused")
    return "Ask the lists through a resolver of your own (not a public one), or set SPAMHAUS_DQS_KEY for Spamhaus.";
  if (answer?.health?.state === "broken" && result.status === "error")
    return `Make ${result.zone} answer this bot's resolver: for Spamhaus check SPAMHAUS_DQS_KEY (the key of your DQS account) or ask through a resolver of your own; for Barracuda register the resolver's public address (barracudacentral.org/rbl); otherwise check that the zone in DNSBL_ZONES is still served.`;
  return "Check again; if it persists, use a resolver that answers the list's zone truthfully (one that does not rewrite NXDOMAIN).";
}

function refusedProblem(result: BlocklistResult, answer: ListAnswer | undefined): Problem {
  return {
    code: "BLOCKLIST_REFUSED",
    severity: "warning",
    message: `${result.zone} could not be read: ${result.meaning}. Whether the IP is listed there is unknown, not "clean".`,
    fix: refusedFix(result, answer),
  };
}

export function analyseBlocklists(
  answers: ListAnswer[],
  facts: PtrFacts,
): { report: BlocklistResult[]; problems: Problem[] } {
  const report = answers.map((answer) => judgeList(answer, facts.ip));
  const problems = report.flatMap((result, index): Problem[] => {
    if (result.status === "listed") return [listedProblem(result, facts)];
    if (result.status === "refused" || result.status === "error")
      return [refusedProblem(result, answers[index])];
    return [];
  });
  return { report, problems };
}

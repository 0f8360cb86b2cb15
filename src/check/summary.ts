// The one-line summary: verdict first, then the reason a person acts on.
//
// Exports:
//   decideVerdict(problems) -> Verdict
//     "fail" when any error other than DNS_ERROR; "inconclusive" when a DNS_ERROR is an error
//     (something that matters could not be learned); else "pass" (warnings allowed).
//   summarise(input) -> string
//     e.g. "FAIL: 203.0.113.5 has no PTR record (NXDOMAIN at the authority); Gmail will reject
//     with 550-5.7.25".

import { leadCode, PROBLEMS } from "./problems.js";
import type { PtrTruth } from "./ptr-rules.js";
import { statusWord } from "./ptr-rules.js";
import type {
  BlocklistResult,
  FcrdnsResult,
  HeloReport,
  Problem,
  ProblemCode,
  ReceiverName,
  ReceiverVerdict,
  Verdict,
} from "./types.js";

export function decideVerdict(problems: Problem[]): Verdict {
  const errors = problems.filter((problem) => problem.severity === "error");
  if (errors.some((problem) => problem.code !== "DNS_ERROR")) return "fail";
  if (errors.length > 0) return "inconclusive";
  return "pass";
}

export interface SummaryInput {
  ip: string;
  verdict: Verdict;
  truth: PtrTruth;
  fcrdns: FcrdnsResult;
  confirming: string[];
  helo: HeloReport | null;
  problems: Problem[];
  receivers: Record<ReceiverName, ReceiverVerdict>;
  clearsBy: string | null;
  blocklists?: BlocklistResult[];
}

/** The headline of a failing check led by `code`: its lead wording (src/check/problems.ts). */
function headline(code: ProblemCode, input: SummaryInput): string {
  return PROBLEMS[code].lead?.(input) ?? code;
}

/** "550-5.7.25" from Gmail's text (how people search for it), "5.7.25" from "550 5.7.25 ...". */
function bounceCode(verdict: ReceiverVerdict): string | null {
  if (verdict.outcome !== "reject" || !verdict.bounce) return null;
  // The pattern is anchored and matches at most 13 characters, so the first 16 decide it.
  const head = verdict.bounce.slice(0, 16);
  let code = bounceCodes.get(head);
  if (code === undefined) {
    const match = /^(\d{3}-\d\.\d{1,3}\.\d{1,3})|^\d{3} (\d\.\d{1,3}\.\d{1,3})/.exec(head);
    code = match ? (match[1] ?? match[2] ?? null) : null;
    if (bounceCodes.size >= 256) bounceCodes.clear();
    bounceCodes.set(head, code);
  }
  return code;
}

/**
 * Codes already read from bounce texts' heads: the receivers' bounces start with a few fixed codes
 * (receivers.ts; the address comes later in the text), and matching each whole text again for
 * every failing address of a sweep showed in its CPU profile. Bounded.
 */
const bounceCodes = new Map<string, string | null>();

function consequence(input: SummaryInput): string {
  const gmail = bounceCode(input.receivers.gmail);
  const microsoft = bounceCode(input.receivers.microsoft);
  if (gmail && microsoft) return `; Gmail will reject with ${gmail}, Microsoft with ${microsoft}`;
  if (gmail) return `; Gmail will reject with ${gmail}`;
  if (microsoft) return `; Microsoft will reject with ${microsoft}`;
  return "";
}

export function summarise(input: SummaryInput): string {
  const { ip, truth, problems } = input;
  const warnings = [
    ...new Set(problems.filter((problem) => problem.severity === "warning").map((problem) => problem.code)),
  ];
  const warningNote = warnings.length > 0 ? ` (warnings: ${warnings.join(", ")})` : "";

  if (input.verdict === "fail") {
    const errors = problems.filter((problem) => problem.severity === "error" && problem.code !== "DNS_ERROR");
    const lead = leadCode(errors);
    const others = errors.filter((problem) => problem.code !== lead).length;
    const more = others > 0 ? ` (+${others} more)` : "";
    // A HELO error can fail a check whose PTR could not be learned: say the PTR is still unknown.
    const ptrUnknown = truth.conclusive ? "" : `; PTR unknown (${statusWord(truth.status)})`;
    return `FAIL: ${lead ? headline(lead, input) : "see problems"}${consequence(input)}${more}${ptrUnknown}`;
  }
  if (input.verdict === "inconclusive") {
    if (!truth.conclusive) {
      return `INCONCLUSIVE: could not tell whether ${ip} has a PTR record (${statusWord(truth.status)}); a DNS failure is not "no PTR"`;
    }
    return `INCONCLUSIVE: ${ip} has the PTR ${truth.names.join(", ")}, but its forward lookup failed, so FCrDNS is unknown`;
  }
  const name = input.confirming[0] ?? truth.names[0] ?? "";
  return `PASS: ${ip} -> ${name} -> ${ip} (FCrDNS confirmed)${warningNote}`;
}

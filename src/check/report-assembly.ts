// The CheckReport made from its two halves: what DNS said (Observations) and what the rules make
// of it (Analysis); and the report of a non-public address, for which no DNS is asked.
import type { ParsedIp } from "./ip.js";
import { NO_OWNER } from "./sections/owner/analyse.js";
import type { Analysis, CheckReport, Observations, ReceiverVerdict } from "./types.js";

/** The CheckReport: what DNS said (the observations) joined with what the rules make of it. */
export function assembleReport(
  observations: Observations,
  analysis: Analysis,
  checkedAt: Date,
  durationMs: number,
): CheckReport {
  return {
    ip: observations.ip,
    family: observations.family,
    reverseName: observations.reverseName,
    verdict: analysis.verdict,
    summary: analysis.summary,
    ptr: analysis.ptr,
    fcrdns: analysis.fcrdns,
    forward: observations.forward,
    helo: analysis.helo,
    owner: analysis.owner,
    smtp: analysis.smtp,
    resolvers: observations.resolvers,
    authority: observations.authority,
    negativeCache: analysis.negativeCache,
    blocklists: analysis.blocklists,
    provider: analysis.provider,
    receivers: analysis.receivers,
    problems: analysis.problems,
    fixSteps: analysis.fixSteps,
    checkedAt: checkedAt.toISOString(),
    durationMs,
  };
}

const NOT_PUBLIC_RECEIVER: ReceiverVerdict = {
  outcome: "unknown",
  bounce: null,
  reason: "receivers never see a non-public address",
};

/** No DNS is asked for a non-public address: there is nothing a receiver could look up. */
export function notPublicReport(
  parsed: ParsedIp,
  why: string,
  startedAt: Date,
  started: number,
): CheckReport {
  return {
    ip: parsed.ip,
    family: parsed.family,
    reverseName: parsed.reverseName,
    verdict: "fail",
    summary: `FAIL: ${why}; check the public address your mail leaves from instead.`,
    ptr: { status: "skipped", names: [] },
    fcrdns: "unknown",
    forward: [],
    helo: null,
    smtp: null,
    resolvers: [],
    authority: null,
    negativeCache: null,
    blocklists: [],
    provider: null,
    owner: NO_OWNER,
    receivers: { gmail: NOT_PUBLIC_RECEIVER, microsoft: NOT_PUBLIC_RECEIVER, yahoo: NOT_PUBLIC_RECEIVER },
    problems: [
      {
        code: "NOT_PUBLIC",
        severity: "error",
        message: `${why}.`,
        fix: "Check the public IP your mail server sends from: the address in the receiver's bounce or in the Received: header it added.",
      },
    ],
    fixSteps: [
      "Find the public IP your mail leaves from (the receiver's bounce names it, e.g. 550-5.7.25 [IP]) and check that address.",
    ],
    checkedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
}

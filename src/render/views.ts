// The projections from a check report to what a delivered message carries (src/chat/views.ts):
// pure, applied where delivery jobs are made (src/queue/deliveries.ts) and again where they are
// posted (workers/delivery.ts), for jobs queued by an older version with the whole report. A view
// of a view is the same view, so applying one twice costs nothing and changes nothing.
import type { OutboundMessage, PlatformName } from "../chat/types.js";
import type { PtrAnswerView, ReportView, VerdictView } from "../chat/views.js";
import { EMPTY_OWNER } from "./request-text.js";

function answerView(answer: PtrAnswerView): PtrAnswerView {
  return {
    server: answer.server,
    status: answer.status,
    names: answer.names,
    cnames: answer.cnames,
    ttl: answer.ttl,
    negativeTtlRemaining: answer.negativeTtlRemaining,
    error: answer.error,
  };
}

/** The report minus what no renderer reads (round-trip times, the SOA, forward CNAMEs, the HELO lookup). */
export function reportView(report: ReportView): ReportView {
  // Every other field (the check sections' fields among them) is shown and passes as it is.
  const { resolvers, authority, forward, helo, ...shown } = report;
  return {
    ...shown,
    // A job queued by a version before the owner section carries none.
    owner: (shown as Partial<ReportView>).owner ?? EMPTY_OWNER,
    resolvers: resolvers.map(answerView),
    authority:
      authority === null
        ? null
        : {
            servers: authority.servers,
            zone: authority.zone,
            status: authority.status,
            names: authority.names,
            cnames: authority.cnames,
            answers: authority.answers.map((answer) =>
              answer.serial === undefined
                ? answerView(answer)
                : { ...answerView(answer), serial: answer.serial },
            ),
            // Issue 29: the servers that disagree are shown; issue 28: the NS not asked are named.
            ...(authority.disagreement ? { disagreement: authority.disagreement } : {}),
            ...(authority.notAsked && authority.notAsked.length > 0 ? { notAsked: authority.notAsked } : {}),
          },
    forward: forward.map(({ name, status, addresses, privateAddresses, server, ttl, confirms }) => ({
      name,
      status,
      addresses,
      // Issue 28: non-public addresses left out of the report are still counted in the view.
      ...(privateAddresses ? { privateAddresses } : {}),
      server,
      ttl,
      confirms,
    })),
    helo:
      helo === null
        ? null
        : {
            name: helo.name,
            fqdn: helo.fqdn,
            addressLiteral: helo.addressLiteral,
            resolves: helo.resolves,
            resolvesToIp: helo.resolvesToIp,
            matchesPtr: helo.matchesPtr,
            ...(helo.source === undefined ? {} : { source: helo.source }),
          },
  };
}

/** The one-line verdict: ip, verdict, summary and the HELO name its re-check button carries. */
export function verdictView(report: VerdictView): VerdictView {
  return {
    ip: report.ip,
    verdict: report.verdict,
    summary: report.summary,
    helo: report.helo === null ? null : { name: report.helo.name },
  };
}

/**
 * What each platform's parent update shows: Slack and the console a line, Discord an embed with
 * the report's fields (src/platforms/discord/render.ts verdictEmbed). A new platform is a compile
 * error here until it says which.
 */
const PARENT_VIEW: Record<PlatformName, "line" | "report"> = {
  console: "line",
  slack: "line",
  discord: "report",
};

/** Whether a verdict message carries the report's fields (a Discord parent) or only the line. */
export function isReportView(report: VerdictView | ReportView): report is ReportView {
  return "receivers" in report;
}

/**
 * The message as a delivery job to `platform` carries it: each report in the view its kind
 * renders. Messages without a report pass unchanged.
 */
export function deliveredMessage(platform: PlatformName, message: OutboundMessage): OutboundMessage {
  switch (message.kind) {
    case "verdict":
      return {
        ...message,
        report:
          PARENT_VIEW[platform] === "report" && isReportView(message.report)
            ? reportView(message.report)
            : verdictView(message.report),
      };
    case "report":
    case "cleared":
    case "still-failing":
    case "watch-change":
      return { ...message, report: reportView(message.report) };
    default:
      return message;
  }
}

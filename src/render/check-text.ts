// A check report as plain text, for the CLI and the console chat.
//
// Exports:
//   renderReportText(report, options?) -> string
//     The verdict line first, then PTR (authority and each resolver, with the time left on cached
//     negative answers), FCrDNS, HELO, caches, receivers (one line each: outcome and bounce),
//     problems and the numbered fix steps. Lines wrap at 100 columns.
//   renderVerdictLine(report, options?) -> string
//     The verdict in one line (the report's summary), for a parent message update.
//   interface TextRenderOptions { color?: boolean }
//     ANSI colour for the verdict and severities; the caller decides (a TTY and NO_COLOR unset),
//     this module reads no environment.
//
// Nothing here is escaped for a chat platform: platform renderers escape what they send. Every
// string of the report (names, errors, messages) goes through terminalText first: a PTR name's
// ESC sequences or U+202E are printed as `\x1b` / `\u202e`, never to the terminal itself.

import type { ForwardView, PtrAnswerView, ReportView, VerdictView } from "../chat/views.js";
import { addressesText } from "../check/private-addresses.js";
import { PROVIDERS, type ProviderId } from "../check/providers.js";
import { failureNote } from "../check/ptr-rules.js";
import { SECTION_IDS } from "../check/sections/index.js";
import type { LookupStatus, ReceiverName } from "../check/types.js";
import { disagreeingServers, standingWords } from "./authority-servers.js";
import { mapStrings, terminalText } from "./inert-text.js";
import { reportRequest } from "./request-text.js";
import { TEXT_SECTIONS } from "./sections/index.js";

export interface TextRenderOptions {
  color?: boolean;
}

const WIDTH = 100;
const LABEL = 10;

type Paint = (text: string, tone: "red" | "green" | "yellow" | "bold") => string;

function painter(options: TextRenderOptions): Paint {
  if (!options.color) return (text) => text;
  const codes = { red: 31, green: 32, yellow: 33, bold: 1 } as const;
  return (text, tone) => `\u001b[${codes[tone]}m${text}\u001b[0m`;
}

/** Wrap `text` to WIDTH, the first line after `first`, the rest indented by `indent` spaces. */
function wrap(first: string, text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  const pad = " ".repeat(indent);
  for (const word of text.split(/\s+/).filter((part) => part.length > 0)) {
    const start = line === first || line === pad;
    const candidate = start ? `${line}${word}` : `${line} ${word}`;
    if (candidate.length > WIDTH && !start) {
      lines.push(line);
      line = `${pad}${word}`;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}

function field(label: string, text: string): string[] {
  return wrap(label.padEnd(LABEL), text, LABEL);
}

function statusText(status: LookupStatus | "skipped"): string {
  return status === "found" ? "found" : status === "timeout" ? "timeout" : status.toUpperCase();
}

function clock(base: string, seconds: number): string {
  const time = Date.parse(base);
  if (Number.isNaN(time)) return "";
  return ` (until ${new Date(time + seconds * 1000).toISOString().slice(11, 19)}Z)`;
}

function describeAnswer(answer: PtrAnswerView, checkedAt: string, cachedSide: boolean): string {
  if (answer.status === "found") {
    const via = answer.cnames.length > 0 ? ` via CNAME ${answer.cnames.join(" -> ")}` : "";
    const ttl = answer.ttl === null ? "" : ` (TTL ${answer.ttl} s)`;
    return `${answer.names.join(", ")}${via}${ttl}`;
  }
  if (answer.status === "nxdomain" || answer.status === "nodata") {
    const left = answer.negativeTtlRemaining;
    if (left === null) return statusText(answer.status);
    return cachedSide
      ? `${statusText(answer.status)}, cached for ${left} s more${clock(checkedAt, left)}`
      : `${statusText(answer.status)} (SOA TTL ${left} s)`;
  }
  return `could not tell: ${failureNote(answer)}`;
}

function ptrLines(report: ReportView): string[] {
  if (report.ptr.status === "skipped") {
    return field("PTR", `${report.reverseName}: not looked up (not a public address)`);
  }
  const authority = report.authority;
  const zone = authority?.zone ? ` (zone ${authority.zone})` : "";
  const names = report.ptr.names.length > 0 ? ` ${report.ptr.names.join(", ")}` : "";
  const lines = field("PTR", `${report.reverseName}${zone}: ${statusText(report.ptr.status)}${names}`);
  if (authority) {
    const answers = authority.answers.length > 0 ? authority.answers : null;
    if (answers) {
      for (const answer of answers) {
        lines.push(
          ...wrap(`  authority ${answer.server}  `, describeAnswer(answer, report.checkedAt, false), 4),
        );
      }
    } else {
      const summary =
        authority.status === "found" ? authority.names.join(", ") : statusText(authority.status);
      lines.push(...wrap(`  authority ${authority.servers.join(", ") || "(none)"}  `, summary, 4));
    }
  } else {
    lines.push("  authority (not found or not asked)");
  }
  for (const entry of authority?.notAsked ?? []) {
    lines.push(...wrap(`  authority ${entry.nameServer}  `, entry.reason, 4));
  }
  const disagreeing = disagreeingServers(authority);
  if (disagreeing !== null) {
    lines.push("  the zone's servers disagree:");
    for (const line of disagreeing) {
      lines.push(...wrap(`    ${line.server}  `, `${standingWords(line)}: ${line.answer}`, 6));
    }
  }
  for (const answer of report.resolvers) {
    lines.push(...wrap(`  resolver  ${answer.server}  `, describeAnswer(answer, report.checkedAt, true), 4));
  }
  return lines;
}

function forwardText(lookup: ForwardView, ip: string, family: 4 | 6): string {
  const type = family === 4 ? "A" : "AAAA";
  switch (lookup.status) {
    case "found":
      return lookup.confirms
        ? `${lookup.name} -> ${addressesText(lookup)} (confirms ${ip})`
        : `${lookup.name} -> ${addressesText(lookup) || `no ${type}`} (not ${ip})`;
    case "nxdomain":
      return `${lookup.name} does not exist (NXDOMAIN)`;
    case "nodata":
      return `${lookup.name} has no ${type} record`;
    default:
      return `${lookup.name}: lookup failed (${statusText(lookup.status)})`;
  }
}

function fcrdnsLines(report: ReportView): string[] {
  const names = new Set(report.ptr.names);
  const lookups = report.forward.filter((lookup) => names.has(lookup.name.toLowerCase().replace(/\.$/, "")));
  if (report.ptr.names.length === 0) return field("FCrDNS", `${report.fcrdns} (no PTR name to confirm)`);
  const details = lookups.map((lookup) => forwardText(lookup, report.ip, report.family)).join("; ");
  return field("FCrDNS", `${report.fcrdns}${details ? `: ${details}` : ""}`);
}

/** The request to the IP's owner (NO_PTR, DANGLING_CNAME, BROKEN_PAIR, GENERIC_PTR), ready to copy. */
function requestLines(report: ReportView): string[] {
  const request = reportRequest(report);
  if (request === null) return [];
  const head = request.selfService
    ? "Request text: none needed, the provider's self-service:"
    : `Request text (send it to ${request.to ?? "your provider's support"}; copy between the lines):`;
  const body = request.text.split("\n").flatMap((line) => (line === "" ? [""] : wrap("", line, 0)));
  return [...wrap("", head, 0), "-".repeat(40), ...body, "-".repeat(40)];
}

/** Each check section's row (src/render/sections), in the registry's order. */
function sectionLines(report: ReportView): string[] {
  return SECTION_IDS.flatMap((id) => {
    const text = TEXT_SECTIONS[id].render(report);
    return text === null ? [] : field(TEXT_SECTIONS[id].label, text);
  });
}

function cacheLines(report: ReportView): string[] {
  const cache = report.negativeCache;
  if (!cache) return field("Caches", "no negative answer seen");
  return field("Caches", `negative TTL ${cache.ttl} s; cached "no PTR" answers clear by ${cache.clearsBy}`);
}

const RECEIVER_LABELS: Record<ReceiverName, string> = {
  gmail: "Gmail",
  microsoft: "Microsoft",
  yahoo: "Yahoo",
};

function receiverLines(report: ReportView, paint: Paint): string[] {
  const lines = ["Receivers"];
  for (const name of ["gmail", "microsoft", "yahoo"] as const) {
    const verdict = report.receivers[name];
    const tone = verdict.outcome === "accept" ? "green" : verdict.outcome === "unknown" ? "yellow" : "red";
    const head = `  ${RECEIVER_LABELS[name].padEnd(10)} ${paint(verdict.outcome.padEnd(7), tone)} `;
    const indent = 2 + 10 + 1 + 7 + 1;
    const text = verdict.bounce ? `${verdict.bounce} -- ${verdict.reason}` : verdict.reason;
    // `head` may hold colour codes: wrap on the plain width, then put the painted head back.
    const plainHead = `  ${RECEIVER_LABELS[name].padEnd(10)} ${verdict.outcome.padEnd(7)} `;
    const wrapped = wrap(plainHead, text, indent);
    wrapped[0] = head + (wrapped[0] ?? "").slice(plainHead.length);
    lines.push(...wrapped);
  }
  return lines;
}

function problemLines(report: ReportView, paint: Paint): string[] {
  if (report.problems.length === 0) return ["Problems  none"];
  const lines = ["Problems"];
  for (const problem of report.problems) {
    const label = problem.severity === "error" ? "ERROR  " : "warning";
    const plainHead = `  ${label} ${problem.code}: `;
    const wrapped = wrap(plainHead, problem.message, 12);
    wrapped[0] = `  ${paint(label, problem.severity === "error" ? "red" : "yellow")}${(wrapped[0] ?? "").slice(2 + label.length)}`;
    lines.push(...wrapped);
    if (problem.fix) lines.push(...wrap(`${" ".repeat(12)}fix: `, problem.fix, 17));
  }
  return lines;
}

function fixLines(report: ReportView): string[] {
  if (report.fixSteps.length === 0) return [];
  const lines = ["Fix, in this order"];
  report.fixSteps.forEach((step, index) => {
    lines.push(...wrap(`  ${index + 1}. `, step, 5));
  });
  return lines;
}

export function renderVerdictLine(report: VerdictView, options: TextRenderOptions = {}): string {
  const paint = painter(options);
  const line = terminalText(report.summary).replace(/\s+/g, " ").trim();
  const match = /^(PASS|FAIL|INCONCLUSIVE)(:.*)$/.exec(line);
  if (!match) return `${report.verdict.toUpperCase()}: ${line}`;
  const tone = report.verdict === "pass" ? "green" : report.verdict === "fail" ? "red" : "yellow";
  return `${paint(match[1] ?? "", tone)}${match[2] ?? ""}`;
}

export function renderReportText(unsafe: ReportView, options: TextRenderOptions = {}): string {
  const report = mapStrings(unsafe, (text) => terminalText(text));
  const paint = painter(options);
  const label = report.provider ? (PROVIDERS[report.provider as ProviderId]?.label ?? report.provider) : null;
  const provider = label
    ? field("Provider", `${label} (recognised from the PTR name or the reverse zone's servers)`)
    : [];
  const sections = [
    [renderVerdictLine(report, options)],
    [
      ...ptrLines(report),
      ...fcrdnsLines(report),
      ...sectionLines(report),
      ...cacheLines(report),
      ...provider,
    ],
    receiverLines(report, paint),
    problemLines(report, paint),
    fixLines(report),
    requestLines(report),
    [`Checked ${report.checkedAt} in ${report.durationMs} ms`],
  ];
  return `${sections
    .filter((section) => section.length > 0)
    .map((section) => section.join("\n"))
    .join("\n\n")}\n`;
}

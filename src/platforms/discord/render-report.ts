// A report (as a delivery carries it, src/chat/views.ts) as embed sections. Every name, status
// text and bounce line that came from DNS or a receiver goes through escapeInline/escapeText; the
// markup around it is ours.

import type { PtrAnswerView, ReportView, VerdictView } from "../../chat/views.js";
import { addressesText } from "../../check/private-addresses.js";
import { SECTION_IDS, type SectionId } from "../../check/sections/index.js";
import type { ReceiverName, Verdict } from "../../check/types.js";
import { disagreeingServers, standingWords } from "../../render/authority-servers.js";
import { formatDuration } from "../../render/duration.js";
import { reportRequest } from "../../render/request-text.js";
import { ownerFacts } from "../../render/sections/owner.js";
import { smtpFacts, smtpOf } from "../../render/sections/smtp.js";
import { codeBlock, escapeInline } from "./escape.js";
import type { Section } from "./limits.js";

export const COLOURS = {
  pass: 0x2ecc71,
  fail: 0xe74c3c,
  inconclusive: 0xf1c40f,
  neutral: 0x95a5a6,
} as const;

const VERDICT_WORDS: Record<Verdict, string> = {
  pass: "✅ passes",
  fail: "❌ fails",
  inconclusive: "⚠️ could not tell",
};

const RECEIVER_NAMES: Record<ReceiverName, string> = {
  gmail: "Gmail",
  microsoft: "Microsoft 365",
  yahoo: "Yahoo",
};

export function verdictTitle(report: VerdictView): string {
  return `${escapeInline(report.ip)} ${VERDICT_WORDS[report.verdict]} reverse DNS`;
}

function names(list: string[]): string {
  return list.length === 0 ? "no names" : list.map(escapeInline).join(", ");
}

export function ptrLines(report: ReportView): string[] {
  const lines = [`${escapeInline(report.ptr.status)}: ${names(report.ptr.names)}`];
  if (report.authority !== null) {
    const auth = report.authority;
    lines.push(
      `authority ${escapeInline(auth.servers.join(", "))}: ${escapeInline(auth.status)}, ${names(auth.names)}`,
    );
    if (auth.cnames.length > 0) lines.push(`via CNAME ${names(auth.cnames)} (RFC 2317)`);
    for (const entry of auth.notAsked ?? []) {
      lines.push(`${escapeInline(entry.nameServer)}: ${escapeInline(entry.reason)}`);
    }
    const disagreeing = disagreeingServers(auth);
    if (disagreeing !== null) {
      lines.push("the zone's servers disagree:");
      for (const line of disagreeing) {
        lines.push(
          `${escapeInline(line.server)}: ${escapeInline(standingWords(line))} — ${escapeInline(line.answer)}`,
        );
      }
    }
  }
  return lines;
}

export function fcrdnsLines(report: ReportView): string[] {
  const head = { pass: "✅ pass", fail: "❌ fail", unknown: "⚠️ unknown" }[report.fcrdns];
  return [
    head,
    ...report.forward.map(
      (f) =>
        `${f.confirms ? "✅" : "❌"} ${escapeInline(f.name)} → ${escapeInline(addressesText(f) || f.status)}`,
    ),
  ];
}

export function heloLines(report: ReportView): string[] {
  const helo = report.helo;
  if (helo === null) return ["not given (add helo: to check it)"];
  const mark = (value: boolean | null) => (value === null ? "?" : value ? "yes" : "no");
  return [
    escapeInline(helo.name),
    `FQDN: ${mark(helo.fqdn || helo.addressLiteral)} · resolves: ${mark(helo.resolves)} · to this IP: ${mark(helo.resolvesToIp)} · matches PTR: ${mark(helo.matchesPtr)}`,
    ...(helo.source === "greeting" ? ["taken from the SMTP greeting (no HELO given)"] : []),
  ];
}

/** The SMTP probe; no lines (the field left out) when the check did not probe. */
export function smtpLines(report: ReportView): string[] {
  const smtp = smtpOf(report);
  if (smtp === null) return [];
  const facts = smtpFacts(smtp);
  const lines = [escapeInline(facts.outcome)];
  if (facts.name !== null)
    lines.push(`greets as ${escapeInline(facts.name)}${facts.versusPtr ? ` · ${facts.versusPtr}` : ""}`);
  if (facts.ehlo !== null)
    lines.push(`EHLO: ${escapeInline(facts.ehlo)}${facts.tls ? ` · ${facts.tls}` : ""}`);
  if (facts.banner !== null) lines.push(`> ${escapeInline(facts.banner)}`);
  if (facts.note !== null) lines.push(escapeInline(facts.note));
  return lines;
}

/** Each list's state; the list's TXT is untrusted text, escaped like any DNS value. */
export function blocklistLines(report: ReportView): string[] {
  const entries = report.blocklists ?? [];
  if (entries.length === 0) return ["not asked"];
  return entries.map((entry) => {
    const icon = { listed: entry.policy ? "⚠️" : "❌", clean: "✅", refused: "⚠️", error: "⚠️" }[entry.status];
    const state =
      entry.status === "listed"
        ? `listed ${escapeInline(entry.codes.join(", "))}: ${escapeInline(entry.meaning ?? "")}`
        : entry.status === "clean"
          ? "not listed"
          : `could not tell: ${escapeInline(entry.meaning ?? "")}`;
    const txt = entry.txt ? ` (TXT: ${escapeInline(entry.txt)})` : "";
    return `${icon} ${escapeInline(entry.zone)} ${state}${txt}`;
  });
}

/** Each check section's field (src/check/sections): a new section is a compile error until it has one. */
export const DISCORD_SECTIONS: Record<SectionId, { name: string; lines(report: ReportView): string[] }> = {
  helo: { name: "HELO", lines: heloLines },
  owner: { name: "Owner", lines: (report) => ownerFacts(report.owner, escapeInline) },
  smtp: { name: "SMTP", lines: smtpLines },
  blocklists: { name: "Blocklists", lines: blocklistLines },
};

function cacheLine(answer: PtrAnswerView): string {
  const what = answer.status === "found" ? names(answer.names) : escapeInline(answer.status);
  const left =
    answer.negativeTtlRemaining !== null && answer.status !== "found"
      ? `, cached for ${formatDuration(answer.negativeTtlRemaining)} more`
      : "";
  const error = answer.error !== null ? ` (${escapeInline(answer.error)})` : "";
  return `${escapeInline(answer.server)}: ${what}${left}${error}`;
}

export function cacheLines(report: ReportView): string[] {
  const lines = report.resolvers.map(cacheLine);
  if (report.negativeCache !== null) {
    const by = new Date(report.negativeCache.clearsBy);
    const secs = (by.getTime() - Date.parse(report.checkedAt)) / 1000;
    lines.push(
      `negative TTL ${formatDuration(report.negativeCache.ttl)}; all clear by <t:${Math.floor(by.getTime() / 1000)}:T> (~${formatDuration(secs)})`,
    );
  }
  return lines.length > 0 ? lines : ["no resolvers asked"];
}

export function receiverLines(report: ReportView, name: ReceiverName, withBounce: boolean): string[] {
  const verdict = report.receivers[name];
  const icon = { accept: "✅", reject: "❌", defer: "⏳", unknown: "⚠️" }[verdict.outcome];
  const lines = [`${icon} ${verdict.outcome}: ${escapeInline(verdict.reason)}`];
  if (withBounce && verdict.bounce !== null) lines.push(`> ${escapeInline(verdict.bounce)}`);
  return lines;
}

export function problemLines(report: ReportView): string[] {
  return report.problems.map(
    (p) => `${p.severity === "error" ? "❌" : "⚠️"} ${p.code}: ${escapeInline(p.message)}`,
  );
}

export function fixLines(report: ReportView): string[] {
  if (report.fixSteps.length === 0) return ["Nothing to fix."];
  return report.fixSteps.map((step, i) => `${i + 1}. ${escapeInline(step)}`);
}

/** The whole report, section by section, for the thread. */
export function reportSections(report: ReportView): Section[] {
  const receivers = (Object.keys(RECEIVER_NAMES) as ReceiverName[]).map((name) => ({
    name: RECEIVER_NAMES[name],
    lines: receiverLines(report, name, true),
  }));
  return [
    { name: "PTR", lines: ptrLines(report) },
    { name: "FCrDNS", lines: fcrdnsLines(report) },
    ...SECTION_IDS.map((id) => ({
      name: DISCORD_SECTIONS[id].name,
      lines: DISCORD_SECTIONS[id].lines(report),
    })).filter((section) => section.lines.length > 0),
    { name: "Caches (time left)", lines: cacheLines(report) },
    ...receivers,
    { name: "Problems", lines: report.problems.length > 0 ? problemLines(report) : ["none"] },
    { name: "Fix", lines: fixLines(report) },
    ...requestSection(report),
  ];
}

/** The request to the IP's owner, in a code block ready to copy (one line entry: never split). */
export function requestSection(report: ReportView): Section[] {
  const request = reportRequest(report);
  if (request === null) return [];
  const to = request.selfService
    ? "none needed: the provider's self-service"
    : `send it to ${request.to === null ? "your provider's support" : escapeInline(request.to)}`;
  return [{ name: "Request text", lines: [to, codeBlock(request.text.slice(0, 900))] }];
}

export { RECEIVER_NAMES };

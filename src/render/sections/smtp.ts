// The SMTP section's rows. The facts in words are platform-neutral (smtpFacts); each platform
// escapes the untrusted parts its own way: the greeting and the names come from a remote server
// and may carry anything (control characters, markup, mentions). Plain text here (the report
// has been through terminalText, src/render/check-text.ts), Slack's in
// src/platforms/slack/sections.ts, Discord's in src/platforms/discord/render-report.ts.
import type { ReportView } from "../../chat/views.js";
import type { SmtpReport } from "../../check/types.js";

/** Longest greeting shown in a chat row; the JSON keeps it whole. */
export const SHOWN_BANNER = 200;

export interface SmtpFacts {
  /** The probe's outcome in words, with the untrusted names left out (`name`, `ehlo` hold them). */
  outcome: string;
  /** The greeting's name, untrusted; null when none. */
  name: string | null;
  /** How the name compares with the PTR, in words; null when it cannot. */
  versusPtr: string | null;
  /** EHLO's name, untrusted; null when none. */
  ehlo: string | null;
  tls: string | null;
  /** The greeting as sent (one line, cut), untrusted; null when none came. */
  banner: string | null;
  /** What happened, in our words (it names the server probed), when it was not plain. */
  note: string | null;
}

const OUTCOME_WORDS: Record<SmtpReport["outcome"], string> = {
  ok: "greeting read",
  refused: "connection refused",
  timeout: "no answer in time",
  error: "no SMTP greeting",
};

export function smtpFacts(smtp: SmtpReport): SmtpFacts {
  const greeted = smtp.outcome === "ok";
  const flat = smtp.banner?.replace(/\n/g, " / ") ?? null;
  return {
    outcome: `${smtp.server}: ${OUTCOME_WORDS[smtp.outcome]}`,
    name: smtp.bannerName,
    versusPtr: smtp.matchesPtr === null ? null : smtp.matchesPtr ? "matches the PTR" : "differs from the PTR",
    ehlo: smtp.ehloName,
    tls: greeted && smtp.ehloName !== null ? (smtp.starttls ? "STARTTLS offered" : "no STARTTLS") : null,
    banner: flat === null ? null : flat.length > SHOWN_BANNER ? `${flat.slice(0, SHOWN_BANNER)}…` : flat,
    note: smtp.note ?? (greeted && smtp.bannerName === null ? "the greeting names no host." : null),
  };
}

/** The report's probe, null for a report made without one (or before probes existed). */
export function smtpOf(report: ReportView): SmtpReport | null {
  return report.smtp ?? null;
}

/** Plain text: "SMTP  192.0.2.1:25: greeting read, greets as mail.example.com, matches the PTR; ...". */
export function smtpText(report: ReportView): string | null {
  const smtp = smtpOf(report);
  if (smtp === null) return null;
  const facts = smtpFacts(smtp);
  const parts = [facts.outcome];
  if (facts.name !== null)
    parts.push(`greets as ${facts.name}${facts.versusPtr ? `, ${facts.versusPtr}` : ""}`);
  if (facts.ehlo !== null) parts.push(`EHLO answered as ${facts.ehlo}`);
  if (facts.tls !== null) parts.push(facts.tls);
  if (facts.banner !== null) parts.push(`greeting "${facts.banner}"`);
  if (facts.note !== null) parts.push(facts.note);
  return parts.join("; ");
}

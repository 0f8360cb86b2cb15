// The SMTP section: what the IP's mail server announces when a client connects (RFC 5321 4.3.1).
//
//   asks      one connection to the IP's port 25 (or the operator's HOST:PORT): the 220 greeting,
//             EHLO, QUIT (./probe.ts), only when the check asks for it (CheckOptions.smtp),
//             alongside the PTR questions and ending a little before the check's deadline
//   analyses  ./analyse.ts: the greeting's name against the PTR names
//   reports   CheckReport.smtp (SmtpReport, null when not probed); with no HELO given, the HELO
//             section takes the greeting's name as the HELO (AskContext.greetingName)
//   problems  ./problems.ts: BANNER_MISMATCH
//   fixes     ./fix.ts
//   renders   src/render/sections/smtp.ts (text, Slack), src/platforms/discord/render-report.ts,
//             src/web/pages/servers-page.ts (from the row)
import type { Problem, SmtpProbe, SmtpReport } from "../../types.js";
import type { CheckSection } from "../section.js";
import { analyseSmtp } from "./analyse.js";
import { smtpFixSteps } from "./fix.js";
import { formatTarget, probeSmtp } from "./probe.js";
import { SMTP_PROBLEMS, type SmtpProblemCode } from "./problems.js";

export type SmtpAsked = SmtpProbe | null;

/**
 * The probe gives up this long before the check's deadline, so that its outcome (a timeout with
 * its own words) is in the report rather than the deadline's "could not tell" for the whole check.
 */
export const PROBE_MARGIN_MS = 150;

export const smtpSection = {
  id: "smtp",
  title: "SMTP",
  questions: "none in DNS: one SMTP connection (greeting, EHLO, QUIT) when the check probes",
  ask(ctx) {
    const target = ctx.options.smtp ?? null;
    if (target === null) return { answer: Promise.resolve(null), soFar: () => null };
    let probe: SmtpProbe | undefined;
    const within = Math.max(0, ctx.timeLeftMs() - PROBE_MARGIN_MS);
    const answer = probeSmtp(target, within, ctx.options.smtpHelo).then((result) => {
      probe = result;
      return result;
    });
    const cut: SmtpProbe = {
      outcome: "timeout",
      server: formatTarget(target),
      banner: null,
      bannerName: null,
      ehloName: null,
      starttls: false,
      note: "no greeting before the check's deadline.",
    };
    return { answer, soFar: () => probe ?? cut };
  },
  analyse(asked: SmtpAsked, facts): { report: SmtpReport | null; problems: Problem[] } {
    if (asked === null) return { report: null, problems: [] };
    return analyseSmtp(asked, facts.ptrNames, facts.target);
  },
  problems: SMTP_PROBLEMS,
  fixSteps: smtpFixSteps,
} satisfies CheckSection<SmtpAsked, SmtpReport | null, SmtpProblemCode>;

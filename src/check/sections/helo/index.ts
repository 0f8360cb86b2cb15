// The HELO section: the name the sending server announces in HELO/EHLO (RFC 5321 4.1.4).
//
//   asks      the HELO name's A/AAAA, alongside the PTR questions (shared with the PTR names'
//             forward lookups when the names are the same); nothing for an address literal or a
//             name that is not an FQDN, which the rules judge without DNS
//   analyses  ./analyse.ts: shape, resolves, resolves to the IP, matches the PTR
//   reports   CheckReport.helo (HeloReport, null when no HELO was given)
//   problems  ./problems.ts: HELO_NOT_FQDN, HELO_UNRESOLVED, HELO_IP_MISMATCH, HELO_MISMATCH
//   fixes     ./fix.ts
//   renders   src/render/sections/helo.ts (text, Slack), src/platforms/discord/render-report.ts,
//             src/web/pages/servers-page.ts (from the row), src/app/servers-csv.ts
import type { ForwardLookup, HeloReport, Problem } from "../../types.js";
import type { AskContext, Asking, CheckSection } from "../section.js";
import { analyseHelo } from "./analyse.js";
import { heloFixSteps } from "./fix.js";
import { HELO_PROBLEMS, type HeloProblemCode } from "./problems.js";

/**
 * The HELO and its forward lookup (null lookup for an address literal or a non-FQDN); `source`
 * says whether it was given or taken from the SMTP greeting (no HELO given, the check probed).
 */
export type HeloAsked = { name: string; lookup: ForwardLookup | null; source?: "given" | "greeting" } | null;

/**
 * Only an FQDN is looked up (RFC 5321 4.1.4: the EHLO argument is an FQDN or an address
 * literal); a bare word or an address literal is judged by the rules without DNS.
 */
function wantsLookup(helo: string): boolean {
  if (helo.startsWith("[")) return false;
  const name = helo.replace(/\.$/, "");
  return name.includes(".") && /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/i.test(name) && !/^[\d.]+$/.test(name);
}

function askName(ctx: AskContext, name: string, source: "given" | "greeting"): Asking<HeloAsked> {
  if (!wantsLookup(name)) {
    const asked = { name, lookup: null, source };
    return { answer: Promise.resolve(asked), soFar: () => asked };
  }
  let lookup: ForwardLookup | undefined;
  const answer = ctx.forward(name).then((result) => {
    lookup = result;
    return { name, lookup: result, source };
  });
  return { answer, soFar: () => ({ name, lookup: lookup ?? ctx.unanswered(name), source }) };
}

export const heloSection = {
  id: "helo",
  title: "HELO",
  questions: "the HELO name's A (IPv4) or AAAA (IPv6), when it is an FQDN",
  ask(ctx) {
    const given = ctx.options.helo?.trim() ? ctx.options.helo.trim() : null;
    if (given !== null) return askName(ctx, given, "given");
    if (!ctx.options.smtp) return { answer: Promise.resolve(null), soFar: () => null };
    // No HELO given and the check probes the server: a server announces in HELO the name its
    // greeting carries unless told otherwise (Postfix $myhostname, Exim primary_hostname), so
    // that name is judged as the HELO, once the greeting is in (within the check's deadline).
    let asking: Asking<HeloAsked> | null = null;
    const answer = ctx.greetingName().then((name) => {
      if (name === null) return null;
      asking = askName(ctx, name, "greeting");
      return asking.answer;
    });
    return { answer, soFar: () => (asking === null ? null : asking.soFar()) };
  },
  analyse(asked: HeloAsked, facts): { report: HeloReport | null; problems: Problem[] } {
    if (asked === null) return { report: null, problems: [] };
    const { report, problems } = analyseHelo({ helo: asked, ...facts });
    return { report: { ...report, source: asked.source ?? "given" }, problems };
  },
  problems: HELO_PROBLEMS,
  fixSteps: heloFixSteps,
} satisfies CheckSection<HeloAsked, HeloReport | null, HeloProblemCode>;

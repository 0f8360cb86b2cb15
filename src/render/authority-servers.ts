// The reverse zone's servers when they disagree (issue 29), as plain lines every renderer escapes
// its own way (check-text.ts, Slack's report.ts, Discord's render-report.ts): which server serves
// which serial and answer, the newest first, the lagging or diverging ones marked.
import type { AuthorityView } from "../chat/views.js";
import type { LookupStatus } from "../check/types.js";

export interface AuthorityServerLine {
  server: string;
  serial: number | null;
  /** "PTR mail.example.test", "no PTR (NXDOMAIN)". */
  answer: string;
  /** "newest", "behind" (an older serial), "differs" (split-brain: same serial, other answer). */
  standing: "newest" | "behind" | "differs";
}

function answerWords(status: LookupStatus, names: string[]): string {
  if (status === "found") return `PTR ${names.join(", ")}`;
  if (status === "nxdomain") return "no PTR (NXDOMAIN)";
  if (status === "nodata") return "no PTR (NODATA)";
  return `could not tell (${status === "timeout" ? "timeout" : status.toUpperCase()})`;
}

/** One line per server of a disagreement, the newest serial's first; null when they agree. */
export function disagreeingServers(authority: AuthorityView | null): AuthorityServerLine[] | null {
  const disagreement = authority?.disagreement ?? null;
  if (authority === null || disagreement === null) return null;
  const taken = answerWords(authority.status, authority.names);
  return [
    ...disagreement.newest.map((server) => ({
      server,
      serial: disagreement.serial,
      answer: taken,
      standing: "newest" as const,
    })),
    ...disagreement.others.map((other) => ({
      server: other.server,
      serial: other.serial,
      answer: answerWords(other.status, other.names),
      standing: disagreement.kind === "lag" ? ("behind" as const) : ("differs" as const),
    })),
  ];
}

/** "serial 2, newest" / "serial 1, behind" / "serial unknown, answers otherwise". */
export function standingWords(line: AuthorityServerLine): string {
  const serial = line.serial === null ? "serial unknown" : `serial ${line.serial}`;
  const standing = { newest: "newest", behind: "behind", differs: "answers otherwise" }[line.standing];
  return `${serial}, ${standing}`;
}

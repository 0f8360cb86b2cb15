// A report made at the deadline: what the check had learned so far (pipeline.ts fills a
// Progress as answers arrive), with every answer still open written as a timeout, "could not
// tell" (deadline.ts), never as "no record".
import type { AuthorityResult } from "./authority.js";
import { type Deadline, unansweredLookup, unansweredPtr } from "./deadline.js";
import type { ParsedIp } from "./ip.js";
import { type SectionAskings, sectionsSoFar } from "./sections/ask.js";
import type { CheckOptions, ForwardLookup, Observations, PtrAnswer } from "./types.js";

/** What the check had learned so far, for a report made at the deadline. */
export interface Progress {
  parsed?: ParsedIp;
  resolverServers?: string[];
  resolvers: Array<PtrAnswer | undefined>;
  /** undefined while the authority is being asked; null when there is none. */
  authority: AuthorityResult | null | undefined;
  authorityServers?: string[];
  ptrNames?: string[];
  forward: Map<string, ForwardLookup>;
  /** The sections' questions under way (set before the first answer can arrive). */
  sections?: SectionAskings;
}

export function snapshot(progress: Progress, deadline: Deadline, options: CheckOptions): Observations {
  const parsed = progress.parsed as ParsedIp;
  const resolvers = (progress.resolverServers ?? []).map(
    (server, index) => progress.resolvers[index] ?? unansweredPtr(server, deadline),
  );
  let authority = progress.authority === undefined ? undefined : (progress.authority?.report ?? null);
  if (authority === undefined) {
    const servers = progress.authorityServers ?? [];
    deadline.cut.push(`the authority's PTR (${servers.join(", ") || "still being discovered"})`);
    authority = {
      servers,
      zone: null,
      status: "timeout",
      names: [],
      cnames: [],
      answers: servers.map((server) => unansweredPtr(server, deadline)),
      soa: null,
    };
  }
  for (const [index, answer] of resolvers.entries()) {
    if (progress.resolvers[index] === undefined) deadline.cut.push(`PTR at resolver ${answer.server}`);
  }
  const forward = (progress.ptrNames ?? []).map((name) => {
    const key = forwardKey(name);
    return progress.forward.get(key) ?? unansweredLookup(key);
  });
  return {
    ip: parsed.ip,
    family: parsed.family,
    reverseName: parsed.reverseName,
    resolvers,
    authority,
    forward,
    ...sectionsSoFar(progress.sections as SectionAskings),
    now: options.now?.() ?? new Date(),
  };
}

export function forwardKey(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

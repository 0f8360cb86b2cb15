// A poll of the authority: while a chain fails, is the fix in yet? Asks only the servers that
// decide the answer (RD=0), one or two questions: the PTR of the name the full check ended on
// (the reverse name, or its RFC 2317 CNAME target in the child zone), and, when the pair was
// broken, the A/AAAA of the PTR name at the forward zone's servers. No resolver is asked while
// the forward zone's servers are listed (AUTHORITIES); without them the forward question goes
// to one resolver, the only way to find the forward zone's servers.
import { type DnsQuestion, normaliseName, type RecordType } from "./dns-client.js";
import { sameAddress } from "./ip.js";
import { ask, type QueryOptions, readCnameChain } from "./lookups.js";
import { type CheckReport, CONCLUSIVE_STATUSES, type LookupStatus } from "./types.js";

/** What a chain polls, taken from its failing check's report (pollTargetOf). */
export interface PollTarget {
  ip: string;
  family: 4 | 6;
  /** The name whose PTR decides the answer: the reverse name or its RFC 2317 CNAME target. */
  name: string;
  /** The servers that answered it with authority (or were asked), host:port. */
  servers: string[];
  /** Also ask the forward A/AAAA of the PTR name (the pair was broken). */
  forward: boolean;
}

export interface PollResult {
  /** The PTR at the authority: found, nxdomain or nodata; anything else is "could not tell". */
  status: LookupStatus;
  names: string[];
  server: string | null;
  /** The PTR name's forward lookup at the authority, when asked. */
  forward: { name: string; status: LookupStatus; addresses: string[]; confirms: boolean } | null;
  /** The PTR answer led elsewhere (a new CNAME): the chain runs a full check instead. */
  moved: boolean;
  /** DNS questions this poll asked. */
  questions: number;
}

/** The poll target of a failing report, or null when there is no authority to poll. */
export function pollTargetOf(report: CheckReport): PollTarget | null {
  const authority = report.authority;
  if (authority === null) return null;
  const answered = authority.answers
    .filter(
      (answer) => answer.status === "found" || answer.status === "nxdomain" || answer.status === "nodata",
    )
    .map((answer) => answer.server);
  const servers = answered.length > 0 ? answered : authority.servers;
  if (servers.length === 0) return null;
  const name = authority.cnames.at(-1) ?? report.reverseName;
  return {
    ip: report.ip,
    family: report.family,
    name: normaliseName(name),
    servers: [...new Set(servers)],
    forward: report.problems.some((problem) => problem.code === "BROKEN_PAIR"),
  };
}

/**
 * Asks the first authoritative server, then the next only when one gives no answer: a poll that
 * finds the authority unchanged costs one question (two with the forward check).
 */
export async function pollAuthority(
  target: PollTarget,
  /** Where to ask the forward question: the listed authorities, else one resolver. */
  servers: { authorities: string[]; resolvers: string[] },
  options: QueryOptions,
): Promise<PollResult> {
  let questions = 0;
  const question = (name: string, type: RecordType, server: string, recursion: boolean): DnsQuestion => ({
    name,
    type,
    server,
    recursion,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
  let ptr: PollResult = {
    status: "timeout",
    names: [],
    server: null,
    forward: null,
    moved: false,
    questions: 0,
  };
  for (const server of target.servers) {
    questions++;
    const response = await ask(options.transport, question(target.name, "PTR", server, false));
    const chain = readCnameChain(response, target.name, "PTR");
    if (response.outcome !== "answer" || !response.aa || !CONCLUSIVE_STATUSES.has(chain.status)) {
      ptr = { ...ptr, status: chain.status === "found" ? "servfail" : chain.status, server };
      continue;
    }
    ptr = { ...ptr, status: chain.status, names: chain.values, server, moved: chain.cnames.length > 0 };
    break;
  }
  const first = ptr.names[0];
  if (target.forward && ptr.status === "found" && first !== undefined) {
    const type: RecordType = target.family === 4 ? "A" : "AAAA";
    const listed = servers.authorities.length > 0;
    for (const server of listed ? servers.authorities : servers.resolvers.slice(0, 1)) {
      questions++;
      const response = await ask(options.transport, question(first, type, server, !listed));
      const chain = readCnameChain(response, first, type);
      if (response.outcome !== "answer" || (listed && !response.aa) || !CONCLUSIVE_STATUSES.has(chain.status))
        continue;
      ptr.forward = {
        name: first,
        status: chain.status,
        addresses: chain.values,
        confirms: chain.values.some((address) => sameAddress(target.ip, address)),
      };
      break;
    }
  }
  return { ...ptr, questions };
}

// A poll of the authority: while a chain fails, is the fix in yet? Asks only the servers that
// decide the answer (RD=0): the PTR of the name the full check ended on (the reverse name, or its
// RFC 2317 CNAME target in the child zone) at every one of them at once (one question each, one
// round trip: a lagging secondary still tells receivers the old answer, issue 29), and, when the
// pair was broken, the A/AAAA of the PTR name at the forward zone's servers. No resolver is asked while
// the forward zone's servers are listed (AUTHORITIES); without them the forward question goes
// to one resolver, the only way to find the forward zone's servers.

import { chooseNewest } from "./authority-serials.js";
import type { CnameChainResult } from "./cname-chain.js";
import { type DnsQuestion, type DnsResponse, normaliseName, type RecordType } from "./dns-client.js";
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
  /**
   * The fix is already at some of the zone's servers and others lag (AUTHORITY_LAG): the poll
   * sees it "fixed" only once every server serves it.
   */
  untilAll?: boolean;
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
  /** How many servers were asked (the M of "at N of M name servers"). */
  of?: number;
  /** The servers that answer otherwise than `server` (a lagging secondary), with their answer. */
  behind?: Array<{ server: string; status: LookupStatus; names: string[] }>;
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
  const lagging = report.problems.some((problem) => problem.code === "AUTHORITY_LAG");
  return {
    ip: report.ip,
    family: report.family,
    name: normaliseName(name),
    servers: [...new Set(servers)],
    forward: report.problems.some((problem) => problem.code === "BROKEN_PAIR"),
    ...(lagging && authority.status === "found" ? { untilAll: true } : {}),
  };
}

/**
 * Asks every authoritative server at once, one PTR question each (no SOA: the poll looks for the
 * fix, and a PTR is taken over "no PTR" so one server with the fix is seen at once); the servers
 * answering otherwise are `behind`. The forward check, when needed, follows.
 */
export async function pollAuthority(
  target: PollTarget,
  /** Where to ask the forward question: the listed authorities, else one resolver. */
  servers: { authorities: string[]; resolvers: string[] },
  options: QueryOptions,
): Promise<PollResult> {
  const answers = await Promise.all(
    target.servers.map(async (server) => {
      const response = await ask(options.transport, question(options, target.name, "PTR", server, false));
      return { server, response, chain: readCnameChain(response, target.name, "PTR") };
    }),
  );
  const ptr = readPtrAnswers(target, answers);
  const first = ptr.names[0];
  if (!target.forward || ptr.status !== "found" || first === undefined) {
    return { ...ptr, questions: target.servers.length };
  }
  const forward = await askForward(target, first, servers, options);
  return { ...ptr, forward: forward.lookup, questions: target.servers.length + forward.questions };
}

/** One poll question, with the poll's timeout and retries. */
function question(
  options: QueryOptions,
  name: string,
  type: RecordType,
  server: string,
  recursion: boolean,
): DnsQuestion {
  return { name, type, server, recursion, timeoutMs: options.timeoutMs, retries: options.retries };
}

/**
 * What the servers' PTR answers say (pure): the newest authoritative answer (authority-serials.ts
 * chooseNewest, a PTR over "no PTR") and the servers behind it; with none, the last server's
 * failure ("could not tell").
 */
export function readPtrAnswers(
  target: PollTarget,
  answers: ReadonlyArray<{ server: string; response: DnsResponse; chain: CnameChainResult }>,
): PollResult {
  const ptr: PollResult = {
    status: "timeout",
    names: [],
    server: null,
    forward: null,
    moved: false,
    questions: 0,
  };
  const conclusive = answers.filter(
    ({ response, chain }) =>
      response.outcome === "answer" && response.aa && CONCLUSIVE_STATUSES.has(chain.status),
  );
  const picked = chooseNewest(
    conclusive.map(({ server, chain }) => ({
      server,
      status: chain.status,
      names: chain.values,
      cnames: chain.cnames,
      serial: null,
    })),
  );
  if (picked === null) {
    const last = answers.at(-1);
    if (last === undefined) return ptr;
    return {
      ...ptr,
      status: last.chain.status === "found" ? "servfail" : last.chain.status,
      server: last.server,
    };
  }
  const { chosen } = picked;
  return {
    ...ptr,
    status: chosen.status,
    names: chosen.names,
    server: chosen.server,
    moved: chosen.cnames.length > 0,
    of: target.servers.length,
    behind: (picked.disagreement?.others ?? []).map(({ server, status, names }) => ({
      server,
      status,
      names,
    })),
  };
}

/**
 * The PTR name's A/AAAA at the listed authorities (an AA answer), else at one resolver: the first
 * conclusive answer, and how many questions it took.
 */
async function askForward(
  target: PollTarget,
  name: string,
  servers: { authorities: string[]; resolvers: string[] },
  options: QueryOptions,
): Promise<{ lookup: PollResult["forward"]; questions: number }> {
  const type: RecordType = target.family === 4 ? "A" : "AAAA";
  const listed = servers.authorities.length > 0;
  let questions = 0;
  for (const server of listed ? servers.authorities : servers.resolvers.slice(0, 1)) {
    questions++;
    const response = await ask(options.transport, question(options, name, type, server, !listed));
    const chain = readCnameChain(response, name, type);
    if (response.outcome !== "answer" || (listed && !response.aa) || !CONCLUSIVE_STATUSES.has(chain.status))
      continue;
    const confirms = chain.values.some((address) => sameAddress(target.ip, address));
    return { lookup: { name, status: chain.status, addresses: chain.values, confirms }, questions };
  }
  return { lookup: null, questions };
}

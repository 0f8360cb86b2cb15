// The one look at the resolvers after a poll saw the fix at the authority (issue 10 item 2):
// each resolver that still held the old answer is asked only the question whose answer was
// wrong (the PTR, or for a broken pair the A/AAAA of the PTR name), once; every other fact of the
// report comes from the authoritative servers (RD=0: not resolver questions). The answers go
// through the same pure analysis as a full check (analyse.ts), so the report is built from real
// answers only: a resolver not asked is not in it, rather than copied forward from an older check.
import { analyseObservations } from "./analyse.js";
import { type AuthorityResult, askAuthority } from "./authority.js";
import {
  type Deadline,
  deadlineTransport,
  defaultDeadlineMs,
  startDeadline,
  unansweredLookup,
} from "./deadline.js";
import { type DnsTransport, query, type RecordType } from "./dns-client.js";
import { type ParsedIp, parseIp } from "./ip.js";
import {
  ask,
  askPtr,
  forwardLookupFrom,
  lookupAddresses,
  type QueryOptions,
  readCnameChain,
} from "./lookups.js";
import type { PollTarget } from "./poll.js";
import { withoutNonPublicAddresses } from "./private-addresses.js";
import { assembleReport } from "./report-assembly.js";
import type { CheckReport, ForwardLookup, Observations } from "./types.js";
import { CONCLUSIVE_STATUSES } from "./types.js";
import { zoneCacheFor } from "./zone-cache.js";

export interface ConfirmInput {
  ip: string;
  helo: string | null;
  /** What the chain polled: its `forward` flag says the wrong answer was the PTR name's A/AAAA. */
  target: PollTarget;
  /** The resolvers to ask, once each. */
  resolvers: string[];
  /** Every configured resolver (only for discovering the zone's servers when none are listed). */
  allResolvers: string[];
  /** Listed authoritative servers (AUTHORITIES); empty: discovered (shared zone cache). */
  authorities: string[];
  timeoutMs: number;
  retries?: number;
  deadlineMs?: number;
  authorityPort?: number;
  /** Keep non-public addresses in the report (CheckOptions.showPrivateAddresses). */
  showPrivateAddresses?: boolean;
  now?: () => Date;
}

export interface ConfirmResult {
  report: CheckReport;
  /** DNS questions asked, and how many of them went to each server. */
  questions: number;
  byServer: Record<string, number>;
}

/** The A/AAAA of `name` at the listed authoritative servers (RD=0): the first answer with authority. */
async function forwardAtAuthority(
  name: string,
  family: 4 | 6,
  ip: string,
  servers: string[],
  options: QueryOptions,
): Promise<ForwardLookup> {
  const type: RecordType = family === 4 ? "A" : "AAAA";
  let last: ForwardLookup = unansweredLookup(name);
  for (const server of servers) {
    const response = await ask(options.transport, {
      name,
      type,
      server,
      recursion: false,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
    });
    const chain = readCnameChain(response, name, type);
    const lookup = forwardLookupFrom(name, ip, server, chain, response);
    // A listed server that does not serve the name's zone refuses or refers: ask the next.
    if (response.outcome === "answer" && response.aa && CONCLUSIVE_STATUSES.has(chain.status)) return lookup;
    if (last.server === null || CONCLUSIVE_STATUSES.has(lookup.status)) last = lookup;
  }
  return last;
}

/**
 * Of the answers that do not confirm the IP, the one a resolver will go on serving longest: a
 * real answer (the old A/AAAA, or a cached "no address") before a failure, which says nothing of
 * the cache; then the longest TTL, an untimed answer last. Undefined when every answer confirms.
 */
export function lastToLetGo(answers: ForwardLookup[]): ForwardLookup | undefined {
  const held = (lookup: ForwardLookup) => (CONCLUSIVE_STATUSES.has(lookup.status) ? 1 : 0);
  const longer = (a: ForwardLookup, b: ForwardLookup) =>
    held(a) !== held(b) ? held(a) > held(b) : (a.ttl ?? -1) > (b.ttl ?? -1);
  let best: ForwardLookup | undefined;
  for (const lookup of answers) {
    if (!lookup.confirms && (best === undefined || longer(lookup, best))) best = lookup;
  }
  return best;
}

/** Asks what the confirmation needs and judges it with the full check's rules. */
export async function confirmFix(
  input: ConfirmInput,
  transport: DnsTransport = query,
): Promise<ConfirmResult> {
  const now = input.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const parsed = parseIp(input.ip);
  const { counted, tally } = countingQuestions(transport);
  const deadline = startDeadline(input.deadlineMs ?? defaultDeadlineMs(input.timeoutMs));
  const options: QueryOptions = {
    transport: deadlineTransport(counted, deadline),
    timeoutMs: input.timeoutMs,
    retries: input.retries ?? 1,
  };
  const authority = await askAuthority({
    ...options,
    reverseName: parsed.reverseName,
    authorities: input.authorities,
    resolvers: input.allResolvers,
    authorityPort: input.authorityPort ?? 53,
    // Keyed on the caller's transport, as the full check's: discovered servers are shared.
    zoneCache: zoneCacheFor(transport),
  });
  const names = authority?.report.status === "found" ? authority.report.names : [];
  // Facts that are not the resolvers' question come from the authority when it is listed; a
  // forward zone's servers are otherwise unknown here, and a resolver is the only way to ask.
  const atAuthority = (name: string) =>
    input.authorities.length > 0
      ? forwardAtAuthority(name, parsed.family, parsed.ip, input.authorities, options)
      : lookupAddresses(name, parsed.family, parsed.ip, input.allResolvers.slice(0, 1), options);
  const { resolvers, forward } = await askResolversAgain(input, parsed, names, options, atAuthority);
  const heloName = input.helo?.trim() ? input.helo.trim() : null;
  const heloLookup = heloName === null || !heloResolvable(heloName) ? null : await atAuthority(heloName);
  const observed = confirmationObservations(
    parsed,
    authority,
    { resolvers, forward },
    heloName === null ? null : { name: heloName, lookup: heloLookup },
    now(),
    deadline,
  );
  const observations = input.showPrivateAddresses ? observed : withoutNonPublicAddresses(observed);
  const report = assembleReport(
    observations,
    analyseObservations(observations),
    startedAt,
    Math.round(performance.now() - started),
  );
  return { report, questions: tally.questions, byServer: tally.byServer };
}

/** What the confirmation saw: the resolvers' answers asked again, the other facts the authority's. */
function confirmationObservations(
  parsed: ParsedIp,
  authority: AuthorityResult | null,
  looked: { resolvers: Observations["resolvers"]; forward: ForwardLookup[] },
  helo: Observations["helo"],
  now: Date,
  deadline: Deadline,
): Observations {
  return {
    ip: parsed.ip,
    family: parsed.family,
    reverseName: parsed.reverseName,
    resolvers: looked.resolvers,
    authority: authority?.report ?? null,
    forward: looked.forward,
    helo,
    // A confirmation asks only what was wrong; the owner is the full check's (the chain keeps it).
    owner: { zone: { zone: authority?.report.zone ?? null, nameservers: [], soa: null }, network: null },
    // A confirmation asks DNS only: the SMTP probe is the full check's.
    smtp: null,
    // A confirmation looks at the PTR and HELO only: no blocklist is asked, so its report says
    // nothing of them (an empty list, which watches read as "not asked", never as "delisted").
    blocklists: [],
    now,
    ...(deadline.cut.length > 0 ? { deadline: { ms: deadline.ms, unanswered: [...deadline.cut] } } : {}),
  };
}

/** `transport`, counting the questions it asks and how many go to each server. */
function countingQuestions(transport: DnsTransport): {
  counted: DnsTransport;
  tally: { questions: number; byServer: Record<string, number> };
} {
  const tally = { questions: 0, byServer: {} as Record<string, number> };
  const counted: DnsTransport = (question) => {
    tally.questions++;
    tally.byServer[question.server] = (tally.byServer[question.server] ?? 0) + 1;
    return transport(question);
  };
  return { counted, tally };
}

/** A HELO name worth an A/AAAA look: not an address literal, and not a single label. */
function heloResolvable(name: string): boolean {
  return !name.startsWith("[") && name.includes(".");
}

/**
 * The one question per resolver whose answer was wrong. A broken pair: the PTR name's A/AAAA at
 * each resolver, the report showing per name the answer of a resolver that does not confirm it
 * (if any does not): the one that holds on longest, whose TTL times the next look
 * (workers/recheck.ts). Otherwise the PTR at each resolver, the names' A/AAAA at the authority.
 */
async function askResolversAgain(
  input: ConfirmInput,
  parsed: ParsedIp,
  names: string[],
  options: QueryOptions,
  atAuthority: (name: string) => Promise<ForwardLookup>,
): Promise<{ resolvers: Observations["resolvers"]; forward: ForwardLookup[] }> {
  if (input.target.forward) {
    const forward = await Promise.all(
      names.map(async (name) => {
        const answers = await Promise.all(
          input.resolvers.map((server) => lookupAddresses(name, parsed.family, parsed.ip, [server], options)),
        );
        return lastToLetGo(answers) ?? answers[0] ?? (await atAuthority(name));
      }),
    );
    return { resolvers: [], forward };
  }
  const [ptrs, lookups] = await Promise.all([
    Promise.all(input.resolvers.map((server) => askPtr(server, parsed.reverseName, true, options))),
    Promise.all(names.map((name) => atAuthority(name))),
  ]);
  return { resolvers: ptrs.map((result) => result.answer), forward: lookups };
}

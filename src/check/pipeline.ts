// The DNS half of a check: ask everything that can be asked at once, build Observations, hand
// them to the rules (analyse.ts), assemble the CheckReport. Critical path: one PTR round trip
// (resolvers and authority together; the HELO's forward lookup alongside), then one forward
// round trip (each PTR name's A/AAAA starts as soon as any server reveals the name).
import { getServers } from "node:dns";
import { askAuthority, completeSoa } from "./authority.js";
import type { SerialCache } from "./authority-serial-cache.js";
import {
  afterDeadline,
  boundedTransport,
  type Deadline,
  deadlineTransport,
  defaultDeadlineMs,
  startDeadline,
  unansweredLookup,
} from "./deadline.js";
import { type DnsTransport, query } from "./dns-client.js";
import { type ParsedIp, parseIp } from "./ip.js";
import { ask, askPtr, lookupAddresses, type QueryOptions } from "./lookups.js";
import { forwardKey, type Progress, snapshot } from "./partial-observations.js";
import { withoutNonPublicAddresses } from "./private-addresses.js";
import { askSections, sectionAnswers } from "./sections/ask.js";
import { NO_OWNER } from "./sections/owner/analyse.js";
import { formatServer, parseServer } from "./server.js";
import type {
  Analysis,
  CheckOptions,
  CheckReport,
  ForwardLookup,
  Observations,
  ReceiverVerdict,
} from "./types.js";
import { zoneCacheFor } from "./zone-cache.js";
import { deadlineSignal, zoneWaiter } from "./zone-waiter.js";

export interface CheckDependencies {
  /** How one DNS question is asked (the real UDP/TCP client unless a test passes another). */
  transport?: DnsTransport;
  /** The system's resolvers when none are configured. */
  systemResolvers?: () => string[];
  /**
   * A sweep's kept zone SOAs, shared by its checks (authority-serial-cache.ts): one SOA question
   * per authority and zone a window instead of one beside every PTR. None for an interactive check.
   */
  serialCache?: SerialCache;
}

export type Analyse = (observations: Observations) => Analysis;

export async function runCheckWith(
  options: CheckOptions,
  analyse: Analyse,
  dependencies: CheckDependencies = {},
): Promise<CheckReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const parsed = parseIp(options.ip);
  if (parsed.notPublic !== null) return notPublicReport(parsed, parsed.notPublic, startedAt, started);
  const observed = await observe(parsed, options, dependencies);
  const observations = options.showPrivateAddresses ? observed : withoutNonPublicAddresses(observed);
  return assembleReport(
    observations,
    analyse(observations),
    startedAt,
    Math.round(performance.now() - started),
  );
}

/** The CheckReport: what DNS said (the observations) joined with what the rules make of it. */
export function assembleReport(
  observations: Observations,
  analysis: Analysis,
  checkedAt: Date,
  durationMs: number,
): CheckReport {
  return {
    ip: observations.ip,
    family: observations.family,
    reverseName: observations.reverseName,
    verdict: analysis.verdict,
    summary: analysis.summary,
    ptr: analysis.ptr,
    fcrdns: analysis.fcrdns,
    forward: observations.forward,
    helo: analysis.helo,
    owner: analysis.owner,
    smtp: analysis.smtp,
    resolvers: observations.resolvers,
    authority: observations.authority,
    negativeCache: analysis.negativeCache,
    blocklists: analysis.blocklists,
    provider: analysis.provider,
    receivers: analysis.receivers,
    problems: analysis.problems,
    fixSteps: analysis.fixSteps,
    checkedAt: checkedAt.toISOString(),
    durationMs,
  };
}

/**
 * Everything DNS says about the address, asked concurrently, within the whole-check deadline
 * (CheckOptions.deadlineMs, default DEADLINE_TIMEOUTS per-question timeouts; deadline.ts). At
 * the deadline the check stops waiting and reports what it has: every answer still open is a
 * timeout ("could not tell"), and `deadline` in the observations says what was cut.
 */
export async function observe(
  parsed: ParsedIp,
  options: CheckOptions,
  dependencies: CheckDependencies = {},
): Promise<Observations> {
  const deadline = startDeadline(options.deadlineMs ?? defaultDeadlineMs(options.timeoutMs));
  const progress: Progress = { resolvers: [], authority: undefined, forward: new Map() };
  // A little after the deadline itself: questions bounded by it end there and the work usually
  // finishes on its own, with its own (richer) account; this only catches what did not.
  const cut = afterDeadline(deadline, DEADLINE_GRACE_MS);
  try {
    const done = await Promise.race([
      observeWithin(parsed, options, dependencies, deadline, progress),
      cut.passed,
    ]);
    const observations = done ?? snapshot(progress, deadline, options);
    const stopped = done === null || deadline.cut.length > 0;
    return stopped
      ? { ...observations, deadline: { ms: deadline.ms, unanswered: [...deadline.cut] } }
      : observations;
  } finally {
    cut.cancel();
  }
}

/** `transport`, telling `onQuestion` of each question it asks (unchanged without one). */
function counting(transport: DnsTransport, onQuestion: ((server: string) => void) | undefined): DnsTransport {
  if (onQuestion === undefined) return transport;
  return (question) => {
    onQuestion(question.server);
    return transport(question);
  };
}

/** The backstop timer fires this long after the deadline (well inside the promised 100 ms). */
const DEADLINE_GRACE_MS = 25;

async function observeWithin(
  parsed: ParsedIp,
  options: CheckOptions,
  dependencies: CheckDependencies,
  deadline: Deadline,
  progress: Progress,
): Promise<Observations> {
  const resolvers = normaliseServers(
    options.resolvers.length > 0 ? options.resolvers : (dependencies.systemResolvers ?? systemResolvers)(),
  );
  const authorities = normaliseServers(options.authorities);
  progress.parsed = parsed;
  progress.resolverServers = resolvers;
  progress.authorityServers = authorities;
  const queryOptions: QueryOptions = {
    transport: deadlineTransport(counting(dependencies.transport ?? query, options.onQuestion), deadline),
    timeoutMs: options.timeoutMs,
    retries: options.retries ?? 1,
  };
  const forwardByName = new Map<string, Promise<ForwardLookup>>();
  const forward = (name: string) => {
    const key = forwardKey(name);
    let lookup = forwardByName.get(key);
    if (lookup === undefined) {
      lookup = lookupAddresses(key, parsed.family, parsed.ip, resolvers, queryOptions);
      void lookup.then((result) => progress.forward.set(key, result));
      forwardByName.set(key, lookup);
    }
    return lookup;
  };
  const ptrNames: string[] = [];
  progress.ptrNames = ptrNames;
  const seeNames = (names: string[]) => {
    for (const name of names) {
      if (!ptrNames.includes(name)) ptrNames.push(name);
      void forward(name);
    }
  };

  // What the authority work learns of the reverse zone, for the owner section (zone-seen.ts).
  const zone = zoneWaiter();
  // The sections' questions (the HELO's A/AAAA, the owner's NS/SOA and RDAP, the blocklists) go
  // out with the PTR questions.
  const sectionTransport = boundedTransport(
    counting(dependencies.transport ?? query, options.onQuestion),
    deadline,
  );
  const sections = askSections({
    ip: parsed.ip,
    family: parsed.family,
    options,
    forward,
    unanswered: unansweredLookup,
    reverseName: parsed.reverseName,
    resolvers,
    authorities,
    // The owner's NS/SOA questions: bounded by the deadline like the others' (sectionTransport),
    // so what the deadline cuts is the owner's "could not tell", never the PTR's.
    query: { ...queryOptions, transport: sectionTransport },
    // Made only when asked for: a timer per check that nobody reads costs a sweep.
    signal: () => deadlineSignal(deadline),
    zone: zone.seen,
    timeLeftMs: () => deadline.at - performance.now(),
    ask: (question) =>
      ask(sectionTransport, {
        ...question,
        recursion: true,
        timeoutMs: options.timeoutMs,
        retries: options.retries ?? 1,
      }),
    client: dependencies.transport ?? query,
  });
  progress.sections = sections;
  const resolverAnswers = Promise.all(
    resolvers.map(async (server, index) => {
      const { answer } = await askPtr(server, parsed.reverseName, true, queryOptions);
      progress.resolvers[index] = answer;
      seeNames(answer.names);
      return answer;
    }),
  );
  const authority = askAuthority({
    // Spelled out, not spread: a spread and the properties added after it gave V8 a fresh hidden
    // class per check (the same for the authority's answers in authority.ts).
    transport: queryOptions.transport,
    timeoutMs: queryOptions.timeoutMs,
    retries: queryOptions.retries,
    reverseName: parsed.reverseName,
    authorities,
    resolvers,
    authorityPort: options.authorityPort ?? 53,
    askNonPublicNameServers: options.askNonPublicNameServers === true,
    onNames: seeNames,
    // Keyed on the caller's transport, not this check's deadline wrapper (a new function per
    // check), so the checks of one zone share its discovered servers.
    zoneCache: zoneCacheFor(dependencies.transport ?? query),
    serialCache: dependencies.serialCache,
  }).then((result) => {
    progress.authority = result;
    zone.see(result);
    return result;
  });
  const [resolverResults, authorityResult] = await Promise.all([resolverAnswers, authority]);
  // The zone's SOA matters only when a resolver still serves a negative answer the authority
  // no longer gives (CACHED_NEGATIVE); ask for it then, alongside the forward lookups.
  const needSoa =
    authorityResult !== null &&
    authorityResult.report.soa === null &&
    authorityResult.answeredBy.length > 0 &&
    resolverResults.some((answer) => answer.status === "nxdomain" || answer.status === "nodata");
  const [forwardResults] = await Promise.all([
    Promise.all(ptrNames.map((name) => forward(name))),
    needSoa ? completeSoa(authorityResult, queryOptions) : undefined,
  ]);
  return {
    ip: parsed.ip,
    family: parsed.family,
    reverseName: parsed.reverseName,
    resolvers: resolverResults,
    authority: authorityResult?.report ?? null,
    forward: forwardResults,
    ...(await sectionAnswers(sections)),
    now: options.now?.() ?? new Date(),
  };
}

/** Validates and canonicalises host[:port] (throws InvalidInputError naming the bad one). */
function normaliseServers(servers: string[]): string[] {
  // First appearance kept, as a Set would, without building one per check (a handful of servers).
  const canonical: string[] = [];
  for (const server of servers) {
    const form = canonicalServer(server);
    if (!canonical.includes(form)) canonical.push(form);
  }
  return canonical;
}

/**
 * Canonical forms already worked out: a sweep passes the same few servers to every one of its
 * checks, and parsing them again per check showed in its CPU profile. Bounded, since a long-lived
 * process may see many; a bad server throws and is not kept.
 */
const canonicalServers = new Map<string, string>();
function canonicalServer(server: string): string {
  let canonical = canonicalServers.get(server);
  if (canonical === undefined) {
    canonical = formatServer(parseServer(server));
    if (canonicalServers.size >= 256) canonicalServers.clear();
    canonicalServers.set(server, canonical);
  }
  return canonical;
}

/** The machine's configured resolvers, as Node reads them (c-ares, from /etc/resolv.conf). */
export function systemResolvers(): string[] {
  return getServers();
}

const NOT_PUBLIC_RECEIVER: ReceiverVerdict = {
  outcome: "unknown",
  bounce: null,
  reason: "receivers never see a non-public address",
};

/** No DNS is asked for a non-public address: there is nothing a receiver could look up. */
function notPublicReport(parsed: ParsedIp, why: string, startedAt: Date, started: number): CheckReport {
  return {
    ip: parsed.ip,
    family: parsed.family,
    reverseName: parsed.reverseName,
    verdict: "fail",
    summary: `FAIL: ${why}; check the public address your mail leaves from instead.`,
    ptr: { status: "skipped", names: [] },
    fcrdns: "unknown",
    forward: [],
    helo: null,
    smtp: null,
    resolvers: [],
    authority: null,
    negativeCache: null,
    blocklists: [],
    provider: null,
    owner: NO_OWNER,
    receivers: { gmail: NOT_PUBLIC_RECEIVER, microsoft: NOT_PUBLIC_RECEIVER, yahoo: NOT_PUBLIC_RECEIVER },
    problems: [
      {
        code: "NOT_PUBLIC",
        severity: "error",
        message: `${why}.`,
        fix: "Check the public IP your mail server sends from: the address in the receiver's bounce or in the Received: header it added.",
      },
    ],
    fixSteps: [
      "Find the public IP your mail leaves from (the receiver's bounce names it, e.g. 550-5.7.25 [IP]) and check that address.",
    ],
    checkedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
}

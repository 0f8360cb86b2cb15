// The DNS half of a check: ask everything that can be asked at once, build Observations, hand
// them to the rules (analyse.ts), assemble the CheckReport. Critical path: one PTR round trip
// (resolvers and authority together; the HELO's forward lookup alongside), then one forward
// round trip (each PTR name's A/AAAA starts as soon as any server reveals the name).
import { completeSoa } from "./authority.js";
import { type CheckDependencies, type CheckRun, startRun } from "./check-run.js";
import {
  afterDeadline,
  boundedTransport,
  type Deadline,
  defaultDeadlineMs,
  startDeadline,
  unansweredLookup,
} from "./deadline.js";
import { query } from "./dns-client.js";
import { type ParsedIp, parseIp } from "./ip.js";
import { ask } from "./lookups.js";
import { type Progress, snapshot } from "./partial-observations.js";
import { withoutNonPublicAddresses } from "./private-addresses.js";
import { askResolvers, needsZoneSoa, ptrNames, startAuthority } from "./ptr-questions.js";
import { assembleReport, notPublicReport } from "./report-assembly.js";
import { askSections, sectionAnswers } from "./sections/ask.js";
import type { Analysis, CheckOptions, CheckReport, ForwardLookup, Observations } from "./types.js";
import { deadlineSignal, zoneWaiter } from "./zone-waiter.js";

// Callers that imported these from here before they had their own modules.
export type { CheckDependencies } from "./check-run.js";
export { systemResolvers } from "./check-servers.js";
export { assembleReport } from "./report-assembly.js";

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

/** The backstop timer fires this long after the deadline (well inside the promised 100 ms). */
const DEADLINE_GRACE_MS = 25;

async function observeWithin(
  parsed: ParsedIp,
  options: CheckOptions,
  dependencies: CheckDependencies,
  deadline: Deadline,
  progress: Progress,
): Promise<Observations> {
  const run = startRun(parsed, options, dependencies, deadline, progress);
  const names = ptrNames(run);
  // What the authority work learns of the reverse zone, for the owner section (zone-seen.ts).
  const zone = zoneWaiter();
  const sections = startSections(run, names.forward, zone);
  progress.sections = sections;
  const resolverAnswers = askResolvers(run, names.see);
  const authority = startAuthority(run, names.see).then((result) => {
    progress.authority = result;
    zone.see(result);
    return result;
  });
  const [resolverResults, authorityResult] = await Promise.all([resolverAnswers, authority]);
  const [forwardResults] = await Promise.all([
    names.all(),
    needsZoneSoa(authorityResult, resolverResults) ? completeSoa(authorityResult, run.query) : undefined,
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

/**
 * The sections' questions (the HELO's A/AAAA, the owner's NS/SOA and RDAP, the blocklists), sent
 * out with the PTR questions.
 */
function startSections(
  run: CheckRun,
  forward: (name: string) => Promise<ForwardLookup>,
  zone: ReturnType<typeof zoneWaiter>,
): ReturnType<typeof askSections> {
  const { parsed, options, deadline } = run;
  const sectionTransport = boundedTransport(run.counted, deadline);
  return askSections({
    ip: parsed.ip,
    family: parsed.family,
    options,
    forward,
    unanswered: unansweredLookup,
    reverseName: parsed.reverseName,
    resolvers: run.resolvers,
    authorities: run.authorities,
    // The owner's NS/SOA questions: bounded by the deadline like the others' (sectionTransport),
    // so what the deadline cuts is the owner's "could not tell", never the PTR's.
    query: { ...run.query, transport: sectionTransport },
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
    client: run.dependencies.transport ?? query,
  });
}

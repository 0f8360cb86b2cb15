// The whole-check deadline. `timeoutMs` bounds one question, but a check asks in sequence
// (discovery's SOA, NS and A/AAAA, the PTR, each CNAME hop at the authority, then the forward
// lookups), and an authority that answers every hop with a fresh CNAME just before the timeout
// stretched a check to 14.8 s at a 2 s timeout. The deadline bounds the whole: every question
// gets at most the time left, none is asked after it, and what is still unanswered then is
// "could not tell" (a timeout), never "no record".

import type { DnsQuestion, DnsResponse, DnsTransport } from "./dns-client.js";
import { emptyResponse } from "./dns-wire.js";
import type { ForwardLookup, Problem, PtrAnswer } from "./types.js";

/**
 * Default deadline = this many per-question timeouts. A healthy check is a handful of round
 * trips; a dead server costs one full timeout at each step that waits for every server
 * (discovery's SOA and NS questions), which the PTR questions overlap: two timeouts and the
 * round trips of the rest. Three leaves one timeout of margin and still ends a runaway chain.
 */
export const DEADLINE_TIMEOUTS = 3;

export function defaultDeadlineMs(timeoutMs: number): number {
  return DEADLINE_TIMEOUTS * timeoutMs;
}

export interface Deadline {
  /** performance.now() at which the check stops asking (moved on by pacing waits: movePastPacing). */
  at: number;
  ms: number;
  /** Questions cut short or never asked because of it ("PTR x.arpa at 127.0.0.1:5300"). */
  cut: string[];
  /** The end of the latest pacing wait already added to `at`. */
  pacedUntil: number;
  /** Hands a question's pacing wait to movePastPacing (one function per deadline, not per question). */
  onPaced: (since: number, until: number) => void;
}

export function startDeadline(ms: number): Deadline {
  const deadline: Deadline = {
    at: performance.now() + ms,
    ms,
    cut: [],
    pacedUntil: 0,
    onPaced: (since, until) => movePastPacing(deadline, since, until),
  };
  return deadline;
}

/**
 * Moves the deadline on by a wait for the sweep's own pacing (--qps: the DNS client held the
 * question's first packet back, dns-client.ts). The deadline bounds what servers make a check
 * wait; time spent in the asker's own queue is not theirs, and counting it turned a paced sweep's
 * slow turn into "could not tell". Waits overlap (a check's questions wait side by side): each
 * adds only the part after the end of the waits already added, so the deadline never moves by
 * more than the time the check spent waiting (less when waits leave gaps between them). Waits
 * are told in the order they end, which is what makes that sum safe.
 */
export function movePastPacing(deadline: Deadline, since: number, until: number): void {
  const added = until - Math.max(since, deadline.pacedUntil);
  if (added > 0) deadline.at += added;
  if (until > deadline.pacedUntil) deadline.pacedUntil = until;
}

/**
 * Resolves with null `graceMs` after the deadline, set again each time pacing has moved the
 * deadline on (movePastPacing) by then; `cancel` stops it.
 */
export function afterDeadline(
  deadline: Deadline,
  graceMs: number,
): { passed: Promise<null>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<null>((resolve) => {
    const arm = () => {
      const left = deadline.at - performance.now();
      if (left <= 0) resolve(null);
      else timer = setTimeout(arm, Math.ceil(left) + graceMs);
    };
    timer = setTimeout(arm, deadline.ms + graceMs);
  });
  return { passed, cancel: () => clearTimeout(timer) };
}

export function deadlinePassed(deadline: Deadline): boolean {
  return performance.now() >= deadline.at;
}

export function deadlineNote(deadline: Deadline): string {
  return `no answer before the check's ${deadline.ms} ms deadline`;
}

function describeQuestion(question: DnsQuestion): string {
  return `${question.type} ${question.name} at ${question.server}`;
}

/**
 * `transport` with every question bounded by the time left: one asked after the deadline is not
 * sent at all, one that would outlast it gets only the rest, and a timeout caused by that says
 * so. Outside the DNS client, so the client's own timing is left alone.
 */
export function deadlineTransport(transport: DnsTransport, deadline: Deadline): DnsTransport {
  // Not an async function: the common case (time enough) hands back the transport's own promise,
  // where an async wrapper cost every question of a sweep a promise and two microtasks more. A
  // transport that throws still gives a rejected promise, as the async wrapper did.
  return (question) => {
    const left = Math.floor(deadline.at - performance.now());
    if (left <= 0) {
      deadline.cut.push(describeQuestion(question));
      return Promise.resolve(notAsked(question.server, deadline));
    }
    try {
      const paced = withPacing(question, deadline);
      return left >= question.timeoutMs ? transport(paced) : cutShort(transport, paced, left, deadline);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/** The question telling its pacing wait to the deadline (and to its own listener, if it has one). */
function withPacing(question: DnsQuestion, deadline: Deadline): DnsQuestion {
  const own = question.onPaced;
  return {
    name: question.name,
    type: question.type,
    server: question.server,
    recursion: question.recursion,
    timeoutMs: question.timeoutMs,
    retries: question.retries,
    onPaced:
      own === undefined
        ? deadline.onPaced
        : (since, until) => {
            deadline.onPaced(since, until);
            own(since, until);
          },
  };
}

/**
 * `transport` bounded by the deadline like deadlineTransport, without counting what it cuts as the
 * check's unanswered questions: for a section whose questions are its own "could not tell"
 * (a blocklist that does not answer in time must never make the PTR's verdict inconclusive).
 */
export function boundedTransport(transport: DnsTransport, deadline: Deadline): DnsTransport {
  return async (question) => {
    const left = Math.floor(deadline.at - performance.now());
    if (left <= 0) return notAsked(question.server, deadline);
    const paced = withPacing(question, deadline);
    const response = await transport(left >= question.timeoutMs ? paced : { ...paced, timeoutMs: left });
    return response.outcome === "timeout" && left < question.timeoutMs
      ? { ...response, error: deadlineNote(deadline) }
      : response;
  };
}

/** A question given only the `left` ms before the deadline; a timeout then says so. */
async function cutShort(
  transport: DnsTransport,
  question: DnsQuestion,
  left: number,
  deadline: Deadline,
): Promise<DnsResponse> {
  const response = await transport({ ...question, timeoutMs: left });
  if (response.outcome !== "timeout") return response;
  deadline.cut.push(describeQuestion(question));
  return { ...response, error: deadlineNote(deadline) };
}

function notAsked(server: string, deadline: Deadline): DnsResponse {
  return emptyResponse(
    server,
    "timeout",
    `not asked: the check's deadline (${deadline.ms} ms) had passed`,
    0,
    "udp",
  );
}

/** A PTR question still open at the deadline: could not tell. */
export function unansweredPtr(server: string, deadline: Deadline): PtrAnswer {
  return {
    server,
    status: "timeout",
    names: [],
    cnames: [],
    ttl: null,
    negativeTtlRemaining: null,
    rttMs: null,
    error: deadlineNote(deadline),
  };
}

/** A forward lookup with no answer (none asked yet, or still open at the deadline): could not tell. */
export function unansweredLookup(name: string): ForwardLookup {
  return { name, status: "timeout", addresses: [], cnames: [], server: null, ttl: null, confirms: false };
}

/** The DNS_ERROR of a check cut short by its deadline (an error: the verdict cannot rest on it). */
export function deadlineProblem(deadline: { ms: number; unanswered: string[] }): Problem {
  const shown = deadline.unanswered.slice(0, 3);
  const more = deadline.unanswered.length > 3 ? ` and ${deadline.unanswered.length - 3} more` : "";
  const open = shown.length > 0 ? ` with questions still open (${shown.join("; ")}${more})` : "";
  return {
    code: "DNS_ERROR",
    severity: "error",
    message: `The check stopped at its deadline of ${deadline.ms} ms${open}. What it learned is reported; what it could not learn in time is "could not tell", not "no record".`,
    fix: "Check again. If it keeps running out of time, a server on the way answers too slowly or hands out CNAME after CNAME: the reverse zone's owner must look at it. --deadline gives a check more time.",
  };
}

// What the DNS client tells an observer after each question, so metrics can count queries by
// outcome and time them without src/check knowing any metrics library. A client takes one
// `onQuery` callback in its options; the process-wide default client (`query`) calls every
// listener added here with `addQueryListener`.
import type { DnsQuestion, DnsResponse } from "./dns-types.js";

/**
 * How one question ended, in the words a dashboard wants: an answer with data ("answer"), a
 * negative answer (NXDOMAIN, or NODATA: NOERROR with nothing of the type asked), an error rcode
 * (SERVFAIL, REFUSED; other error rcodes count as servfail, as the report does), no answer in
 * time ("timeout"), a UDP answer cut short ("truncated": the question goes on over TCP and is
 * reported again with how that ended), a server this host could not reach at all (ICMP port
 * unreachable, no route: "refused", as the report calls it), or a local failure ("error").
 */
export type QueryOutcome =
  | "answer"
  | "nxdomain"
  | "nodata"
  | "servfail"
  | "refused"
  | "timeout"
  | "truncated"
  | "error";

export interface QueryEvent {
  /** host:port as the question named it. */
  server: string;
  /** The name asked (lets a benchmark or test tell one address's questions from another's). */
  name: string;
  type: DnsQuestion["type"];
  outcome: QueryOutcome;
  /** From the first send to the answer or the give-up, seconds (time queued for a slot excluded). */
  seconds: number;
  transport: "udp" | "tcp";
}

export type QueryObserver = (event: QueryEvent) => void;

/** The outcome label of a finished exchange. */
export function classifyOutcome(response: DnsResponse, type: DnsQuestion["type"]): QueryOutcome {
  switch (response.outcome) {
    case "timeout":
      return "timeout";
    case "unreachable":
      return "refused";
    case "error":
      return "error";
    default:
      break;
  }
  if (response.truncated && response.transport === "udp") return "truncated";
  switch (response.rcode) {
    case "NOERROR":
      return response.answers.some((record) => record.type === type || record.type === "CNAME")
        ? "answer"
        : "nodata";
    case "NXDOMAIN":
      return "nxdomain";
    case "REFUSED":
      return "refused";
    default:
      return "servfail";
  }
}

const listeners = new Set<QueryObserver>();

/** Hears every question the default client (`query`) finishes; returns the way to stop. */
export function addQueryListener(listener: QueryObserver): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The default client's observer: every listener, each shielded from the others' throws. */
export function notifyQueryListeners(event: QueryEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // An observer's bug must never fail a DNS question.
    }
  }
}

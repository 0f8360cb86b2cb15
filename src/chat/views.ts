// What a delivered message carries of a check report: the fields its renderers read, no more.
// A delivery job is JSON in Redis until a worker posts it, so the whole report on every parent
// update and notice is bytes no one shows. The projections are in src/render/views.ts; renderers
// are typed on these views, so one that reads a field a view lacks does not compile.
import type { AuthorityReport, CheckReport, ForwardLookup, HeloReport, PtrAnswer } from "../check/types.js";

/** One server's PTR answer as shown: its round-trip time is for logs, not messages. */
export type PtrAnswerView = Omit<PtrAnswer, "rttMs">;

/**
 * A PTR name's forward lookup as shown. The server and its TTL stay: they are the check's evidence
 * for a broken pair's let-go, and the thread's report is where a reader finds them.
 */
export type ForwardView = Omit<ForwardLookup, "cnames">;

/** The authority as shown: its SOA is already in `negativeCache` as the renderers read it. */
export type AuthorityView = Omit<AuthorityReport, "answers" | "soa"> & {
  answers: Array<PtrAnswerView & { serial?: number | null }>;
};

/** The HELO facts as shown; the HELO name's own lookup is behind `resolves` / `resolvesToIp`. */
export type HeloView = Omit<HeloReport, "lookup">;

/** A report message's view (the thread's report, cleared, still failing, a watch notice). */
export type ReportView = Omit<CheckReport, "resolvers" | "authority" | "forward" | "helo"> & {
  resolvers: PtrAnswerView[];
  authority: AuthorityView | null;
  forward: ForwardView[];
  helo: HeloView | null;
};

/**
 * The one-line parent update (Slack's and the console's "verdict" message): the line and the
 * buttons under it (the re-check button carries the HELO name).
 */
export type VerdictView = Pick<CheckReport, "ip" | "verdict" | "summary"> & {
  helo: { name: string } | null;
};

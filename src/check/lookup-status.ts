// Outcome of one DNS question and which outcomes are answers: the one definition the check, the
// poll, the host lookup and the re-check policy share (re-exported by types.ts).

/** Outcome of one DNS question, kept apart so a failure is never mistaken for "no record". */
export type LookupStatus = "found" | "nxdomain" | "nodata" | "servfail" | "timeout" | "refused";

/**
 * Which statuses are answers (RFC 2308 negative answers included); the others mean "could not
 * tell". A Record, so a new status is a compile error until it is placed here: the one definition
 * the check, the poll, the host lookup and the re-check policy share.
 */
const IS_CONCLUSIVE: Record<LookupStatus, boolean> = {
  found: true,
  nxdomain: true,
  nodata: true,
  servfail: false,
  timeout: false,
  refused: false,
};

/** The statuses that are answers; the others mean "could not tell". */
export const CONCLUSIVE_STATUSES: ReadonlySet<LookupStatus> = new Set(
  (Object.keys(IS_CONCLUSIVE) as LookupStatus[]).filter((status) => IS_CONCLUSIVE[status]),
);

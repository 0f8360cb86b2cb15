// A watch whose reverse zone's name servers disagree for long (issue 29), decided without Redis
// or a clock: the watch state records since when (the first check that saw the disagreement),
// the thread hears once when it has lasted AUTHORITY_LAG_ALERT_MINUTES, and once when it ends.
// A secondary stuck behind the primary's serial is a zone transfer that stopped working (NOTIFY
// lost, IXFR/AXFR refused: RFC 1996, 1995, 5936); a short lag after each change is normal and
// not worth a message.
import { serverLabel } from "../src/check/authority-lag.js";
import type { CheckReport } from "../src/check/types.js";

/** Since when this watch's checks have seen the zone's servers disagree, and whether it was said. */
export interface WatchLag {
  since: string;
  alerted: boolean;
}

export interface LagDecision {
  /** The state to keep (null: they agree). */
  lag: WatchLag | null;
  /** The notice's text, when the thread hears something now. */
  text: string | null;
}

/** "62 min", or "under a minute" (tests run with a threshold of seconds). */
function lastedWords(fromIso: string, toIso: string): string {
  const minutes = Math.floor(Math.max(0, Date.parse(toIso) - Date.parse(fromIso)) / 60_000);
  return minutes < 1 ? "under a minute" : `${minutes} min`;
}

function answerWords(status: string, names: string[]): string {
  return status === "found"
    ? `PTR ${names.join(", ")}`
    : status === "nxdomain" || status === "nodata"
      ? '"no PTR"'
      : status;
}

/** "127.0.0.1:5302 has served serial 1 for 62 min while 127.0.0.1:5301 serves 2: ...". */
export function lagLastsText(report: CheckReport, since: string): string | null {
  const disagreement = report.authority?.disagreement ?? null;
  if (disagreement === null) return null;
  const lasted = lastedWords(since, report.checkedAt);
  const label = (server: string) => serverLabel(report.authority, server);
  const newest = disagreement.newest.map(label).join(", ");
  if (disagreement.kind === "lag") {
    const behind = disagreement.others.map(
      (other) =>
        `${label(other.server)} has served serial ${other.serial ?? "?"} for ${lasted} while ${newest} ${disagreement.newest.length === 1 ? "serves" : "serve"} ${disagreement.serial ?? "?"}: its zone transfers may be broken. Receivers whose resolvers ask it are told ${answerWords(other.status, other.names)}, fresh from it and not from a cache`,
    );
    return `${report.ip}: ${behind.join("; ")}.`;
  }
  const servers = [...disagreement.newest, ...disagreement.others.map((other) => other.server)]
    .map(label)
    .join(", ");
  return `${report.ip}: the reverse zone's name servers ${servers} have answered differently at the same version for ${lasted} (a split-brain zone): receivers get one answer or the other. The zone should be reloaded from its primary on every server.`;
}

/**
 * The watch's lag state after this (conclusive) check, and what its thread hears: once when the
 * disagreement has lasted `alertMs`, once when it ends after having been said; nothing for a
 * lag that ends before it was worth a message.
 */
export function planWatchLag(
  before: WatchLag | null | undefined,
  report: CheckReport,
  alertMs: number,
): LagDecision {
  const disagrees = (report.authority?.disagreement ?? null) !== null;
  if (!disagrees) {
    if (before?.alerted !== true) return { lag: null, text: null };
    const serial = report.authority?.serial;
    return {
      lag: null,
      text: `${report.ip}: the reverse zone's name servers agree again${serial === null || serial === undefined ? "" : ` (serial ${serial})`}, after ${lastedWords(before.since, report.checkedAt)} of disagreement.`,
    };
  }
  const since = before?.since ?? report.checkedAt;
  if (before?.alerted === true) return { lag: { since, alerted: true }, text: null };
  const lasted = Date.parse(report.checkedAt) - Date.parse(since);
  if (lasted < alertMs) return { lag: { since, alerted: false }, text: null };
  return { lag: { since, alerted: true }, text: lagLastsText(report, since) };
}

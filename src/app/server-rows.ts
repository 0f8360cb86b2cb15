// The servers page's rows: one per watched address, grouped by channel and watch, built from
// what the store holds (watches, each channel's last state per IP, and the row facts of the last
// check of each IP made with a watch's parameters: src/store/report-rows.ts).
// Pure: src/app/load-servers.ts reads the store, this decides what each row says.
import ipaddr from "ipaddr.js";
import type { StatusRow } from "../chat/types.js";
import type { HistoryEntry } from "../store/history.js";
import {
  blocklistRowsOf,
  heloRowOf,
  ownerRowOf,
  type ReportRow,
  reportRowKey,
  smtpRowOf,
} from "../store/report-rows.js";
import { rowOfState } from "../store/watch-states.js";
import { sameHelo, type WatchRecord, type WatchState } from "../store/watches.js";

/** "pending": watched, but no check has finished yet. */
export type RowVerdict = StatusRow["verdict"];

/** A row of GET /api/servers (docs/operations.md); the page, the CSV and `/rdns status` show the same. */
export type ServerRow = StatusRow;

export interface ChannelSnapshot {
  channel: string;
  watches: WatchRecord[];
  /** ip -> what the channel last saw. */
  states: ReadonlyMap<string, WatchState>;
  /** The channel's watches are paused (absent: running). */
  paused?: boolean;
}

export interface ServersSnapshot {
  channels: ChannelSnapshot[];
  /**
   * reportRowKey(ip, HELO) -> the row facts of the last check of the IP made with that HELO (or
   * none) as the watches checking that way see it (workers/watch-notice.ts watchView).
   */
  reports: ReadonlyMap<string, ReportRow>;
}

/** Sort key for addresses: IPv4 before IPv6, then numeric order. */
export function ipSortKey(ip: string): string {
  try {
    const bytes = ipaddr.parse(ip).toByteArray();
    return `${bytes.length === 4 ? "4" : "6"}${bytes.map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
  } catch {
    return `9${ip}`;
  }
}

function uniqueCodes(report: ReportRow): string[] {
  return [...new Set(report.problems.map((problem) => problem.code))].sort();
}

/**
 * One row. `row` is the row facts of the last check made with the watch's parameters (a
 * CheckReport is one too), kept under its own key (src/store/report-rows.ts); the state's own
 * facts (`facts`, what a watch run keeps) stand in for it unless it is newer. It speaks when it is at least as new as the channel's state (the state
 * skips inconclusive results, the report does not: "could not tell" is shown as such) and was
 * made with the watch's HELO (a check someone ran with another HELO, or none, does not speak for
 * this watch); otherwise the state's verdict and names stand, with what only a report knows unknown.
 */
export function buildRow(
  channel: string,
  watch: string | Pick<WatchRecord, "target" | "helo" | "everyMs" | "mutedUntil">,
  ip: string,
  state: WatchState | undefined,
  row: ReportRow | undefined,
  paused = false,
): ServerRow {
  const record = typeof watch === "string" ? { target: watch, helo: null } : watch;
  const everySeconds = typeof watch === "string" || !watch.everyMs ? null : Math.round(watch.everyMs / 1000);
  const mutedUntil = typeof watch === "string" ? null : (watch.mutedUntil ?? null);
  const watchHelo = record.helo ?? null;
  const stateAt = state?.checkedAt ?? "";
  const heloUnknown = watchHelo === null ? null : { name: watchHelo, matchesPtr: null, resolvesToIp: null };
  const fits = (facts: ReportRow | undefined): facts is ReportRow =>
    facts !== undefined &&
    facts.checkedAt >= stateAt &&
    (watchHelo === null || sameHelo(watchHelo, facts.helo?.name ?? null));
  // The state's own facts (what a watch run keeps), unless a row key holds a newer check of the
  // address (a person's check, or a run that could not tell).
  const fromState = rowOfState(state);
  const report =
    fits(row) && (fromState === undefined || row.checkedAt > fromState.checkedAt) ? row : fromState;
  const reportFits = fits(report);
  // Each row is one object literal, not a spread of shared fields plus more: V8 builds `{ ...base,
  // more }` through a slow path, about 3 us a row against 0.05 (3 ms a request at 1,024 rows).
  if (report !== undefined && reportFits) {
    const row: ServerRow = {
      ip,
      watch: record.target,
      channel,
      since: state?.since ?? null,
      paused,
      everySeconds,
      mutedUntil,
      ptr: report.ptr.names,
      fcrdns: report.fcrdns,
      helo: heloRowOf(report.helo),
      owner: ownerRowOf(report.owner),
      verdict: report.verdict,
      problems: uniqueCodes(report),
      checkedAt: report.checkedAt,
      blocklists: blocklistRowsOf(report.blocklists),
    };
    // Only a probing watch's rows carry the greeting (added, not spread: see above).
    if (report.smtp) row.smtp = smtpRowOf(report.smtp);
    return row;
  }
  if (state !== undefined) {
    return {
      ip,
      watch: record.target,
      channel,
      since: state.since ?? null,
      paused,
      everySeconds,
      mutedUntil,
      ptr: state.names,
      fcrdns: "unknown",
      helo: heloUnknown,
      owner: null,
      verdict: state.verdict,
      problems: state.problems ?? [],
      checkedAt: state.checkedAt ?? null,
      blocklists: [],
    };
  }
  return {
    ip,
    watch: record.target,
    channel,
    since: null,
    paused,
    everySeconds,
    mutedUntil,
    ptr: [],
    fcrdns: "unknown",
    helo: heloUnknown,
    owner: null,
    verdict: "pending",
    problems: [],
    checkedAt: null,
    blocklists: [],
  };
}

/**
 * Addresses in ipSortKey order. Each key is made once, not twice per comparison: a /24 sorted
 * with ipaddr.js parses in the comparator cost milliseconds per request at 1,024 addresses.
 */
export function sortIps(ips: readonly string[]): string[] {
  return ips
    .map((ip) => ({ ip, key: ipSortKey(ip) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ ip }) => ip);
}

/** Every row: channels in name order, each channel's watches in the order they were added, IPs in numeric order. */
export function buildServerRows(snapshot: ServersSnapshot): ServerRow[] {
  const rows: ServerRow[] = [];
  for (const { channel, watches, states, paused = false } of [...snapshot.channels].sort((a, b) =>
    a.channel.localeCompare(b.channel),
  )) {
    for (const watch of watches) {
      for (const ip of sortIps(watch.ips))
        rows.push(
          buildRow(
            channel,
            watch,
            ip,
            states.get(ip),
            snapshot.reports.get(reportRowKey(ip, watch.helo)),
            paused,
          ),
        );
    }
  }
  return rows;
}

/** The key a row's history is found under (src/app/load-servers.ts fills the map). */
export function historyKey(channel: string, ip: string): string {
  return `${channel}\t${ip}`;
}

export type Histories = ReadonlyMap<string, HistoryEntry[]>;

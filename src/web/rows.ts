// The servers page's rows: one per watched address, grouped by channel and watch, built from
// what the store holds (watches, each channel's last state per IP, the last report per IP).
// Pure: src/web/load.ts reads the store, this decides what each row says.
import ipaddr from "ipaddr.js";
import type { CheckReport, FcrdnsResult, Verdict } from "../check/types.js";
import type { HistoryEntry } from "../store/history.js";
import type { WatchRecord, WatchState } from "../store/watches.js";

/** "pending": watched, but no check has finished yet. */
export type RowVerdict = Verdict | "pending";

/** A row of GET /api/servers (docs/operations.md); the page and the CSV show the same. */
export interface ServerRow {
  ip: string;
  /** The watch's target as typed (an IP or a range). */
  watch: string;
  /** The channel key, `<platform>:<channel id>`. */
  channel: string;
  ptr: string[];
  fcrdns: FcrdnsResult;
  helo: { name: string; matchesPtr: boolean | null; resolvesToIp: boolean | null } | null;
  verdict: RowVerdict;
  problems: string[];
  /** When the current state began (the last change in the history), ISO 8601; null before the first check. */
  since: string | null;
  /** When the address was last checked, ISO 8601; null before the first check. */
  checkedAt: string | null;
}

export interface ChannelSnapshot {
  channel: string;
  watches: WatchRecord[];
  /** ip -> what the channel last saw. */
  states: ReadonlyMap<string, WatchState>;
}

export interface ServersSnapshot {
  channels: ChannelSnapshot[];
  /** ip -> last report (any check of the IP: a watch run or someone's command). */
  reports: ReadonlyMap<string, CheckReport>;
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

function uniqueCodes(report: CheckReport): string[] {
  return [...new Set(report.problems.map((problem) => problem.code))].sort();
}

/**
 * One row. The last report speaks when it is at least as new as the channel's state (the state
 * skips inconclusive results, the report does not: "could not tell" is shown as such); otherwise
 * (the report expired) the state's verdict and names stand, with what only a report knows unknown.
 */
export function buildRow(
  channel: string,
  watch: string,
  ip: string,
  state: WatchState | undefined,
  report: CheckReport | undefined,
): ServerRow {
  const since = state?.since ?? null;
  const stateAt = state?.checkedAt ?? "";
  if (report !== undefined && report.checkedAt >= stateAt) {
    return {
      ip,
      watch,
      channel,
      ptr: report.ptr.names,
      fcrdns: report.fcrdns,
      helo:
        report.helo === null
          ? null
          : {
              name: report.helo.name,
              matchesPtr: report.helo.matchesPtr,
              resolvesToIp: report.helo.resolvesToIp,
            },
      verdict: report.verdict,
      problems: uniqueCodes(report),
      since,
      checkedAt: report.checkedAt,
    };
  }
  if (state !== undefined) {
    return {
      ip,
      watch,
      channel,
      ptr: state.names,
      fcrdns: "unknown",
      helo: null,
      verdict: state.verdict,
      problems: state.problems ?? [],
      since,
      checkedAt: state.checkedAt ?? null,
    };
  }
  return {
    ip,
    watch,
    channel,
    ptr: [],
    fcrdns: "unknown",
    helo: null,
    verdict: "pending",
    problems: [],
    since: null,
    checkedAt: null,
  };
}

/** Every row: channels in name order, each channel's watches in the order they were added, IPs in numeric order. */
export function buildServerRows(snapshot: ServersSnapshot): ServerRow[] {
  const rows: ServerRow[] = [];
  for (const { channel, watches, states } of [...snapshot.channels].sort((a, b) =>
    a.channel.localeCompare(b.channel),
  )) {
    for (const watch of watches) {
      const ips = [...watch.ips].sort((a, b) => ipSortKey(a).localeCompare(ipSortKey(b)));
      for (const ip of ips)
        rows.push(buildRow(channel, watch.target, ip, states.get(ip), snapshot.reports.get(ip)));
    }
  }
  return rows;
}

/** The key a row's history is found under (src/web/load.ts fills the map). */
export function historyKey(channel: string, ip: string): string {
  return `${channel}\t${ip}`;
}

export type Histories = ReadonlyMap<string, HistoryEntry[]>;

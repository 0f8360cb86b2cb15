// The status service (`/rdns status [ip|range]`): the rows the servers page shows, for one
// channel: every watched address of the asked target, or per-watch counts and the non-passing
// rows for the whole channel. The rows come from the same loader and builder as GET /api/servers
// (load-servers.ts, server-rows.ts), and the attachment is the same CSV as GET /servers.csv.
import type { OutboundMessage, PlatformName, StatusWatchSummary } from "../chat/types.js";
import { readChannelHealth } from "../store/channel-health.js";
import { readWatchStates } from "../store/watch-states.js";
import { channelKey, listWatches } from "../store/watches.js";
import type { AppContext } from "./context.js";
import { readWatchRows } from "./load-servers.js";
import { buildServerRows, type ServerRow } from "./server-rows.js";
import { rowsToCsv } from "./servers-csv.js";
import type { WatchTarget } from "./targets.js";

type StatusMessage = Extract<OutboundMessage, { kind: "status" }>;

/** Per-watch counts by verdict, in the rows' order. Pure. */
export function summariseWatches(
  rows: readonly ServerRow[],
  helos: ReadonlyMap<string, string | null>,
): StatusWatchSummary[] {
  const byWatch = new Map<string, StatusWatchSummary>();
  for (const row of rows) {
    const summary = byWatch.get(row.watch) ?? {
      watch: row.watch,
      helo: helos.get(row.watch) ?? null,
      paused: row.paused,
      counts: { pass: 0, fail: 0, inconclusive: 0, pending: 0 },
    };
    summary.counts[row.verdict]++;
    byWatch.set(row.watch, summary);
  }
  return [...byWatch.values()];
}

/** The status message from a channel's rows. Pure. */
export function planStatus(
  rows: readonly ServerRow[],
  helos: ReadonlyMap<string, string | null>,
  scope: WatchTarget | null,
): StatusMessage {
  const asked = new Set(scope?.ips ?? []);
  const chosen = scope === null ? rows : rows.filter((row) => asked.has(row.ip));
  const summaries = summariseWatches(chosen, helos);
  // The whole channel: the rows worth a look (failing, could not tell, pending); one target: all.
  const shown = scope === null ? chosen.filter((row) => row.verdict !== "pass") : chosen;
  return {
    kind: "status",
    scope: scope?.label ?? null,
    summaries,
    rows: [...shown],
    passingLeftOut: chosen.length - shown.length,
    attachment: { filename: "rdns-status.csv", contentType: "text/csv", content: rowsToCsv(chosen) },
  };
}

export async function channelStatus(
  ctx: Pick<AppContext, "redis" | "keys">,
  request: { platform: PlatformName; channel: string; scope: WatchTarget | null },
): Promise<StatusMessage> {
  const { redis, keys } = ctx;
  const channel = channelKey(request.platform, request.channel);
  const [watches, states, health] = await Promise.all([
    listWatches(redis, keys, channel),
    readWatchStates(redis, keys, channel),
    readChannelHealth(redis, keys, channel),
  ]);
  const rows = buildServerRows({
    channels: [{ channel, watches, states, paused: health.pausedAt !== null }],
    reports: await readWatchRows(redis, keys, watches),
  });
  return planStatus(rows, new Map(watches.map((watch) => [watch.target, watch.helo ?? null])), request.scope);
}

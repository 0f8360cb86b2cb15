// A person's Home (Slack App Home; docs/chat-commands.md "App Home"): the watched addresses of the
// watching channels they are in, counted, the ones that do not pass listed failing first, and
// when the newest check finished. The rows come from the loader and builder `/rdns status` and
// the servers page use (load-servers.ts, server-rows.ts), so the three never disagree.
import type { HomeRequest, HomeRow, HomeView, PlatformName } from "../chat/types.js";
import { readChannelHealth } from "../store/channel-health.js";
import { readWatchStates } from "../store/watch-states.js";
import { listWatchedChannels, listWatches } from "../store/watches.js";
import type { AppContext } from "./context.js";
import { readWatchRows } from "./load-servers.js";
import { buildServerRows, ipSortKey, type ServerRow } from "./server-rows.js";

/** Rows listed at most; the platform shows as many as its limits allow and counts the rest. */
export const HOME_ROWS = 200;

const ORDER: Record<ServerRow["verdict"], number> = { fail: 0, inconclusive: 1, pending: 2, pass: 3 };

/** The Home from the rows of the person's channels. Pure. */
export function planHome(
  channels: readonly string[],
  rows: readonly ServerRow[],
  helos: ReadonlyMap<string, string | null>,
): HomeView {
  const counts = { pass: 0, fail: 0, inconclusive: 0, pending: 0 };
  let lastRun: string | null = null;
  for (const row of rows) {
    counts[row.verdict]++;
    if (row.checkedAt !== null && (lastRun === null || row.checkedAt > lastRun)) lastRun = row.checkedAt;
  }
  const worth = rows
    .filter((row) => row.verdict !== "pass")
    .sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict] || ipSortKey(a.ip).localeCompare(ipSortKey(b.ip)));
  const listed: HomeRow[] = worth.slice(0, HOME_ROWS).map((row) => ({
    ip: row.ip,
    watch: row.watch,
    verdict: row.verdict,
    problems: row.problems,
    checkedAt: row.checkedAt,
    everySeconds: row.everySeconds,
    mutedUntil: row.mutedUntil,
    channel: row.channel.slice(row.channel.indexOf(":") + 1),
    helo: helos.get(`${row.channel}\t${row.watch}`) ?? null,
  }));
  return {
    channels: [...channels],
    counts,
    addresses: rows.length,
    lastRun,
    rows: listed,
    unlisted: worth.length - listed.length,
  };
}

/** The channels of `platform` that watch something, as ids. */
async function watchingChannels(
  ctx: Pick<AppContext, "redis" | "keys">,
  platform: PlatformName,
): Promise<string[]> {
  const prefix = `${platform}:`;
  return (await listWatchedChannels(ctx.redis, ctx.keys))
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}

export async function homeView(
  ctx: Pick<AppContext, "redis" | "keys">,
  request: HomeRequest,
): Promise<HomeView> {
  const { redis, keys } = ctx;
  const candidates = await watchingChannels(ctx, request.platform);
  const member = await Promise.all(candidates.map((channel) => request.isMember(channel)));
  const channels = candidates.filter((_, index) => member[index]);
  const helos = new Map<string, string | null>();
  const snapshots = await Promise.all(
    channels.map(async (id) => {
      const channel = `${request.platform}:${id}`;
      const [watches, states, health] = await Promise.all([
        listWatches(redis, keys, channel),
        readWatchStates(redis, keys, channel),
        readChannelHealth(redis, keys, channel),
      ]);
      for (const watch of watches) helos.set(`${channel}\t${watch.target}`, watch.helo ?? null);
      return { channel, watches, states, paused: health.pausedAt !== null };
    }),
  );
  const rows = buildServerRows({
    channels: snapshots,
    reports: await readWatchRows(
      redis,
      keys,
      snapshots.flatMap(({ watches }) => watches),
    ),
  });
  return planHome(channels, rows, helos);
}

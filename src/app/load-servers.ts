// Reads what the servers page shows from the store: every channel's watches and states, the row
// facts of every watched IP (src/store/report-rows.ts), and (for the page, not the API) each row's
// recent history. A few round trips whatever the number of addresses: one per channel, then
// pipelines.

import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { readChannelHealths } from "../store/channel-health.js";
import { readHistories } from "../store/history.js";
import { type ReportRow, readReportRows } from "../store/report-rows.js";
import { readWatchStates } from "../store/watch-states.js";
import { listWatchedChannels, listWatches, type WatchRecord } from "../store/watches.js";
import {
  type ChannelSnapshot,
  type Histories,
  historyKey,
  type ServerRow,
  type ServersSnapshot,
} from "./server-rows.js";

export interface StoreAccess {
  redis: RedisClient;
  keys: StoreKeys;
}

/**
 * The row facts of every watched address, for the HELO each watch checks it with (a ~200-byte
 * record per address and HELO, src/store/report-rows.ts), in one round trip: not the full last
 * reports (a few KB each), which only the detail page reads, one at a time.
 */
export function readWatchRows(
  redis: RedisClient,
  keys: StoreKeys,
  watches: readonly Pick<WatchRecord, "ips" | "helo">[],
): Promise<Map<string, ReportRow>> {
  return readReportRows(
    redis,
    keys,
    watches.flatMap((watch) => watch.ips.map((ip) => ({ ip, helo: watch.helo }))),
  );
}

export async function loadSnapshot(store: StoreAccess): Promise<ServersSnapshot> {
  const { redis, keys } = store;
  const channelKeys = await listWatchedChannels(redis, keys);
  const channels: ChannelSnapshot[] = await Promise.all(
    channelKeys.map(async (channel) => {
      const [watches, states] = await Promise.all([
        listWatches(redis, keys, channel),
        readWatchStates(redis, keys, channel),
      ]);
      return { channel, watches, states };
    }),
  );
  const healths = await readChannelHealths(redis, keys, channelKeys);
  for (const snapshot of channels)
    snapshot.paused = (healths.get(snapshot.channel)?.pausedAt ?? null) !== null;
  return {
    channels: channels.filter(({ watches }) => watches.length > 0),
    reports: await readWatchRows(
      redis,
      keys,
      channels.flatMap(({ watches }) => watches),
    ),
  };
}

/** The newest `limit` history entries of each row's address in its channel. */
export async function loadHistories(
  { redis, keys }: StoreAccess,
  rows: readonly ServerRow[],
  limit: number,
): Promise<Histories> {
  const pairs = [
    ...new Map(
      rows.map((row) => [historyKey(row.channel, row.ip), { channel: row.channel, ip: row.ip }]),
    ).values(),
  ];
  const histories = await readHistories(redis, keys, pairs, limit);
  return new Map(pairs.map((pair, index) => [historyKey(pair.channel, pair.ip), histories[index] ?? []]));
}

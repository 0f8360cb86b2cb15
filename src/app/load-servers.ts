// Reads what the servers page shows from the store: every channel's watches and states, the row
// facts of every watched IP (src/store/report-rows.ts), and (for the page, not the API) each row's
// recent history. A few round trips whatever the number of addresses: one per channel, then
// pipelines.

import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { readChannelHealths } from "../store/channel-health.js";
import { readHistories } from "../store/history.js";
import { type ReportRow, readReportRows } from "../store/report-rows.js";
import { readWatchStates, readWatchStatesOf } from "../store/watch-states.js";
import { watchersOf } from "../store/watchers.js";
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

/**
 * What one address's page needs (GET /servers/<ip>): the channels whose watches hold it (the
 * IP's watcher index and the range watches, src/store/watchers.ts), each with its state of that
 * address and the address's row facts. Not every channel's watches and states: a page about one
 * address costs the same with 10 or 65,536 watched.
 */
export async function loadSnapshotOf(store: StoreAccess, ip: string): Promise<ServersSnapshot> {
  const { redis, keys } = store;
  const byChannel = new Map<string, WatchRecord[]>();
  for (const { channel, record } of await watchersOf(redis, keys, ip)) {
    // The watch as seen from this address: its other addresses are not this page's.
    const narrowed: WatchRecord = { ...record, ips: [ip] };
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), narrowed]);
  }
  const channelKeys = [...byChannel.keys()];
  const [states, healths] = await Promise.all([
    readWatchStatesOf(
      redis,
      keys,
      channelKeys.map((channel) => ({ channel, ip })),
      { owners: true },
    ),
    readChannelHealths(redis, keys, channelKeys),
  ]);
  const channels: ChannelSnapshot[] = channelKeys.map((channel, index) => {
    const state = states[index]?.state ?? null;
    return {
      channel,
      watches: byChannel.get(channel) ?? [],
      states: new Map(state === null ? [] : [[ip, state]]),
      paused: (healths.get(channel)?.pausedAt ?? null) !== null,
    };
  });
  return { channels, reports: await readWatchRows(redis, keys, [...byChannel.values()].flat()) };
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

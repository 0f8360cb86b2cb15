// Reads what the servers page shows from the store: every channel's watches and states, the last
// report of every watched IP, and (for the page, not the API) each row's recent history. A few
// round trips whatever the number of addresses: one per channel, then pipelines.
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";
import { readChannelHealths } from "../store/channel-health.js";
import { readHistories } from "../store/history.js";
import { LastReportReader } from "../store/reports.js";
import { readWatchStates } from "../store/watch-states.js";
import { listWatchedChannels, listWatches } from "../store/watches.js";
import {
  type ChannelSnapshot,
  type Histories,
  historyKey,
  type ServerRow,
  type ServersSnapshot,
} from "./server-rows.js";

export interface StoreAccess {
  redis: Redis;
  keys: StoreKeys;
}

// One report reader per store access: the web server hands the same one to every request, so an
// unchanged report is parsed once, not once per request (LastReportReader).
const readers = new WeakMap<StoreAccess, LastReportReader>();

function readerFor(store: StoreAccess): LastReportReader {
  let reader = readers.get(store);
  if (reader === undefined) {
    reader = new LastReportReader();
    readers.set(store, reader);
  }
  return reader;
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
  const ips = [...new Set(channels.flatMap(({ watches }) => watches.flatMap((watch) => watch.ips)))];
  return {
    channels: channels.filter(({ watches }) => watches.length > 0),
    reports: await readerFor(store).read(redis, keys, ips),
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

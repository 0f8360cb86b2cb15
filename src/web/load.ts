// Reads what the servers page shows from the store: every channel's watches and states, the last
// report of every watched IP, and (for the page, not the API) each row's recent history. A few
// round trips whatever the number of addresses: one per channel, then pipelines.
import type { Redis } from "ioredis";
import type { StoreKeys } from "../keys.js";
import { readHistories } from "../store/history.js";
import { getLastReports } from "../store/reports.js";
import { listWatchedChannels, listWatches, readWatchStates } from "../store/watches.js";
import {
  type ChannelSnapshot,
  type Histories,
  historyKey,
  type ServerRow,
  type ServersSnapshot,
} from "./rows.js";

export interface StoreAccess {
  redis: Redis;
  keys: StoreKeys;
}

export async function loadSnapshot({ redis, keys }: StoreAccess): Promise<ServersSnapshot> {
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
  const ips = [...new Set(channels.flatMap(({ watches }) => watches.flatMap((watch) => watch.ips)))];
  return {
    channels: channels.filter(({ watches }) => watches.length > 0),
    reports: await getLastReports(redis, keys, ips),
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

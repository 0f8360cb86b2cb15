// Every Redis key the store writes, in one place. BullMQ's own keys are `<prefix>:<queue>:...`;
// ours are `<prefix>:s:...` so they never collide.
import { ipKey } from "../queue/ids.js";

export function storeKeys(prefix: string) {
  const base = `${prefix}:s`;
  return {
    /** The last report per IP (string, JSON, with an expiry). */
    lastReport: (ip: string) => `${base}:report:${ipKey(ip)}`,
    /**
     * A de-duplication window for one IP and HELO (hash: job, state). The hash tag keeps the
     * chain's origin list, derived from it inside a Lua script, in the same cluster slot.
     */
    dedup: (ip: string, helo: string | null) => `${base}:dedup:{${ipKey(ip)}|${helo ?? ""}}`,
    /** The result of a chain's first check, for askers who arrive after it finished. */
    chainResult: (chainId: string) => `${base}:result:${chainId}`,
    /** A channel's watches (hash: target -> WatchRecord JSON). */
    watches: (channelKey: string) => `${base}:watches:${channelKey}`,
    /** Who watches one IP (set of "<channelKey>\t<target>"). */
    watchers: (ip: string) => `${base}:watchers:${ipKey(ip)}`,
    /** What a channel last saw for each watched IP (hash: ip -> WatchState JSON). */
    watchState: (channelKey: string) => `${base}:watchstate:${channelKey}`,
    /**
     * A channel's last state changes of one watched IP (list of HistoryEntry JSON, oldest first).
     * Appended by the same Lua script that writes watchState, so both must live in one cluster
     * slot: the hash tag is the watchState key's whole name (a key whose tag equals another key's
     * full name hashes to that key's slot).
     */
    watchHistory: (channelKey: string, ip: string) =>
      `${base}:history:{${base}:watchstate:${channelKey}}:${ipKey(ip)}`,
    /** Every channel that has (or once had) a watch (set of channel keys), for the servers page. */
    watchChannels: () => `${base}:watchchannels`,
    /** Set once a delivery was posted: a retried or stalled delivery job never posts twice. */
    delivered: (deliveryId: string) => `${base}:delivered:${deliveryId}`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;

// Redis key naming, in one place below the queue and the store (both import it, it imports
// neither). BullMQ's own keys are `<prefix>:<queue>:...` (src/queue/names.ts names the queues);
// the store's are `<prefix>:s:...` so they never collide.
//
// The prefix is the deployment's hash tag, `{<QUEUE_PREFIX>}` (deploymentPrefix): Redis Cluster
// hashes only the text between the first `{` and `}` of a key (Redis Cluster specification, "Hash
// tags"), so every key of one deployment lives in one slot and every Lua script, MULTI and
// BullMQ script (which BullMQ requires for a Cluster: its "Redis Cluster" guide) touches one slot.
// No key below may carry a `{` of its own before the prefix's; the ones after it do not count.

/** A readable, id-safe form of an IP for logs, Redis keys and job ids ("2001_db8__1"). */
export function ipKey(ip: string): string {
  return ip.replace(/:/g, "_");
}

/**
 * The prefix of every key of a deployment: QUEUE_PREFIX as a hash tag (`rdns` -> `{rdns}`).
 * Operators never write the braces; a prefix given with them (tests, callers that already hold
 * a deployment prefix) is kept as it is. Upgrading from keys without the tag:
 * docs/operations.md "Upgrading to hash-tagged keys".
 */
export function deploymentPrefix(queuePrefix: string): string {
  return /^\{[^{}]+\}$/.test(queuePrefix) ? queuePrefix : `{${queuePrefix}}`;
}

export function storeKeys(prefix: string) {
  const base = `${prefix}:s`;
  return {
    /** The last report per IP (string, JSON, with an expiry). */
    lastReport: (ip: string) => `${base}:report:${ipKey(ip)}`,
    /**
     * The servers page's row facts of one IP checked with one HELO name ("" for none), for the
     * watches that check it that way (string, JSON, with the last report's expiry).
     */
    reportRow: (ip: string, helo: string) => `${base}:reportrow:${ipKey(ip)}|${helo}`,
    /**
     * An RDAP network, filed under its range (`198.18.7.0/29`; one wider than a /24 or /48 for
     * the block it was found in, `198.18.0.0/15@198.18.7.0`: src/check/sections/owner/rdap-range.ts)
     * (string, JSON, expiring with the network's cache lifetime; src/store/rdap-cache.ts).
     */
    rdapNetwork: (range: string) => `${base}:rdap:${ipKey(range)}`,
    /**
     * A de-duplication window for one IP and HELO (hash: job, state; src/store/dedup-window.ts).
     * Each chain's origin list is this key plus ":<chain id>", in the same slot as every key of
     * the deployment (the prefix's hash tag), as the scripts that take both as KEYS need.
     */
    dedup: (ip: string, helo: string | null, probe = false) =>
      `${base}:dedup:${ipKey(ip)}|${helo ?? ""}${probe ? "|probe" : ""}`,
    /**
     * The result of a chain's first check (CheckReport JSON, src/store/chain-results.ts), for
     * askers who arrive after it finished.
     */
    chainResult: (chainId: string) => `${base}:result:${chainId}`,
    /**
     * Written just before each WAIT for a replica (string, expiring in a minute): the write that
     * gives the waiting connection a replication offset past every earlier write of the process
     * (src/queue/replica-wait.ts).
     */
    replicaWait: () => `${base}:replica-wait`,
    /** A channel's watches (hash: target -> WatchRecord JSON, src/store/watch-record.ts). */
    watches: (channelKey: string) => `${base}:watches:${channelKey}`,
    /** Held while one command announces a watch (opens its thread), so it is announced once. */
    watchAnnouncement: (channelKey: string, target: string) =>
      `${base}:watchannounce:${channelKey}|${target}`,
    /**
     * Each of a channel's watches as its block's prefix bits (hash: target -> "4|<bits>",
     * src/store/watch-prefixes.ts): the cap is counted from these, not from every address.
     */
    watchPrefixes: (channelKey: string) => `${base}:watchprefixes:${channelKey}`,
    /**
     * A channel's watch targets, in a sorted set whose scores are all 0 so it is ordered by the
     * text (src/store/watch-targets.ts): autocomplete's prefix reads (ZRANGEBYLEX) stay O(log n).
     */
    watchTargets: (channelKey: string) => `${base}:watchtargets:${channelKey}`,
    /** Every channel's watches' prefixes (hash: "<channelKey>\t<target>" -> prefix), for the metric. */
    allWatchPrefixes: () => `${base}:watchprefixes-all`,
    /**
     * Every range watch of every channel (set of "<channelKey>\t<target>"): who watches an IP
     * inside a range is found here, while single addresses have their own `watchers` entry.
     */
    rangeWatches: () => `${base}:rangewatches`,
    /** One run of a watch split into chunks: chunks left and tallies (hash), for its baseline. */
    watchRun: (runId: string) => `${base}:watchrun:${runId}`,
    /** The chunk jobs of a run already counted (set), so a re-run chunk is counted once. */
    watchRunCounted: (runId: string) => `${base}:watchrun:${runId}:counted`,
    /** The non-passing addresses of a baseline run (hash: ip -> one line's facts as JSON). */
    watchRunFindings: (runId: string) => `${base}:watchrun:${runId}:findings`,
    /**
     * A run's changed addresses waiting for its last chunk (hash: delivery id -> summary row JSON;
     * src/store/run-notices.ts), dropped once the run's messages are queued.
     */
    watchRunRows: (runId: string) => `${base}:watchrun:${runId}:rows`,
    /**
     * The whole notices of a run's first few changes per thread (hash: delivery id -> DeliveryJob
     * JSON), sent as they are when a thread has no more; dropped with the rows.
     */
    watchRunNotices: (runId: string) => `${base}:watchrun:${runId}:notices`,
    /** The delivery ids ever collected for a run (set): a chunk run again after the run ended adds none. */
    watchRunNoticed: (runId: string) => `${base}:watchrun:${runId}:noticed`,
    /**
     * A muted watch's notices waiting for its window to end (hash: delivery id -> DeliveryJob
     * JSON; src/store/held-notices.ts), summed up in its thread then.
     */
    heldNotices: (channelKey: string, target: string) => `${base}:held:${channelKey}:${target}`,
    /** Who watches one IP (set of "<channelKey>\t<target>"). */
    watchers: (ip: string) => `${base}:watchers:${ipKey(ip)}`,
    /** What a channel last saw for each watched IP (hash: ip -> WatchState JSON). */
    watchState: (channelKey: string) => `${base}:watchstate:${channelKey}`,
    /**
     * Who controls the PTRs of each block (/24, /64) of a channel's watched addresses (hash:
     * block -> owner JSON, src/store/watch-owners.ts): a state whose owner is its block's leaves
     * it out. Deleted with the channel's last watch.
     */
    watchOwners: (channelKey: string) => `${base}:watchowners:${channelKey}`,
    /**
     * One re-check chain (hash: ip, helo, originsKey, origins, state open|ended, reason, by, next).
     * Kept after the chain ends, so a second "stop" hears "already ended" instead of "unknown".
     */
    chain: (chainId: string) => `${base}:chainreg:${chainId}`,
    /** The open chains of one IP (set of chain ids), for `/rdns stop <ip>` and "cleared" by any check. */
    chainsOfIp: (ip: string) => `${base}:chainreg:ip:${ipKey(ip)}`,
    /** Every open chain in the registry (set of chain ids): its SCARD is the O(1) count of open chains. */
    registeredChains: () => `${base}:chainreg:open`,
    /**
     * A channel's last state changes of one watched IP (list of HistoryEntry JSON, oldest first).
     * Appended by the same Lua script that writes watchState: both are in the deployment's slot.
     */
    watchHistory: (channelKey: string, ip: string) => `${base}:history:${channelKey}:${ipKey(ip)}`,
    /** Every channel that has (or once had) a watch (set of channel keys), for the servers page. */
    watchChannels: () => `${base}:watchchannels`,
    /**
     * A watching channel's delivery health (hash: failures, pausedAt): permanent "channel gone"
     * failures in a row, and when its watches were paused (src/app/paused-watches.ts).
     */
    channelHealth: (channelKey: string) => `${base}:channelhealth:${channelKey}`,
    /** Set once a delivery was posted: a retried or stalled delivery job never posts twice. */
    delivered: (deliveryId: string) => `${base}:delivered:${deliveryId}`,
    /**
     * Held (with a short expiry its process keeps renewing) while a process consumes a delivery
     * route of its own, e.g. one console's session (src/queue/delivery-routes.ts).
     */
    deliveryRoute: (platform: string, route: string) => `${base}:route:${platform}:${route}`,
    /**
     * A test-mail address's token (string, MailToken JSON with the address's expiry,
     * src/store/mail-tokens.ts): the thread that asked for it.
     */
    mailToken: (token: string) => `${base}:mailtoken:${token}`,
    /**
     * A pub/sub channel, not a key: a check worker whose result a full Redis refused tells the
     * bot processes here (PUBLISH is allowed when full), src/app/storage-full-notices.ts.
     */
    storageFullChannel: `${base}:storage-full`,
    /**
     * A pub/sub channel, not a key: a channel's watches or their states changed (a command, a
     * watch's notice posted), so every bot process refreshes what shows them (Slack's App Home),
     * src/app/watch-changes.ts. Its messages are channel keys (`slack:C0123`).
     */
    watchChangedChannel: `${base}:watch-changed`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;

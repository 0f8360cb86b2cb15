// The typed job contract between producers (commands, the check worker) and the workers.
// Job data is JSON in Redis: plain fields only, no Dates or class instances.
import type { Origin, OutboundMessage, PlatformName, ReplyAddress } from "../chat/types.js";
import type { PollTarget } from "../check/poll.js";
import type { ForwardLookup, LookupStatus } from "../check/types.js";

/** "poll": a poll of the authority, shared by every open chain of the IP and HELO (workers/poll.ts). */
export type CheckReason = "command" | "paste" | "recheck" | "watch" | "poll";

export interface CheckJob {
  ip: string;
  helo: string | null;
  /**
   * Threads that get the result, as known when the job was made (the first asker). Everyone who
   * asks later in the de-duplication window is added to the Redis list `originsKey`; the worker
   * answers the union of both.
   */
  origins: Origin[];
  /** The chain's list of origins in Redis (src/store/dedup-window.ts); null for watch runs. */
  originsKey: string | null;
  reason: CheckReason;
  /** Re-checks already run in this chain (0 for the first check). */
  recheck: number;
  /** Re-checks in a row that were scheduled right after a cache expiry (see workers/recheck.ts). */
  quickRechecks: number;
  /** When the failure was first seen (ISO 8601), null while nothing failed. */
  firstFailureAt: string | null;
  /** The "still failing after 24 h" notice was sent in this chain. */
  stillFailingSent: boolean;
  /** The id of the first job of the chain: re-check and delivery ids derive from it. */
  chainId: string;
  /** When the person asked (ISO 8601). */
  requestedAt: string;
  /**
   * For a poll: what to ask, and when the chain's last full check ran (ISO 8601). `seen` is what
   * each resolver served at that check (its status, names and time left in its cache), so the
   * poll that sees the fix can say when each cache lets go without asking the resolvers again.
   * `confirm` makes the job the one look at the resolvers after the fix was seen (workers/poll.ts).
   */
  poll?: { target: PollTarget; lastFullAt: string; seen?: ResolverSeen[]; confirm?: FixConfirm };
  /**
   * DNS questions this chain has asked so far (full checks, its share of polls, confirmations),
   * for the "cleared" notice. Absent in jobs queued before it was counted.
   */
  questions?: number;
  /** When a poll saw the fix at the authority (ISO 8601), for the "cleared" notice. */
  fixSeenAt?: string;
  /**
   * The check also probes the IP's port 25 (`/rdns probe`): its SMTP greeting, EHLO and
   * STARTTLS (src/check/sections/smtp). A chain's re-checks keep it. Absent: no probe.
   */
  probe?: boolean;
}

/** One resolver's PTR answer at the chain's last full check, kept small for the poll's data. */
export interface ResolverSeen {
  server: string;
  status: LookupStatus;
  names: string[];
  /** A found PTR's TTL as the resolver returned it: the time left in its cache (RFC 1035 7.3). */
  ttl: number | null;
  /** A negative answer's SOA TTL from the resolver: the time left in its cache (RFC 2308 5). */
  negativeTtlRemaining: number | null;
  /**
   * Its A/AAAA answers for PTR names at that check (`ttl`: the time left in its cache), which
   * time a broken pair's let-go. Absent when the check holds none from it (the full check keeps
   * the first conclusive resolver's answer per name) and in jobs queued before it was kept.
   */
  forward?: ForwardSeen[];
  /** When it was observed (ISO 8601). */
  at: string;
}

/** One resolver's A/AAAA answer for a PTR name, kept small for the poll's data. */
export type ForwardSeen = Pick<
  ForwardLookup,
  "name" | "status" | "addresses" | "privateAddresses" | "ttl" | "confirms"
>;

/** The one look at the resolvers after the fix was seen: which to ask, and when the fix was seen. */
export interface FixConfirm {
  /** The resolvers still holding the old answer at the last observation (or not observed). */
  resolvers: string[];
  fixSeenAt: string;
}

/** A run of one channel watch: split into chunks by workers/watch.ts. */
export interface WatchRunJob {
  kind: "run";
  /** The channel key (src/store/watches.ts channelKey) and the watch's target. */
  channel: string;
  target: string;
}

/** Up to WATCH_CHUNK_SIZE addresses of one run, checked in one job. */
export interface WatchChunkJob {
  kind: "chunk";
  channel: string;
  target: string;
  /** The run's id (the run job's id): chunk ids and the run's tallies derive from it. */
  runId: string;
  /** This chunk's place in the run; a retry of inconclusive addresses keeps it. */
  index: number;
  /** 1 for the first try of these addresses; each retry of the inconclusive ones adds 1. */
  attempt: number;
  ips: string[];
  /** The watch's HELO name, checked with every address (null: none). */
  helo: string | null;
  /** The watch probes: every address's SMTP greeting is read too (absent: no probe). */
  probe?: boolean;
  /** The run posts the watch's baseline when its last chunk ends. */
  baseline: boolean;
  /**
   * The run's change notices are collected and sent when its last chunk ends, as one summary per
   * watch thread when more than a few changed (workers/watch-summary.ts). Absent (a watch of a
   * few addresses, or a chunk queued by an older version): each notice goes out at once.
   */
  summary?: boolean;
}

/**
 * The latest a run's collected notices wait: queued with the run, delayed past its last chunk's
 * start and retries, it sends what was collected when a chunk never ends (workers/watch-summary.ts).
 */
export interface WatchRunEndJob {
  kind: "run-end";
  channel: string;
  target: string;
  runId: string;
}

/** A watch's maintenance window ends (`/rdns mute`): its held notices are summed up in its thread. */
export interface WatchUnmuteJob {
  kind: "unmute";
  channel: string;
  target: string;
  /** The window's end this job was queued for: a window changed since makes it a no-op. */
  until: string;
}

export type WatchJob = WatchRunJob | WatchChunkJob | WatchUnmuteJob | WatchRunEndJob;

/** Where one delivery goes, on one platform. */
export type DeliveryTarget =
  | { op: "reply"; thread: ReplyAddress }
  | { op: "update"; target: ReplyAddress }
  | { op: "post"; channel: string };

export interface DeliveryJob {
  /** Derived from the check and the target (src/queue/ids.ts); also the job id. */
  deliveryId: string;
  platform: PlatformName;
  target: DeliveryTarget;
  message: OutboundMessage;
  /**
   * The watching channel (src/store/watches.ts channelKey) when this delivery is a watch's: its
   * "channel gone" failures are counted toward pausing the channel's watches.
   */
  watchChannel?: string;
}

/** The first job of a chain, as a command or paste makes it. */
export function newCheckJob(
  fields: Pick<CheckJob, "ip" | "helo" | "origins" | "reason" | "originsKey" | "probe"> & {
    chainId: string;
    now?: Date;
  },
): CheckJob {
  return {
    ip: fields.ip,
    helo: fields.helo,
    origins: fields.origins,
    originsKey: fields.originsKey,
    reason: fields.reason,
    recheck: 0,
    quickRechecks: 0,
    firstFailureAt: null,
    stillFailingSent: false,
    chainId: fields.chainId,
    requestedAt: (fields.now ?? new Date()).toISOString(),
    ...(fields.probe === true ? { probe: true } : {}),
  };
}

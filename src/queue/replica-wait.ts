// Waiting for a replica to hold a request's writes before the asker is told anything
// (docs/operations.md "What replication still can lose"). Redis replicates asynchronously: a
// primary killed right after a write may take it with it, and Sentinel then promotes a replica
// that never saw it.
import { Cluster, type Redis } from "ioredis";
import type { RedisClient } from "../redis-client.js";
import { followPrimarySwitches, stopFollowingPrimarySwitches } from "./sentinel-switch.js";

/** How long a round waits for a replica to acknowledge (Redis WAIT's timeout). */
export const REPLICA_WAIT_MS = 500;

/**
 * WAIT (https://redis.io/docs/latest/commands/wait/) blocks the connection it is sent on, and
 * Redis answers a connection's commands in order. Sent on the process's shared connection once
 * per request, right after a failover (a new primary with no replica yet) each WAIT ran its full
 * timeout one after the other: 100 requests queued during the failover held that connection, and
 * every store write and job behind them, for 100 x 0.5 s, and the first answer came ~53 s after
 * the kill (docs/operations.md "Sentinel and Cluster"). So a waiter has its own connection and
 * sends rounds, never more than one at a time: a caller joins the next round, which starts when
 * the one in flight ends, so any number of callers wait at most two rounds.
 *
 * WAIT covers the writes its own connection made (the connection's replication offset after its
 * last write, Redis's `c->woff`). Each round therefore writes a marker first (`SET ... PX`): the
 * replication stream is one sequence, so the marker's offset is past every write the primary
 * executed before it, from any connection, including the callers' (they had their replies before
 * they asked).
 */
export class ReplicaWaiter {
  private running: Promise<number> | null = null;
  private queued: Promise<number> | null = null;

  constructor(
    private readonly connection: Redis,
    private readonly markerKey: string,
    private readonly timeoutMs = REPLICA_WAIT_MS,
  ) {}

  /** Resolves with how many replicas acknowledged (0 when none did within the timeout). */
  wait(): Promise<number> {
    if (this.running === null) {
      this.running = this.round().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // Written before this call, so possibly after the running round's marker: the next round.
    this.queued ??= this.running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.queued = null;
        return this.wait();
      });
    return this.queued;
  }

  private async round(): Promise<number> {
    const [, acknowledged] = await Promise.all([
      this.connection.set(this.markerKey, String(Date.now()), "PX", 60_000),
      this.connection.wait(1, this.timeoutMs),
    ]);
    return acknowledged;
  }
}

/** One waiter per shared connection, on a duplicate of it that closes when it does. */
const waiters = new WeakMap<Redis, ReplicaWaiter>();

function waiterOf(redis: Redis, markerKey: string): ReplicaWaiter {
  let waiter = waiters.get(redis);
  if (waiter === undefined) {
    const connection = redis.duplicate();
    // The shared connection reports the same failures; this one only has to keep reconnecting.
    connection.on("error", () => undefined);
    followPrimarySwitches(connection);
    redis.once("end", () => {
      stopFollowingPrimarySwitches(connection);
      connection.disconnect();
    });
    waiter = new ReplicaWaiter(connection, markerKey);
    waiters.set(redis, waiter);
  }
  return waiter;
}

/**
 * Holds until one replica has every write this process made so far, or REPLICA_WAIT_MS passed
 * (with no replica left after a failover, the request goes on rather than stalling). Only for
 * Sentinel deployments: one server has no replica to wait for, and a Cluster connection has no
 * single node to ask. Resolves with how many replicas acknowledged, or null when there is none
 * to ask.
 */
export async function waitForReplicas(redis: RedisClient, markerKey: string): Promise<number | null> {
  if (redis instanceof Cluster || (redis.options.sentinels ?? []).length === 0) return null;
  return waiterOf(redis, markerKey).wait();
}

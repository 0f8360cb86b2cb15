// A request waits for a replica (src/queue/replica-wait.ts) without holding the process's shared
// connection, and any number of requests at once wait at most two rounds: after a failover the
// new primary has no replica, and 100 requests each running WAIT's 0.5 s one after the other on
// the shared connection silenced the bot for ~50 s (docs/operations.md "Sentinel and Cluster").
// Real redis-server and redis-sentinel processes (test/support/redis-servers.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { storeKeys } from "../../../src/keys.js";
import { createRedis } from "../../../src/queue/connection.js";
import { REPLICA_WAIT_MS, waitForReplicas } from "../../../src/queue/replica-wait.js";
import type { RedisClient } from "../../../src/redis-client.js";
import { type SentinelSet, startSentinelSet } from "../../support/redis-servers.js";
import { uniquePrefix } from "../engine/support.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("waiting for a replica", () => {
  const marker = storeKeys(uniquePrefix("replica-wait")).replicaWait();
  let servers: SentinelSet;
  let client: RedisClient;

  beforeAll(async () => {
    servers = await startSentinelSet(1000);
    client = createRedis(loadConfig({ REDIS_SENTINELS: servers.sentinelList }).redis, "client");
    await client.ping();
    // The waiter's own connection is opened on first use: open it before anything is measured.
    expect(await waitForReplicas(client, marker)).toBe(1);
  }, 60_000);
  afterAll(async () => {
    await client?.quit();
    await servers?.stop();
  });

  it("covers writes the shared connection made: it waits while the replica is stopped", async () => {
    servers.replica.child.kill("SIGSTOP");
    let stopped = true;
    try {
      await client.set("{replica-wait}:k", "v1");
      const started = Date.now();
      const waiting = waitForReplicas(client, marker).then((acknowledged) => ({
        acknowledged,
        at: Date.now(),
      }));
      await sleep(200);
      servers.replica.child.kill("SIGCONT");
      stopped = false;
      // A WAIT on a connection that wrote nothing returns at once; the round's marker write
      // makes it wait for the replica to catch up past the shared connection's write.
      const { acknowledged, at } = await waiting;
      expect(acknowledged).toBe(1);
      expect(at - started).toBeGreaterThanOrEqual(190);
      const replica = createRedis(`redis://127.0.0.1:${servers.replica.port}`, "client");
      try {
        expect(await replica.get("{replica-wait}:k")).toBe("v1");
      } finally {
        replica.disconnect();
      }
    } finally {
      if (stopped) servers.replica.child.kill("SIGCONT");
    }
  });

  it("with no replica, 100 requests at once wait two rounds and the shared connection stays free", async () => {
    servers.replica.child.kill("SIGKILL");
    await new Promise((resolve) => servers.replica.child.once("exit", resolve));
    // The primary notices the replica gone when its socket closes.
    const primary = createRedis(`redis://127.0.0.1:${servers.primary.port}`, "client");
    try {
      for (let i = 0; i < 50 && /connected_slaves:[1-9]/.test(await primary.info("replication")); i++)
        await sleep(100);
    } finally {
      primary.disconnect();
    }
    const started = Date.now();
    const waits = Array.from({ length: 100 }, () => waitForReplicas(client, marker));
    await sleep(50);
    const pingStarted = Date.now();
    await client.ping();
    const pingMs = Date.now() - pingStarted;
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 100 }, () => 0));
    const elapsed = Date.now() - started;
    // One WAIT after another would be 100 x 0.5 s; two rounds are 1 s, plus a loaded machine.
    expect(elapsed).toBeLessThan(2 * REPLICA_WAIT_MS + 1000);
    expect(elapsed).toBeGreaterThanOrEqual(2 * REPLICA_WAIT_MS - 20);
    expect(pingMs, "the shared connection waits for no WAIT").toBeLessThan(REPLICA_WAIT_MS / 2);
    process.stdout.write(
      `[measure] replica wait: 100 requests with no replica waited ${elapsed} ms in all; a PING meanwhile ${pingMs} ms\n`,
    );
  });
});

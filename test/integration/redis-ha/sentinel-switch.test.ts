// A primary that hangs (SIGSTOP: its sockets stay open, nothing fails) is failed over by the
// Sentinels; the process's connections hear +switch-master and move to the new primary at once
// (src/queue/sentinel-switch.ts) instead of waiting on the old one until their commands time out.
// Real redis-server and redis-sentinel processes (test/support/redis-servers.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createRedis } from "../../../src/queue/connection.js";
import type { RedisClient } from "../../../src/redis-client.js";
import { type SentinelSet, startSentinelSet } from "../../support/redis-servers.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a primary that hangs", () => {
  let servers: SentinelSet;
  let client: RedisClient;
  let stopped = false;

  beforeAll(async () => {
    servers = await startSentinelSet(1000);
    client = createRedis(loadConfig({ REDIS_SENTINELS: servers.sentinelList }).redis, "client");
    client.on("error", () => undefined);
    await client.set("{switch}:before", "1");
  }, 60_000);
  afterAll(async () => {
    if (stopped) servers?.primary.child.kill("SIGCONT");
    client?.disconnect();
    await servers?.stop();
  });

  it("is left for the new primary as soon as the Sentinels name it", async () => {
    const oldPrimary = servers.primary.port;
    servers.primary.child.kill("SIGSTOP");
    stopped = true;
    const sentAt = Date.now();
    // Sent to the hung primary: it waits there until the connection moves (then it is resent).
    const written = client.incr("{switch}:n").then(() => Date.now());
    let switchedAt = 0;
    for (const deadline = Date.now() + 20_000; switchedAt === 0 && Date.now() < deadline; ) {
      const port = await servers.primaryPort().catch(() => oldPrimary);
      if (port !== oldPrimary) switchedAt = Date.now();
      else await sleep(100);
    }
    expect(switchedAt, "the Sentinels named a new primary").toBeGreaterThan(0);
    // Without following +switch-master the command would wait for the client's 30 s timeout.
    const writtenAt = await written;
    expect(writtenAt - switchedAt).toBeLessThan(1500);
    const newPrimary = createRedis(`redis://127.0.0.1:${await servers.primaryPort()}`, "client");
    try {
      expect(await newPrimary.get("{switch}:n")).toBe("1");
    } finally {
      newPrimary.disconnect();
    }
    process.stdout.write(
      `[measure] hung primary: new one named ${switchedAt - sentAt} ms after the hang, the write answered ${writtenAt - switchedAt} ms after that\n`,
    );
  }, 60_000);
});

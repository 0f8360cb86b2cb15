// The engine on a real three-primary Redis Cluster (test/support/redis-servers.ts): the console
// end to end while `redis-cli --cluster reshard` moves the deployment's slot to another primary
// in the middle of a watch run. Nothing is lost: every command is answered once, the watch's run
// counts every address once and its baseline is posted once. (The whole console suite runs on a
// Cluster with `npm run test:cluster`; this file is its representative in the CI suite.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createRedis } from "../../../src/queue/connection.js";
import { readRedisFullness } from "../../../src/queue/redis-memory.js";
import { type Runtime, startRuntime } from "../../../src/runtime.js";
import { type ClusterSet, startCluster } from "../../support/redis-servers.js";
import { labSettings, logger, RecordingPlatform } from "../engine/support.js";

const COMMANDS = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Redis Cluster", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("cluster", { watchIntervalMs: 2000 });
  let cluster: ClusterSet;
  let runtime: Runtime;

  beforeAll(async () => {
    cluster = await startCluster();
    runtime = await startRuntime({
      config: loadConfig({ REDIS_CLUSTER_NODES: cluster.nodeList }),
      logger,
      bot: true,
      worker: true,
      settings,
      platforms: [platform],
    });
  }, 60_000);
  afterAll(async () => {
    await runtime?.stop();
    await cluster?.stop();
  });

  it("loses nothing while the deployment's slot moves to another primary during a watch run", async () => {
    const tagKey = `${settings.prefix}:any`;
    const owner = await cluster.ownerOf(tagKey);
    const watch = await platform.command(["watch", "203.0.113.0/28"], "C-watch");
    if (watch === null) throw new Error("no watch thread");
    // Every slot of the owner moves (so the deployment's does), while the first run goes on
    // and commands keep arriving.
    const target = (owner.index + 1) % 3;
    const reshardStart = Date.now();
    let reshardEnd = 0;
    const resharding = cluster.reshard(owner.index, target, owner.slots).then(() => {
      reshardEnd = Date.now();
    });
    const threads: Awaited<ReturnType<RecordingPlatform["command"]>>[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      threads.push(await platform.command([`203.0.113.${100 + i}`], `C-${i}`));
      await sleep(50);
    }
    await resharding;
    expect((await cluster.ownerOf(tagKey)).index).toBe(target);
    const answers = (thread: string) =>
      platform.in(thread).filter((m) => m.message.kind === "report" || m.message.kind === "could-not-tell");
    await platform.waitFor(
      () => threads.every((origin) => origin !== null && answers(origin.thread).length > 0),
      60_000,
    );
    const baselines = () => platform.in(watch.thread).filter((m) => m.message.kind === "watch-baseline");
    await platform.waitFor(() => baselines().length === 1, 30_000);
    await sleep(5000); // more runs on the moved slot: nothing more may be posted
    expect(threads.map((origin) => answers(origin?.thread ?? "").length)).toEqual(threads.map(() => 1));
    expect(baselines()).toHaveLength(1);
    const watchStart = platform.in(watch.thread, "post")[0]?.at ?? 0;
    process.stdout.write(
      `[measure] reshard of ${owner.slots} slots: ${reshardEnd - reshardStart} ms; watch thread opened ${watchStart - reshardStart} ms, baseline posted ${(baselines()[0]?.at ?? 0) - reshardStart} ms after the reshard began\n`,
    );
    const baseline = baselines()[0]?.message;
    if (baseline?.kind !== "watch-baseline") throw new Error("no baseline");
    expect(baseline.pass + baseline.fail + baseline.inconclusive).toBe(16);
    expect(platform.in(watch.thread).filter((m) => m.message.kind === "watch-change")).toEqual([]);
  }, 150_000);

  it("reads the memory of the primary holding the deployment's slot, not of any node", async () => {
    const owner = await cluster.ownerOf(`${settings.prefix}:any`);
    const probe = createRedis(loadConfig({ REDIS_CLUSTER_NODES: cluster.nodeList }).redis, "probe");
    probe.on("error", () => undefined);
    await new Promise((resolve) => probe.once("ready", resolve));
    const config = (index: number) =>
      createRedis(`redis://127.0.0.1:${cluster.nodes[index]?.port}`, "client");
    const fill = async (index: number, maxmemory: string) => {
      const node = config(index);
      try {
        await node.config("SET", "maxmemory-policy", "noeviction");
        await node.config("SET", "maxmemory", maxmemory);
      } finally {
        node.disconnect();
      }
    };
    try {
      // Every other primary full: the deployment's still takes writes.
      for (const index of [0, 1, 2].filter((i) => i !== owner.index)) await fill(index, "1");
      for (let i = 0; i < 10; i++) expect(await readRedisFullness(probe, settings.prefix)).toBeNull();
      // The deployment's primary full: said, naming it.
      await fill(owner.index, "1");
      expect(await readRedisFullness(probe, settings.prefix)).toBe(
        `full (used_memory >= maxmemory, noeviction) on 127.0.0.1:${cluster.nodes[owner.index]?.port}`,
      );
    } finally {
      for (const index of [0, 1, 2]) await fill(index, "0");
      probe.disconnect();
    }
  });
});

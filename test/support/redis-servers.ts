// Real redis-server and redis-sentinel processes on loopback ports, in temporary folders, for the
// failover and cluster tests and benches: a primary with a replica watched by three Sentinels,
// or a three-primary Redis Cluster made with `redis-cli --cluster create`. Never port 6379.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.js";

const run = promisify(execFile);

export interface RedisProcess {
  port: number;
  child: ChildProcess;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], {
    timeout: 10_000,
  });
  return stdout.trim();
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startProcess(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"] });
  child.on("error", () => undefined);
  return child;
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Ends every process (SIGKILL: nothing to save) and removes the folder. */
async function teardown(processes: ChildProcess[], dir: string): Promise<void> {
  for (const child of processes)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(processes.map(stopped));
  await rm(dir, { recursive: true, force: true });
}

async function startServer(dir: string, name: string, extra: string[]): Promise<RedisProcess> {
  const port = await freePort();
  const home = join(dir, name);
  await run("mkdir", ["-p", home]);
  const child = startProcess("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    home,
    "--save",
    "",
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    ...extra,
  ]);
  await until(`redis-server on ${port}`, async () => (await cli(port, "PING")) === "PONG");
  return { port, child };
}

export interface SentinelSet {
  primary: RedisProcess;
  replica: RedisProcess;
  sentinels: RedisProcess[];
  name: string;
  /** REDIS_SENTINELS for the bot. */
  sentinelList: string;
  /** The port of the server the Sentinels name as primary now. */
  primaryPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A primary and a replica, watched by three Sentinels with a quorum of two. `downAfterMs` is how
 * long the primary must be silent before it is failed over (Sentinel's down-after-milliseconds).
 */
export async function startSentinelSet(downAfterMs = 1000): Promise<SentinelSet> {
  const dir = await mkdtemp(join(tmpdir(), "rdns-sentinel-"));
  const processes: ChildProcess[] = [];
  try {
    const primary = await startServer(dir, "primary", []);
    processes.push(primary.child);
    const replica = await startServer(dir, "replica", ["--replicaof", "127.0.0.1", String(primary.port)]);
    processes.push(replica.child);
    await until("the replica in sync", async () =>
      /master_link_status:up/.test(await cli(replica.port, "INFO", "replication")),
    );
    const name = "mymaster";
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = join(dir, `sentinel-${i}.conf`);
      await writeFile(
        file,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          "",
        ].join("\n"),
      );
      const child = startProcess("redis-sentinel", [file]);
      processes.push(child);
      await until(`redis-sentinel on ${port}`, async () => (await cli(port, "PING")) === "PONG");
      sentinels.push({ port, child });
    }
    // Every Sentinel knows the replica and the other Sentinels before a test may kill anything.
    await until("the Sentinels to know each other and the replica", async () => {
      for (const sentinel of sentinels) {
        const info = await cli(sentinel.port, "SENTINEL", "MASTER", name);
        const field = (key: string) => Number(new RegExp(`${key}\\n(\\d+)`).exec(info)?.[1]);
        if (field("num-slaves") < 1 || field("num-other-sentinels") < 2) return false;
      }
      return true;
    });
    return {
      primary,
      replica,
      sentinels,
      name,
      sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(","),
      primaryPort: async () =>
        Number(
          (await cli(sentinels[0]?.port ?? 0, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)).split("\n")[1],
        ),
      stop: () => teardown(processes, dir),
    };
  } catch (error) {
    await teardown(processes, dir);
    throw error;
  }
}

export interface ClusterSet {
  nodes: RedisProcess[];
  /** REDIS_CLUSTER_NODES for the bot. */
  nodeList: string;
  /** Moves `slots` slots from one primary to another with `redis-cli --cluster reshard`. */
  reshard(fromIndex: number, toIndex: number, slots: number): Promise<void>;
  /** The index (in `nodes`) of the primary serving `key`'s slot, and how many slots it has. */
  ownerOf(key: string): Promise<{ index: number; slots: number }>;
  stop(): Promise<void>;
}

/** Three primaries (no replicas) covering all 16384 slots, made by `redis-cli --cluster create`. */
export async function startCluster(): Promise<ClusterSet> {
  const dir = await mkdtemp(join(tmpdir(), "rdns-cluster-"));
  const processes: ChildProcess[] = [];
  try {
    const nodes: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      // The bus port is given (cluster-port): port + 10000 may be past 65535 for a random port.
      const busPort = await freePort();
      const node = await startServer(dir, `node-${i}`, [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        join(dir, `node-${i}`, "nodes.conf"),
        "--cluster-port",
        String(busPort),
        "--cluster-node-timeout",
        "2000",
      ]);
      processes.push(node.child);
      nodes.push(node);
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run(
      "redis-cli",
      ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"],
      {
        timeout: 60_000,
      },
    );
    await until("cluster_state:ok on every node", async () => {
      for (const node of nodes)
        if (!/cluster_state:ok/.test(await cli(node.port, "CLUSTER", "INFO"))) return false;
      return true;
    });
    const nodeId = async (index: number) => cli(nodes[index]?.port ?? 0, "CLUSTER", "MYID");
    return {
      nodes,
      nodeList: addresses.join(","),
      reshard: async (fromIndex, toIndex, slots) => {
        await run(
          "redis-cli",
          [
            "--cluster",
            "reshard",
            addresses[0] ?? "",
            "--cluster-from",
            await nodeId(fromIndex),
            "--cluster-to",
            await nodeId(toIndex),
            "--cluster-slots",
            String(slots),
            "--cluster-yes",
          ],
          { timeout: 120_000 },
        );
      },
      ownerOf: async (key) => {
        const slot = Number(await cli(nodes[0]?.port ?? 0, "CLUSTER", "KEYSLOT", key));
        // CLUSTER NODES: "<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slots...>"
        for (const line of (await cli(nodes[0]?.port ?? 0, "CLUSTER", "NODES")).split("\n")) {
          const fields = line.split(" ");
          const port = Number(/:(\d+)@/.exec(fields[1] ?? "")?.[1]);
          const ranges = fields.slice(8).filter((range) => /^\d+(-\d+)?$/.test(range));
          const bounds = ranges.map((range) => range.split("-").map(Number) as [number, number?]);
          const count = bounds.reduce((sum, [from, to]) => sum + (to ?? from) - from + 1, 0);
          if (bounds.some(([from, to]) => slot >= from && slot <= (to ?? from)))
            return { index: nodes.findIndex((node) => node.port === port), slots: count };
        }
        throw new Error(`no node serves slot ${slot}`);
      },
      stop: () => teardown(processes, dir),
    };
  } catch (error) {
    await teardown(processes, dir);
    throw error;
  }
}

// Runs a command against a fresh three-primary Redis Cluster on loopback (test/support/
// redis-servers.ts), with TEST_REDIS_CLUSTER_NODES naming its nodes, then removes the cluster.
//   npm run test:cluster     # the whole console end-to-end suite on a Cluster
//   tsx scripts/with-redis-cluster.ts npx vitest run --project integration <files>
import { spawn } from "node:child_process";
import { startCluster } from "../test/support/redis-servers.js";

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write("usage: tsx scripts/with-redis-cluster.ts <command> [args...]\n");
  process.exit(64);
}
const cluster = await startCluster();
process.stderr.write(`Redis Cluster on ${cluster.nodeList}\n`);
const { REDIS_URL: _unused, ...env } = process.env;
const code = await new Promise<number>((resolve) => {
  const child = spawn(command, args, {
    stdio: "inherit",
    env: { ...env, TEST_REDIS_CLUSTER_NODES: cluster.nodeList },
  });
  child.on("exit", (status, signal) => resolve(status ?? (signal === null ? 1 : 128)));
});
await cluster.stop();
process.exit(code);

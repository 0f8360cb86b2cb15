// What a benchmark leaves in Redis under its own prefix, removed: its queues, then every key.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

export async function removeBenchPrefix(
  redis: Redis,
  prefix: string,
  queueNames: readonly string[],
): Promise<void> {
  for (const name of queueNames) {
    const queue = new Queue(name, { connection: redis, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

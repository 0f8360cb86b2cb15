// Whether the Redis the bot stores its chains and watches in keeps them across its own restart.
// With neither AOF nor RDB snapshots, a Redis restart (an upgrade, a container recreated, an OOM
// kill) starts empty: every open re-check chain, watch, de-dup window and queued job is gone and
// nothing says so. docs/operations.md "Redis persistence" says why AOF is the recommended setting.

import type { Logger } from "../log.js";
import type { RedisClient } from "../redis-client.js";

export type Persistence =
  | { known: true; aof: boolean; rdb: boolean }
  /** CONFIG refused (managed Redis often renames or disables it) and INFO did not settle it. */
  | { known: false; reason: string };

/**
 * Reads `CONFIG GET appendonly` and `CONFIG GET save` (an empty `save` is no RDB snapshots,
 * redis.conf). A Redis that refuses CONFIG is asked `INFO persistence`: `aof_enabled:1` settles it;
 * otherwise whether snapshots are scheduled cannot be told from INFO.
 */
export async function readPersistence(redis: RedisClient): Promise<Persistence> {
  try {
    const [, appendonly] = (await redis.call("CONFIG", "GET", "appendonly")) as string[];
    const [, save] = (await redis.call("CONFIG", "GET", "save")) as string[];
    if (appendonly === undefined || save === undefined) throw new Error("CONFIG GET answered nothing");
    return { known: true, aof: appendonly === "yes", rdb: save.trim() !== "" };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    try {
      const info = await redis.info("persistence");
      if (/^aof_enabled:1\r?$/m.test(info)) return { known: true, aof: true, rdb: false };
    } catch {
      // INFO refused too: the CONFIG error says enough.
    }
    return { known: false, reason };
  }
}

/**
 * One log line at start-up: a warning when a Redis restart would lose chains and watches, a quiet
 * note when the settings could not be read (readiness is never affected: the bot works, it only
 * forgets on a Redis restart).
 */
export async function warnIfNotPersistent(redis: RedisClient, logger: Logger): Promise<Persistence> {
  const persistence = await readPersistence(redis);
  if (!persistence.known) {
    logger.info(
      { reason: persistence.reason },
      'could not tell whether Redis keeps data across a restart (CONFIG GET refused); docs/operations.md "Redis persistence"',
    );
  } else if (!persistence.aof && !persistence.rdb) {
    logger.warn(
      { appendonly: "no", save: "" },
      'Redis keeps nothing on disk (no AOF, no RDB): a Redis restart loses every re-check chain, watch and queued job; set appendonly yes, appendfsync everysec (docs/operations.md "Redis persistence")',
    );
  }
  return persistence;
}

// Upgrading a deployment that ran before every key carried the hash tag `{QUEUE_PREFIX}`
// (src/keys.ts): its keys are `rdns:...`, this version reads `{rdns}:...`. At start-up, before any
// worker or front end runs, each old key is renamed to its tagged name, so watches, open chains,
// queued and scheduled jobs carry over (docs/operations.md "Upgrading to hash-tagged keys").
//
// RENAMENX never overwrites: a key already present under the tagged name is left beside its old
// one and counted. Two processes starting at once both walk the old keys; the loser of a rename
// finds the old key gone ("no such key") and moves on, so each key is renamed once. A second start
// finds nothing to do. Values are kept as they are: BullMQ keeps job ids, never key names, in its
// hashes, lists and sorted sets, and the store's values hold ids and channel keys.
//
// One server or a Sentinel-managed primary only: a Cluster deployment never had untagged keys (a
// script over keys of different slots is refused there), and RENAME across slots is refused too.
import type { Redis } from "ioredis";

/** What a migration did: keys renamed, and old keys kept because the tagged name was taken. */
export interface KeyMigration {
  renamed: number;
  kept: string[];
}

/**
 * The tagged name of a key written before the tag. Two store keys also changed shape: a dedup
 * window (and its chains' origin lists) had its own tag `{<ip>|<helo>}`, a watch's history the tag
 * `{<prefix>:s:watchstate:<channel>}`; both are in the deployment's slot now without them.
 */
export function taggedKeyOf(oldKey: string, queuePrefix: string): string {
  const rest = oldKey.slice(queuePrefix.length + 1);
  const dedup = /^s:dedup:\{([^{}]*)\}(.*)$/.exec(rest);
  if (dedup) return `{${queuePrefix}}:s:dedup:${dedup[1]}${dedup[2]}`;
  const history = new RegExp(
    `^s:history:\\{${escapeRegExp(queuePrefix)}:s:watchstate:([^{}]*)\\}:(.*)$`,
  ).exec(rest);
  if (history) return `{${queuePrefix}}:s:history:${history[1]}:${history[2]}`;
  return `{${queuePrefix}}:${rest}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

/**
 * Renames every `<queuePrefix>:*` key to its tagged name. `tagged` is the deployment prefix the
 * process runs on; a prefix that is not a tag (tests on their own untagged prefix) has nothing
 * older to take over.
 */
export async function migrateUntaggedKeys(redis: Redis, tagged: string): Promise<KeyMigration> {
  const result: KeyMigration = { renamed: 0, kept: [] };
  const match = /^\{([A-Za-z0-9_-]+)\}$/.exec(tagged);
  if (match === null) return result;
  const queuePrefix = match[1] as string;
  // QUEUE_PREFIX has no ':' nor glob characters (src/config.ts), so this matches this deployment's
  // old keys only: `rdns-b:...` of another deployment does not start with `rdns:`.
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.renamenx(key, taggedKeyOf(key, queuePrefix));
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, value], index) => {
      if (error !== null) {
        // Renamed meanwhile by another process starting at the same time.
        if (/no such key/i.test(error.message)) return;
        throw error;
      }
      if (value === 1) result.renamed++;
      else result.kept.push(keys[index] as string);
    });
  } while (cursor !== "0");
  return result;
}

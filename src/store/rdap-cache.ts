// RDAP networks kept in Redis (the owner section's network, src/check/sections/owner/rdap.ts), so
// every worker shares what one looked up and a registry is asked once per network per
// RDAP_CACHE_SECONDS, not once per check. A network is filed under its own range and answers an
// address only inside that range, the smallest filed network holding the address answering it
// (src/check/sections/owner/rdap-range.ts: a customer's /29 inside its provider's /15 is not
// overwritten by the /15, whichever was found first; a network wider than a /24 or /48 is filed
// for the block it was found in). One MGET of the keys that could hold the address (33 for
// IPv4, 129 for IPv6), all under the deployment's hash tag (src/keys.ts), so one slot on a
// Cluster. A record that fails its schema is treated as absent (it is a cache).

import { z } from "zod";
import {
  type CachedNetwork,
  contains,
  RDAP_CACHE_SECONDS,
  type RdapCache,
  rdapBlock,
  rdapLookupKeys,
  rdapRangeKey,
} from "../check/sections/owner/rdap.js";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";

const cachedSchema = z.object({
  start: z.string(),
  end: z.string(),
  network: z.object({
    name: z.string().nullable(),
    org: z.string().nullable(),
    abuse: z.string().nullable(),
    source: z.literal("rdap"),
  }),
});

/** The block a wide network is filed for (src/check/sections/owner/rdap-range.ts): an address's /24 or /48. */
export { rdapBlock, rdapLookupKeys, rdapRangeKey };

function parse(text: string | null): CachedNetwork | null {
  if (text === null) return null;
  try {
    const parsed = cachedSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function redisRdapCache(redis: RedisClient, keys: Pick<StoreKeys, "rdapNetwork">): RdapCache {
  return {
    async get(ip) {
      const texts = await redis.mget(rdapLookupKeys(ip).map((key) => keys.rdapNetwork(key)));
      for (const text of texts) {
        const entry = parse(text);
        if (entry !== null && contains(entry, ip)) return entry.network;
      }
      return undefined;
    },
    async set(ip: string, entry: CachedNetwork) {
      const key = keys.rdapNetwork(rdapRangeKey(entry, ip));
      await redis.set(key, JSON.stringify(entry), "EX", RDAP_CACHE_SECONDS);
    },
  };
}

// RDAP networks kept in Redis (the owner section's network, src/check/sections/owner/rdap.ts), so
// every worker shares what one looked up and a registry is asked once per network per
// RDAP_CACHE_SECONDS, not once per check. A network is filed under the block of the address it
// was asked for (/24 IPv4, /48 IPv6): the next address of that block finds it and uses it when
// the network holds that address (a smaller network simply gets asked again; a watched /16 is
// 256 look-ups a day at most). A record that
// fails its schema is treated as absent (it is a cache).

import { z } from "zod";
import {
  type CachedNetwork,
  contains,
  RDAP_CACHE_SECONDS,
  type RdapCache,
  rdapBlock,
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

/** The block an address is filed under (src/check/sections/owner/rdap.ts): its /24 or /48. */
export { rdapBlock };

export function redisRdapCache(redis: RedisClient, keys: Pick<StoreKeys, "rdapNetwork">): RdapCache {
  return {
    async get(ip) {
      const text = await redis.get(keys.rdapNetwork(rdapBlock(ip)));
      if (text === null) return undefined;
      let parsed: ReturnType<typeof cachedSchema.safeParse>;
      try {
        parsed = cachedSchema.safeParse(JSON.parse(text));
      } catch {
        return undefined;
      }
      return parsed.success && contains(parsed.data, ip) ? parsed.data.network : undefined;
    },
    async set(ip: string, entry: CachedNetwork) {
      await redis.set(keys.rdapNetwork(rdapBlock(ip)), JSON.stringify(entry), "EX", RDAP_CACHE_SECONDS);
    },
  };
}

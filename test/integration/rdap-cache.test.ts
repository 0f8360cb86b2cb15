// RDAP networks kept in Redis (src/store/rdap-cache.ts): one look-up per network for the workers
// together, found again for another address of it, never for an address it does not hold, and a
// record that fails its schema is absent.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRdapLookup } from "../../src/check/sections/owner/rdap.js";
import { storeKeys } from "../../src/keys.js";
import { rdapBlock, redisRdapCache } from "../../src/store/rdap-cache.js";
import { type FakeRdap, startFakeRdap } from "../fakes/rdap/server.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "./engine/support.js";

const prefix = uniquePrefix("rdap-cache");
const keys = storeKeys(prefix);
const redis = new Redis(REDIS_URL);
let rdap: FakeRdap;

beforeAll(async () => {
  rdap = await startFakeRdap();
});
afterAll(async () => {
  redis.disconnect();
  await rdap.close();
  await cleanupPrefix(prefix);
});

describe("RDAP networks in Redis", () => {
  it("two workers (two clients) ask the registry once per network", async () => {
    const first = createRdapLookup({ baseUrl: rdap.base("ok"), cache: redisRdapCache(redis, keys) });
    const second = createRdapLookup({ baseUrl: rdap.base("ok"), cache: redisRdapCache(redis, keys) });
    const before = rdap.requests.length;
    expect((await first("203.0.130.9", AbortSignal.timeout(2000)))?.name).toBe("HETZNER-LAB");
    expect((await second("203.0.130.77", AbortSignal.timeout(2000)))?.name).toBe("HETZNER-LAB");
    expect(rdap.requests.length - before).toBe(1);
    expect(await redis.ttl(keys.rdapNetwork(rdapBlock("203.0.130.9")))).toBeGreaterThan(3600);
  });

  it("an IPv6 network is filed under the /48", async () => {
    expect(rdapBlock("2001:db8:0:64::25")).toBe("2001:db8::");
    const cache = redisRdapCache(redis, keys);
    const lookup = createRdapLookup({ baseUrl: rdap.base("ok"), cache });
    expect((await lookup("2001:db8:0:64::25", AbortSignal.timeout(2000)))?.name).toBe("HETZNER-LAB-V6");
    expect((await cache.get("2001:db8:0:64::99"))?.name).toBe("HETZNER-LAB-V6");
    // Same /48, another /64: not the cached network's.
    expect(await cache.get("2001:db8:0:65::1")).toBeUndefined();
  });

  it("a record that fails its schema is absent", async () => {
    await redis.set(keys.rdapNetwork(rdapBlock("198.51.100.1")), '{"start":"198.51.100.0"}');
    expect(await redisRdapCache(redis, keys).get("198.51.100.1")).toBeUndefined();
    await redis.set(keys.rdapNetwork(rdapBlock("198.51.100.1")), "not json");
    expect(await redisRdapCache(redis, keys).get("198.51.100.1")).toBeUndefined();
  });
});

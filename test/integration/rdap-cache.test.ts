// RDAP networks kept in Redis (src/store/rdap-cache.ts): one look-up per network for the workers
// together, found again for another address of it, never for an address it does not hold (the
// smallest kept network holding an address answers it: a /15 with a customer's /29 inside, on the
// fake RDAP server), keys under the deployment's prefix with the 24 h expiry, and a record that
// fails its schema is absent.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRdapLookup, RDAP_CACHE_SECONDS } from "../../src/check/sections/owner/rdap.js";
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
    const key = keys.rdapNetwork("203.0.130.0/24");
    expect(key.startsWith(`${prefix}:`)).toBe(true);
    expect(await redis.ttl(key)).toBeGreaterThan(RDAP_CACHE_SECONDS - 60);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(RDAP_CACHE_SECONDS);
  });

  it("a /29 found first is not overwritten by the /15 found for a neighbour of the same /24", async () => {
    const first = createRdapLookup({ baseUrl: rdap.base("ok"), cache: redisRdapCache(redis, keys) });
    const second = createRdapLookup({ baseUrl: rdap.base("ok"), cache: redisRdapCache(redis, keys) });
    const ask = (client: typeof first, ip: string) =>
      client(ip, AbortSignal.timeout(2000)).then((network) => network?.name);
    const before = rdap.requests.length;
    expect(await ask(first, "198.18.7.3")).toBe("CUSTOMER-REASSIGNED");
    expect(await ask(second, "198.18.7.100")).toBe("PARENT-ALLOC");
    // Both kept, each for its own range: no registry asked for these.
    expect(await ask(first, "198.18.7.5")).toBe("CUSTOMER-REASSIGNED");
    expect(await ask(second, "198.18.7.3")).toBe("CUSTOMER-REASSIGNED");
    expect(await ask(first, "198.18.7.200")).toBe("PARENT-ALLOC");
    expect(rdap.requests.length - before).toBe(2);
    expect(await redis.exists(keys.rdapNetwork("198.18.7.0/29"))).toBe(1);
    expect(await redis.ttl(keys.rdapNetwork("198.18.0.0/15@198.18.7.0"))).toBeGreaterThan(3600);
  });

  it("the /15 answers only the /24 it was found in, and never an address of the /29 once that is kept", async () => {
    const cache = redisRdapCache(redis, keys);
    const lookup = createRdapLookup({ baseUrl: rdap.base("ok"), cache });
    expect((await lookup("198.18.1.5", AbortSignal.timeout(2000)))?.name).toBe("PARENT-ALLOC");
    expect((await cache.get("198.18.1.200"))?.name).toBe("PARENT-ALLOC");
    expect(await cache.get("198.18.2.1")).toBeUndefined();
    // Outside the network's own range: never, whatever is filed nearby.
    expect(await cache.get("198.20.0.1")).toBeUndefined();
  });

  it("an IPv6 network is filed under the /48", async () => {
    expect(rdapBlock("2001:db8:0:64::25")).toBe("2001:db8:0:0:0:0:0:0");
    const cache = redisRdapCache(redis, keys);
    const lookup = createRdapLookup({ baseUrl: rdap.base("ok"), cache });
    expect((await lookup("2001:db8:0:64::25", AbortSignal.timeout(2000)))?.name).toBe("HETZNER-LAB-V6");
    expect((await cache.get("2001:db8:0:64::99"))?.name).toBe("HETZNER-LAB-V6");
    // Same /48, another /64: not the cached network's.
    expect(await cache.get("2001:db8:0:65::1")).toBeUndefined();
  });

  it("a record that fails its schema is absent", async () => {
    await redis.set(keys.rdapNetwork("198.51.100.0/24"), '{"start":"198.51.100.0"}');
    expect(await redisRdapCache(redis, keys).get("198.51.100.1")).toBeUndefined();
    await redis.set(keys.rdapNetwork("198.51.100.0/24"), "not json");
    expect(await redisRdapCache(redis, keys).get("198.51.100.1")).toBeUndefined();
    // A broken record does not hide a good one filed wider.
    const good = {
      start: "198.51.100.0",
      end: "198.51.101.255",
      network: { name: "WIDER", org: null, abuse: null, source: "rdap" },
    };
    await redis.set(keys.rdapNetwork("198.51.100.0/23@198.51.100.0"), JSON.stringify(good));
    expect((await redisRdapCache(redis, keys).get("198.51.100.1"))?.name).toBe("WIDER");
  });
});

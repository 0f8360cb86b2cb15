// Reverse zones' servers discovered once per zone, kept for their TTL, shared by siblings.
import { describe, expect, it } from "vitest";
import { ZoneServerCache, type ZoneServers } from "../../../src/check/zone-cache.js";

const ZONE = "113.0.203.in-addr.arpa";
const SERVERS: ZoneServers = { zone: ZONE, servers: ["192.0.2.53:53"], ttl: 60 };

function counting(result: (name: string) => ZoneServers | null, delayMs = 5) {
  const asked: string[] = [];
  const discover = async (name: string) => {
    asked.push(name);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return result(name);
  };
  return { asked, discover };
}

describe("ZoneServerCache", () => {
  it("discovers a zone once for all its addresses, concurrent or not", async () => {
    const cache = new ZoneServerCache();
    const { asked, discover } = counting(() => SERVERS);
    const names = Array.from({ length: 100 }, (_, i) => `${i}.${ZONE}`);
    const found = await Promise.all(names.map((name) => cache.find("s", name, discover)));
    expect(found.every((servers) => servers?.zone === ZONE)).toBe(true);
    expect(await cache.find("s", `200.${ZONE}`, discover)).toEqual(SERVERS);
    expect(asked).toHaveLength(1);
  });

  it("keeps a zone for its TTL, then asks again", async () => {
    let now = 1_000_000;
    const cache = new ZoneServerCache(() => now);
    const { asked, discover } = counting(() => SERVERS, 0);
    await cache.find("s", `1.${ZONE}`, discover);
    now += 59_000;
    await cache.find("s", `2.${ZONE}`, discover);
    expect(asked).toHaveLength(1);
    now += 2_000;
    await cache.find("s", `3.${ZONE}`, discover);
    expect(asked).toHaveLength(2);
  });

  it("keeps no failure: the next address asks again", async () => {
    const cache = new ZoneServerCache();
    const { asked, discover } = counting(() => null, 0);
    expect(await cache.find("s", `1.${ZONE}`, discover)).toBeNull();
    expect(await cache.find("s", `2.${ZONE}`, discover)).toBeNull();
    expect(asked).toHaveLength(2);
  });

  it("keeps scopes (resolvers, port) apart", async () => {
    const cache = new ZoneServerCache();
    const { asked, discover } = counting(() => SERVERS, 0);
    await cache.find("a", `1.${ZONE}`, discover);
    await cache.find("b", `1.${ZONE}`, discover);
    expect(asked).toHaveLength(2);
  });

  it("a sibling that is a zone's apex itself gets its own discovery", async () => {
    const cache = new ZoneServerCache();
    const apex = `7.${ZONE}`;
    const { asked, discover } = counting((name) =>
      name === apex ? { zone: apex, servers: ["192.0.2.7:53"], ttl: 60 } : SERVERS,
    );
    const [first, second] = await Promise.all([
      cache.find("s", apex, discover),
      cache.find("s", `8.${ZONE}`, discover),
    ]);
    expect(first?.zone).toBe(apex);
    expect(second?.zone).toBe(ZONE);
    expect(asked).toEqual([apex, `8.${ZONE}`]);
  });

  it("forget() drops a zone so the next address discovers afresh", async () => {
    const cache = new ZoneServerCache();
    const { asked, discover } = counting(() => SERVERS, 0);
    await cache.find("s", `1.${ZONE}`, discover);
    cache.forget("s", ZONE);
    await cache.find("s", `2.${ZONE}`, discover);
    expect(asked).toHaveLength(2);
  });
});

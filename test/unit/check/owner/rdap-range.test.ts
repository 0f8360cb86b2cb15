// Where RDAP networks are filed (src/check/sections/owner/rdap-range.ts) and the in-process cache
// that uses it: the smallest kept network holding an address answers it, within its own range
// only; an allocation wider than a /24 (/48) answers only the block it was found in. The fake
// RDAP server (test/fakes/rdap/server.ts) holds a /15 with a customer's /29 inside.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRdapLookup, inProcessRdapCache } from "../../../../src/check/sections/owner/rdap.js";
import { rdapLookupKeys, rdapRangeKey } from "../../../../src/check/sections/owner/rdap-range.js";
import { type FakeRdap, startFakeRdap } from "../../../fakes/rdap/server.js";

let rdap: FakeRdap;
beforeAll(async () => {
  rdap = await startFakeRdap();
});
afterAll(async () => {
  await rdap.close();
});

describe("RDAP range keys", () => {
  it.each([
    [{ start: "198.18.7.0", end: "198.18.7.7" }, "198.18.7.3", "198.18.7.0/29"],
    [{ start: "203.0.130.0", end: "203.0.130.255" }, "203.0.130.9", "203.0.130.0/24"],
    // Wider than the /24: for the block it was found in.
    [{ start: "198.18.0.0", end: "198.19.255.255" }, "198.18.7.100", "198.18.0.0/15@198.18.7.0"],
    // Not CIDR-aligned (ARIN NetRanges need not be): the smallest block covering it.
    [{ start: "192.0.2.8", end: "192.0.2.20" }, "192.0.2.9", "192.0.2.0/27"],
    [
      { start: "2001:db8:0:64::", end: "2001:db8:0:64:ffff:ffff:ffff:ffff" },
      "2001:db8:0:64::25",
      "2001:db8:0:64:0:0:0:0/64",
    ],
    [
      { start: "2001:db8::", end: "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" },
      "2001:db8:0:64::25",
      "2001:db8:0:0:0:0:0:0/32@2001:db8:0:0:0:0:0:0",
    ],
  ])("%o found for %s is filed under %s", (entry, ip, key) => {
    expect(rdapRangeKey(entry, ip)).toBe(key);
    // And the address looks there.
    expect(rdapLookupKeys(ip)).toContain(key);
  });

  it("an address looks from its own /32 (/128) out to the whole space, most specific first", () => {
    const keys = rdapLookupKeys("198.18.7.3");
    expect(keys).toHaveLength(33);
    expect(keys[0]).toBe("198.18.7.3/32");
    expect(keys.indexOf("198.18.7.0/29")).toBeLessThan(keys.indexOf("198.18.0.0/15@198.18.7.0"));
    expect(keys.at(-1)).toBe("0.0.0.0/0@198.18.7.0");
    expect(rdapLookupKeys("2001:db8::1")).toHaveLength(129);
  });
});

describe("in-process RDAP cache, a /15 with a /29 inside", () => {
  const ask = (client: ReturnType<typeof createRdapLookup>, ip: string) =>
    client(ip, AbortSignal.timeout(2000)).then((network) => network?.name);

  it("the /29 found first is not overwritten by the /15 found for a neighbour in the same /24", async () => {
    const client = createRdapLookup({ baseUrl: rdap.base("ok"), cache: inProcessRdapCache() });
    const before = rdap.requests.length;
    expect(await ask(client, "198.18.7.3")).toBe("CUSTOMER-REASSIGNED");
    expect(await ask(client, "198.18.7.100")).toBe("PARENT-ALLOC");
    // Both kept: each answers its own, no registry asked.
    expect(await ask(client, "198.18.7.5")).toBe("CUSTOMER-REASSIGNED");
    expect(await ask(client, "198.18.7.200")).toBe("PARENT-ALLOC");
    expect(await ask(client, "198.18.7.3")).toBe("CUSTOMER-REASSIGNED");
    expect(rdap.requests.length - before).toBe(2);
  });

  it("the /15 answers only the /24 it was found in; the /29 once found wins there whichever came first", async () => {
    const client = createRdapLookup({ baseUrl: rdap.base("ok"), cache: inProcessRdapCache() });
    const before = rdap.requests.length;
    expect(await ask(client, "198.18.0.5")).toBe("PARENT-ALLOC");
    expect(await ask(client, "198.18.7.3")).toBe("CUSTOMER-REASSIGNED");
    expect(await ask(client, "198.18.0.77")).toBe("PARENT-ALLOC");
    expect(await ask(client, "198.19.0.9")).toBe("PARENT-ALLOC");
    expect(rdap.requests.length - before).toBe(3);
  });
});

// RDAP for the owner section against a loopback RDAP server (test/fakes/rdap/server.ts): the
// network of an IPv4 and an IPv6 address, and every way a server can fail, each giving "no
// network" within the caller's signal and never throwing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contains,
  createRdapLookup,
  inProcessRdapCache,
  parseNetwork,
} from "../../../../src/check/sections/owner/rdap.js";
import { rdapBaseFor } from "../../../../src/check/sections/owner/rdap-bootstrap.js";
import { type FakeRdap, type RdapMode, startFakeRdap } from "../../../fakes/rdap/server.js";

let rdap: FakeRdap;
beforeAll(async () => {
  rdap = await startFakeRdap();
});
afterAll(async () => {
  await rdap.close();
});

const lookup = (mode: RdapMode, ms = 2000) => {
  const client = createRdapLookup({ baseUrl: rdap.base(mode) });
  return (ip: string) => client(ip, AbortSignal.timeout(ms));
};

describe("RDAP look-up", () => {
  it("reads an IPv4 network's name, registrant and (nested) abuse mailbox", async () => {
    expect(await lookup("ok")("203.0.130.5")).toEqual({
      name: "HETZNER-LAB",
      org: "Hetzner Online GmbH",
      abuse: "abuse@hetzner.com",
      source: "rdap",
    });
  });

  it("reads an IPv6 network", async () => {
    expect(await lookup("ok")("2001:db8:0:64::25")).toMatchObject({
      name: "HETZNER-LAB-V6",
      org: "Hetzner Online GmbH",
    });
  });

  it("keeps a network for the addresses it holds: a second address of it asks nothing", async () => {
    const client = createRdapLookup({ baseUrl: rdap.base("ok"), cache: inProcessRdapCache() });
    const before = rdap.requests.length;
    await client("203.0.130.7", AbortSignal.timeout(2000));
    const again = await client("203.0.130.200", AbortSignal.timeout(2000));
    expect(again?.name).toBe("HETZNER-LAB");
    expect(rdap.requests.length - before).toBe(1);
  });

  it("a cached allocation does not stand in for a narrower network inside it (a customer's /29)", async () => {
    const client = createRdapLookup({ baseUrl: rdap.base("ok"), cache: inProcessRdapCache() });
    expect((await client("198.18.0.5", AbortSignal.timeout(2000)))?.name).toBe("PARENT-ALLOC");
    expect((await client("198.18.7.3", AbortSignal.timeout(2000)))?.name).toBe("CUSTOMER-REASSIGNED");
    // And the narrower one, once cached, is not given to the rest of the allocation.
    expect((await client("198.19.0.9", AbortSignal.timeout(2000)))?.name).toBe("PARENT-ALLOC");
  });

  it.each(["notfound", "malformed", "wrongshape", "huge", "hugechunked", "redirect-off"] as const)(
    "%s: no network, no error",
    async (mode) => {
      expect(await lookup(mode)("203.0.130.5")).toBeNull();
    },
  );

  it("follows a redirect on the same server (an RIR sending to another: RFC 7480 5.2)", async () => {
    expect((await lookup("redirect-same")("203.0.130.5"))?.name).toBe("HETZNER-LAB");
  });

  it("a slow server is given up at the caller's deadline", async () => {
    const started = performance.now();
    expect(await lookup("slow", 300)("203.0.130.5")).toBeNull();
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("429: not asked again for a while (a sweep does not hammer it)", async () => {
    const client = createRdapLookup({ baseUrl: rdap.base("ratelimited") });
    const before = rdap.requests.length;
    expect(await client("203.0.130.5", AbortSignal.timeout(2000))).toBeNull();
    expect(await client("203.0.130.6", AbortSignal.timeout(2000))).toBeNull();
    expect(rdap.requests.length - before).toBe(1);
  });

  it("an answer for a network that does not hold the address is not this address's", async () => {
    // The fake's ok mode answers 203.0.113.0/24 for 203.0.113.x only; an address outside every
    // network it knows is a 404, and the range test itself:
    const text = JSON.stringify({
      objectClassName: "ip network",
      startAddress: "10.0.0.0",
      endAddress: "10.0.0.255",
    });
    const entry = parseNetwork(text);
    expect(entry).not.toBeNull();
    expect(contains(entry as NonNullable<typeof entry>, "10.0.0.7")).toBe(true);
    expect(contains(entry as NonNullable<typeof entry>, "10.0.1.7")).toBe(false);
    expect(contains(entry as NonNullable<typeof entry>, "::ffff:10.0.1.7")).toBe(false);
  });
});

describe("RDAP bootstrap (IANA ranges shipped with the package)", () => {
  it.each([
    ["1.1.1.1", "https://rdap.apnic.net/"],
    ["8.8.8.8", "https://rdap.arin.net/registry/"],
    ["5.9.0.1", "https://rdap.db.ripe.net/"],
    ["41.0.0.1", "https://rdap.afrinic.net/rdap/"],
    ["200.1.1.1", "https://rdap.lacnic.net/rdap/"],
    ["2a01:4f8::1", "https://rdap.db.ripe.net/"],
    ["2600::1", "https://rdap.arin.net/registry/"],
  ])("%s -> %s", (ip, base) => {
    expect(rdapBaseFor(ip)).toBe(base);
  });

  it("documentation and unassigned space have no RIR", () => {
    expect(rdapBaseFor("203.0.113.5")).toBeNull();
    expect(rdapBaseFor("2001:db8::1")).toBeNull();
    expect(rdapBaseFor("4000::1")).toBeNull();
  });
});

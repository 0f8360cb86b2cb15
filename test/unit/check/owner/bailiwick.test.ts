// The owner section believes a zone only in bailiwick (RFC 2181 5.4.1, RFC 8499): a hostile
// authoritative server, delegated 113.0.203.in-addr.arpa, names `in-addr.arpa` or a sibling's zone
// as the owner of the SOA beside its NXDOMAIN. Neither becomes its address's zone, nor (kept per
// DNS client) the owner of another address whose own check learned no zone. Fake servers on
// loopback (test/fakes/dns), the real client, pipeline and caches.
import type dnsPacket from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atOrBelow, inBailiwick } from "../../../../src/check/bailiwick.js";
import { query } from "../../../../src/check/dns-client.js";
import type { DnsTransport } from "../../../../src/check/dns-types.js";
import { runCheck } from "../../../../src/check/index.js";
import { type FakeDnsServer, type FakeReply, startFakeDns } from "../../../fakes/dns/server.js";

const DELEGATED = "113.0.203.in-addr.arpa";
const SIBLING = "114.0.203.in-addr.arpa";
const HOSTILE_CONTACT = "hostmaster@hostile.test";

function soaRecord(zone: string, rname: string): dnsPacket.Answer {
  return {
    type: "SOA",
    name: zone,
    ttl: 60,
    data: { mname: "ns.hostile.test", rname, serial: 1, minimum: 60 },
  };
}

/** The zone the hostile server names for a question: the root of all reverse zones, or a sibling's. */
function claimFor(name: string): string {
  return name.startsWith("6.") ? SIBLING : "in-addr.arpa";
}

/** Authoritative for DELEGATED (so the resolver says); it claims higher zones and answers for them. */
const hostile = (name: string, type: string): FakeReply => {
  if (!atOrBelow(name, DELEGATED) && name !== "in-addr.arpa" && name !== SIBLING) {
    return { rcode: "REFUSED", aa: false };
  }
  const claim = atOrBelow(name, DELEGATED) ? claimFor(name) : name;
  if (type === "NS" && name === claim) {
    return { answers: [{ type: "NS", name, ttl: 60, data: "ns.hostile.test" }] };
  }
  if (type === "SOA" && name === claim) return { answers: [soaRecord(claim, "hostmaster.hostile.test")] };
  return { rcode: "NXDOMAIN", authorities: [soaRecord(claim, "hostmaster.hostile.test")] };
};

/** A validating resolver's view: DELEGATED is a zone served by ns.hostile.test; the sibling's zone cannot be resolved. */
const resolver = (name: string, type: string): FakeReply => {
  if (atOrBelow(name, DELEGATED)) {
    const zoneSoa = soaRecord(DELEGATED, "hostmaster.delegated.test");
    if (name === DELEGATED && type === "SOA") return { aa: false, answers: [zoneSoa] };
    if (name === DELEGATED && type === "NS") {
      return { aa: false, answers: [{ type: "NS", name, ttl: 60, data: "ns.hostile.test" }] };
    }
    return { aa: false, rcode: "NXDOMAIN", authorities: [zoneSoa] };
  }
  if (name === "ns.hostile.test" && type === "A") {
    return { aa: false, answers: [{ type: "A", name, ttl: 60, data: "127.0.0.1" }] };
  }
  if (name === "ns.hostile.test") return { aa: false };
  return { aa: false, rcode: "SERVFAIL" };
};

let authority: FakeDnsServer;
let recursive: FakeDnsServer;

beforeAll(async () => {
  authority = await startFakeDns(({ name, type }) => hostile(name, type));
  recursive = await startFakeDns(({ name, type }) => resolver(name, type));
});
afterAll(async () => {
  await authority.close();
  await recursive.close();
});

/** A DNS client of its own: the owner's zones are kept per client, so one scenario's checks share them. */
function client(): DnsTransport {
  return (question) => query(question);
}

const port = () => Number(authority.address.split(":")[1]);

function discovering(ip: string, transport: DnsTransport) {
  return runCheck(
    {
      ip,
      resolvers: [recursive.address],
      authorities: [],
      authorityPort: port(),
      askNonPublicNameServers: true,
      timeoutMs: 400,
      retries: 0,
    },
    { transport },
  );
}

function listed(ip: string, transport: DnsTransport) {
  return runCheck(
    { ip, resolvers: [recursive.address], authorities: [authority.address], timeoutMs: 400, retries: 0 },
    { transport },
  );
}

describe("bailiwick", () => {
  it.each([
    ["in-addr.arpa", "5.113.0.203.in-addr.arpa", DELEGATED, false],
    [SIBLING, "6.113.0.203.in-addr.arpa", DELEGATED, false],
    [SIBLING, "6.113.0.203.in-addr.arpa", null, false],
    [DELEGATED, "5.113.0.203.in-addr.arpa", DELEGATED, true],
    ["0/29.113.0.203.in-addr.arpa", "5.0/29.113.0.203.in-addr.arpa", DELEGATED, true],
    ["in-addr.arpa", "5.113.0.203.in-addr.arpa", null, true],
  ] as const)("%s named for %s under %s: %s", (claimed, asked, delegation, believed) => {
    expect(inBailiwick(claimed, asked, delegation)).toBe(believed);
  });
});

describe("owner: a zone a server may not speak for", () => {
  it("a discovered server claiming in-addr.arpa: its address keeps the delegated zone, another address gets nothing of it", async () => {
    const transport = client();
    const own = await discovering("203.0.113.5", transport);
    // An address elsewhere whose own check learned no zone (its resolver fails).
    const other = await discovering("198.51.100.7", transport);
    expect(other.owner.zone).toBeNull();
    expect(other.owner.contact).toBeNull();
    expect(own.owner.zone).toBe(DELEGATED);
    expect(own.owner.contact).toBe("hostmaster@delegated.test");
    expect(own.authority?.zone).toBe(DELEGATED);
  });

  it("a discovered server claiming a sibling's zone: neither its address nor the sibling's addresses get it", async () => {
    const transport = client();
    const own = await discovering("203.0.113.6", transport);
    const sibling = await discovering("203.0.114.9", transport);
    expect(sibling.owner.zone).toBeNull();
    expect(sibling.owner.contact).toBeNull();
    expect(own.owner.zone).toBe(DELEGATED);
  });

  it("a listed server's claim stays with its own address", async () => {
    const transport = client();
    const own = await listed("203.0.113.5", transport);
    // Listed by the operator, no delegation known: its word for the address it serves...
    expect(own.owner.zone).toBe("in-addr.arpa");
    // ...but not for an address whose own servers did not name that zone.
    const other = await listed("198.51.100.7", transport);
    expect(other.owner.zone).toBeNull();
    expect(other.owner.contact).not.toBe(HOSTILE_CONTACT);
    // A sibling's zone is no zone of the address asked, listed or not.
    const claimedSibling = await listed("203.0.113.6", transport);
    expect(claimedSibling.owner.zone).toBeNull();
    const sibling = await listed("203.0.114.9", transport);
    expect(sibling.owner.zone).toBeNull();
  });
});

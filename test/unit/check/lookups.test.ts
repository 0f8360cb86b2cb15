// The lookups survive a transport that breaks its promise and rejects (under `rdns serve` an
// unhandled rejection would end the process, and a never-settling lookup would hang the check),
// and a forward lookup keeps the TTL its answer came with.
import { describe, expect, it } from "vitest";
import type { DnsResponse, DnsTransport } from "../../../src/check/dns-client.js";
import { askPtr, lookupAddresses } from "../../../src/check/lookups.js";

const rejecting: DnsTransport = () => Promise.reject(new Error("socket exploded"));
const throwing: DnsTransport = () => {
  throw new Error("thrown synchronously");
};

describe("a transport that rejects or throws", () => {
  it.each([
    ["rejects", rejecting],
    ["throws", throwing],
  ])("lookupAddresses settles with a failure when the transport %s", async (_, transport) => {
    const options = { transport, timeoutMs: 100, retries: 0 };
    const lookup = await lookupAddresses("mail.example.test", 4, "203.0.113.5", ["127.0.0.1:1"], options);
    expect(lookup.status).toBe("servfail");
    expect(lookup.addresses).toEqual([]);
    expect(lookup.confirms).toBe(false);
  });

  it.each([
    ["rejects", rejecting],
    ["throws", throwing],
  ])("askPtr reports a failure (never no PTR) when the transport %s", async (_, transport) => {
    const options = { transport, timeoutMs: 100, retries: 0 };
    const { answer } = await askPtr("127.0.0.1:1", "5.113.0.203.in-addr.arpa", true, options);
    expect(answer.status).toBe("servfail");
    expect(answer.error).toMatch(/socket exploded|thrown synchronously/);
  });
});

describe("a forward lookup carries its TTL (a broken pair's let-go is timed by it)", () => {
  const base: DnsResponse = {
    server: "127.0.0.1:5301",
    outcome: "answer",
    rcode: "NOERROR",
    aa: false,
    truncated: false,
    answers: [],
    authorityNs: [],
    soa: null,
    glue: [],
    rttMs: 1,
    error: null,
    transport: "udp",
  };
  const lookup = (response: Partial<DnsResponse>) =>
    lookupAddresses("broken.example.test", 4, "203.0.113.13", ["127.0.0.1:5301"], {
      transport: async () => ({ ...base, ...response }),
      timeoutMs: 100,
      retries: 0,
    });
  const soa = {
    zone: "example.test",
    ttl: 7,
    minimum: 3,
    mname: "ns.example.test",
    rname: "hostmaster.example.test",
  };

  it("a found answer: the lowest TTL of its records (a cache counts each down, RFC 1035 7.3)", async () => {
    const found = await lookup({
      answers: [
        { name: "broken.example.test", type: "A", ttl: 42, data: "203.0.113.99" },
        { name: "broken.example.test", type: "A", ttl: 17, data: "203.0.113.98" },
      ],
    });
    expect(found).toMatchObject({ status: "found", ttl: 17, confirms: false });
  });

  it("a negative answer: the SOA TTL in it, as a PTR's negativeTtlRemaining (RFC 2308 5)", async () => {
    expect(await lookup({ rcode: "NXDOMAIN", soa })).toMatchObject({ status: "nxdomain", ttl: 7 });
    expect(await lookup({ soa })).toMatchObject({ status: "nodata", ttl: 7 });
    // Without the SOA nothing says how long it is kept: untimed, not a guess.
    expect(await lookup({ rcode: "NXDOMAIN" })).toMatchObject({ status: "nxdomain", ttl: null });
  });

  it("a failure carries none", async () => {
    expect(await lookup({ rcode: "SERVFAIL", soa })).toMatchObject({ status: "servfail", ttl: null });
    expect(await lookup({ outcome: "timeout", rcode: null })).toMatchObject({ status: "timeout", ttl: null });
  });
});

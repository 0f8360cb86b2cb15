// The lookups survive a transport that breaks its promise and rejects: under `rdns serve` an
// unhandled rejection would end the process, and a never-settling lookup would hang the check.
import { describe, expect, it } from "vitest";
import type { DnsTransport } from "../../../src/check/dns-client.js";
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

import { describe, expect, it } from "vitest";
import { parseIp, sameAddress } from "../../../src/check/ip.js";
import { InvalidInputError } from "../../../src/check/types.js";

describe("parseIp", () => {
  it("reverses IPv4 octets under in-addr.arpa", () => {
    expect(parseIp("203.0.113.5")).toEqual({
      ip: "203.0.113.5",
      family: 4,
      reverseName: "5.113.0.203.in-addr.arpa",
      notPublic: null,
    });
  });

  it("writes all 32 nibbles under ip6.arpa (RFC 3596) and normalises IPv6", () => {
    const parsed = parseIp("2001:DB8:0:0::25");
    expect(parsed.ip).toBe("2001:db8::25");
    expect(parsed.family).toBe(6);
    expect(parsed.reverseName).toBe(
      "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    );
    expect(parsed.reverseName.split(".").length).toBe(34);
    // Every nibble in its place, letters lower-case (expected names from Python's ipaddress).
    expect(parseIp("2001:db8:1234:5678:9abc:def0:1234:5678").reverseName).toBe(
      "8.7.6.5.4.3.2.1.0.f.e.d.c.b.a.9.8.7.6.5.4.3.2.1.8.b.d.0.1.0.0.2.ip6.arpa",
    );
    expect(parseIp("2001:db8::FFFF:0:1").reverseName).toBe(
      "1.0.0.0.0.0.0.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    );
  });

  it("treats an IPv4-mapped IPv6 address as the IPv4 address", () => {
    const parsed = parseIp("::ffff:203.0.113.9");
    expect(parsed).toMatchObject({ ip: "203.0.113.9", family: 4, reverseName: "9.113.0.203.in-addr.arpa" });
  });

  it.each(["2001:db8::1%eth0", "fe80::1%25", "[IPv6:2001:db8::1%eth0]", "2001:db8::1%"])(
    "refuses the IPv6 zone id in %s with one clear line",
    (text) => {
      const attempt = () => parseIp(text);
      expect(attempt).toThrow(InvalidInputError);
      expect(attempt).toThrow(/zone ids \(%[^)]*\) are local to a host; give the address alone/);
      try {
        attempt();
      } catch (err) {
        expect((err as Error).message.split("\n")).toHaveLength(1);
      }
    },
  );

  it("accepts SMTP address literals and surrounding space", () => {
    expect(parseIp(" [192.0.2.1] ").ip).toBe("192.0.2.1");
    expect(parseIp("[IPv6:2001:db8::1]").ip).toBe("2001:db8::1");
  });

  it.each([
    ["192.0.2.1"],
    ["198.51.100.200"],
    ["203.0.113.255"],
    ["2001:db8:ffff::1"],
    ["8.8.8.8"],
    ["2a00:1450:4001:80b::200e"],
  ])("allows %s (public or documentation space)", (ip) => {
    expect(parseIp(ip).notPublic).toBeNull();
  });

  it.each([
    ["10.1.2.3", "10.0.0.0/8"],
    ["172.16.5.4", "172.16.0.0/12"],
    ["192.168.1.1", "192.168.0.0/16"],
    ["127.0.0.1", "127.0.0.0/8"],
    ["169.254.1.1", "169.254.0.0/16"],
    ["100.64.0.1", "100.64.0.0/10"],
    ["100.127.255.254", "100.64.0.0/10"],
    ["0.0.0.0", "0.0.0.0/8"],
    ["224.0.0.5", "224.0.0.0/4"],
    ["255.255.255.255", "255.255.255.255"],
    ["240.0.0.1", "reserved"],
    ["198.18.0.1", "RFC 2544"],
    ["::1", "::1"],
    ["::", "::"],
    ["fe80::1", "fe80::/10"],
    ["fd00::1", "fc00::/7"],
    ["ff02::1", "ff00::/8"],
    ["::ffff:10.0.0.1", "10.0.0.0/8"],
  ])("marks %s as not public, naming %s", (ip, range) => {
    const why = parseIp(ip).notPublic;
    expect(why).not.toBeNull();
    expect(why).toContain(range);
    expect(why).not.toContain("\n");
  });

  it("does not call 100.128.0.1 (just outside CGNAT) non-public", () => {
    expect(parseIp("100.128.0.1").notPublic).toBeNull();
  });

  it.each([
    ["", /no IP address given/],
    ["   ", /no IP address given/],
    ["mail.example.com", /is a host name/],
    ["203.0.113", /not an IP address/],
    ["203.0.113.256", /not an IP address/],
    ["0x7f.1", /not an IP address/],
    ["1.2.3.4/24", /not an IP address/],
    ["x".repeat(5000), /too long/],
  ])("rejects %j with one line and an example", (input, reason) => {
    let error: unknown;
    try {
      parseIp(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const message = (error as Error).message;
    expect(message).toMatch(reason);
    expect(message).toMatch(/e\.g\. 203\.0\.113\.5/);
    expect(message).not.toContain("\n");
    expect(message.length).toBeLessThan(200);
  });
});

describe("sameAddress", () => {
  it("compares normalised forms", () => {
    expect(sameAddress("2001:db8::10", "2001:0db8:0:0:0:0:0:10")).toBe(true);
    expect(sameAddress("203.0.113.10", "::ffff:203.0.113.10")).toBe(true);
    expect(sameAddress("203.0.113.10", "203.0.113.11")).toBe(false);
    expect(sameAddress("203.0.113.10", "not an address")).toBe(false);
  });
});

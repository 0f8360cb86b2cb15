// Sweep targets: sizes capped per range, network addresses, lazy walks in order.
import { describe, expect, it } from "vitest";
import { addressesOf, addressesOfAll, parseRange } from "../../../src/check/ranges.js";
import { InvalidInputError } from "../../../src/check/types.js";

describe("parseRange", () => {
  it.each([
    ["203.0.113.5", "203.0.113.5", 1],
    ["203.0.113.0/24", "203.0.113.0/24", 256],
    ["203.0.113.77/28", "203.0.113.64/28", 16], // host bits set: the network it is in
    ["10.1.0.0/16", "10.1.0.0/16", 65_536],
    ["2001:db8::10", "2001:db8::10", 1],
    ["2001:DB8::/120", "2001:db8::/120", 256],
    ["2001:db8::1:0/112", "2001:db8::1:0/112", 65_536],
    ["203.0.113.5/32", "203.0.113.5/32", 1],
  ])("%s is %s (%i addresses)", (input, text, size) => {
    const range = parseRange(input);
    expect(range.text).toBe(text);
    expect(range.size).toBe(size);
  });

  it.each([
    ["10.0.0.0/15", /too large: at most a \/16 per range for IPv4/],
    ["10.0.0.0/8", /too large/],
    ["2001:db8::/111", /too large: at most a \/112 per range for IPv6/],
    ["203.0.113.0/33", /bad prefix length/],
    ["203.0.113.0/", /bad prefix length/],
    ["203.0.113.0/x", /bad prefix length/],
    ["example.com", /not an IP address or range/],
    ["203.0.113", /not an IP address or range/],
    ["fe80::1%eth0/120", /not an IP address or range/],
    ["", /empty/],
  ])("%s is refused in one line (%s)", (input, message) => {
    expect(() => parseRange(input)).toThrow(InvalidInputError);
    expect(() => parseRange(input)).toThrow(message);
    try {
      parseRange(input);
    } catch (err) {
      expect((err as Error).message).not.toContain("\n");
    }
  });
});

describe("addressesOf", () => {
  it("walks an IPv4 range in order, across octet boundaries", () => {
    const all = [...addressesOf(parseRange("198.51.100.250/31"))];
    expect(all).toEqual(["198.51.100.250", "198.51.100.251"]);
    const big = [...addressesOf(parseRange("10.1.0.0/16"))];
    expect(big).toHaveLength(65_536);
    expect(big[255]).toBe("10.1.0.255");
    expect(big[256]).toBe("10.1.1.0");
    expect(big.at(-1)).toBe("10.1.255.255");
  });

  it("walks an IPv6 range in order", () => {
    const all = [...addressesOf(parseRange("2001:db8::ff:fffe/127"))];
    expect(all).toEqual(["2001:db8::ff:fffe", "2001:db8::ff:ffff"]);
    const block = [...addressesOf(parseRange("2001:db8::/120"))];
    expect(block[0]).toBe("2001:db8::");
    expect(block[16]).toBe("2001:db8::10");
    expect(block).toHaveLength(256);
  });

  it("is lazy: a /16 is not built up front", () => {
    const walk = addressesOfAll([parseRange("10.0.0.0/16"), parseRange("203.0.113.5")]);
    expect(walk.next().value).toBe("10.0.0.0");
    expect(walk.next().value).toBe("10.0.0.1");
  });

  it("chains several targets in the order given", () => {
    const all = [...addressesOfAll([parseRange("203.0.113.5"), parseRange("2001:db8::/127")])];
    expect(all).toEqual(["203.0.113.5", "2001:db8::", "2001:db8::1"]);
  });
});

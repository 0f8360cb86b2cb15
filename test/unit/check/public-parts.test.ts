// A range's non-public parts, by the rule for single addresses: the stretch-wise answer must be
// exactly what parseIp says of every address, and name the reserved block inside a public /16.
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { parseIp } from "../../../src/check/ip.js";
import { rangeParts } from "../../../src/check/public-parts.js";
import { addressesOf, parseRange, partsOf } from "../../../src/check/ranges.js";

function parts(cidr: string) {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return rangeParts(network, bits);
}

describe("rangeParts", () => {
  it("finds the reserved 192.88.99.0/24 inside 192.88.0.0/16, whose two ends are public", () => {
    const hidden = parts("192.88.0.0/16").filter((part) => part.why !== null);
    expect(hidden).toEqual([
      { cidr: "192.88.99.0/24", size: 256, why: expect.stringMatching(/6to4 relay anycast.*RFC 7526/) },
    ]);
  });

  it("keeps the documentation ranges public inside a reserved block (192.0.2.0/24 in 192.0.0.0/16)", () => {
    const hidden = parts("192.0.0.0/16").filter((part) => part.why !== null);
    expect(hidden.map((part) => part.cidr)).toEqual(["192.0.0.0/24"]);
    expect(parts("2001:db8::/112")).toEqual([{ cidr: "2001:db8::/112", size: 65_536, why: null }]);
  });

  it("finds non-public IPv6 blocks inside a range: ::/112 (unspecified, loopback), 2001::/16 (ORCHID)", () => {
    const low = parts("::/112").filter((part) => part.why !== null);
    expect(low.map((part) => part.cidr)).toEqual(["::/128", "::1/128"]);
    const wide = parts("2001::/16").filter((part) => part.why !== null);
    expect(wide.map((part) => part.cidr)).toContain("2001:10::/28");
    expect(wide.map((part) => part.cidr)).not.toContain("2001:db8::/32");
  });

  it("reads an IPv4-mapped range as its IPv4 side, as parseIp reads one mapped address", () => {
    const hidden = parts("::ffff:192.88.0.0/112").filter((part) => part.why !== null);
    expect(hidden.map((part) => part.cidr)).toEqual(["::ffff:192.88.99.0/120"]);
  });

  it.each([
    "192.88.0.0/16",
    "192.0.0.0/16",
    "172.16.0.0/16",
    "100.127.0.0/16",
    "::/112",
    "::ffff:10.0.0.0/112",
  ])("%s: every address is public exactly when parseIp says so", (cidr) => {
    const range = parseRange(cidr);
    const verdicts = [...addressesOf(range)].map((ip) => parseIp(ip).notPublic === null);
    const expected: boolean[] = [];
    for (const part of partsOf(range)) expected.push(...Array<boolean>(part.size).fill(part.why === null));
    expect(expected).toHaveLength(range.size);
    expect(verdicts).toEqual(expected);
  });
});

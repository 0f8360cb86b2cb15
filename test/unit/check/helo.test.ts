// RFC 5321 4.1.4 HELO shapes.
import { describe, expect, it } from "vitest";
import { checkHeloSyntax, sameAddress } from "../../../src/check/sections/helo/syntax.js";

describe("checkHeloSyntax", () => {
  it("accepts FQDNs and address literals", () => {
    expect(checkHeloSyntax("mail.example.test")).toMatchObject({ fqdn: true, problem: null });
    expect(checkHeloSyntax("mail.example.test.")).toMatchObject({ fqdn: true });
    expect(checkHeloSyntax("smtp-1.mail.example.co.uk")).toMatchObject({ fqdn: true });
    expect(checkHeloSyntax("[192.0.2.1]")).toMatchObject({ addressLiteral: true, literal: "192.0.2.1" });
    expect(checkHeloSyntax("[IPv6:2001:db8::1]")).toMatchObject({
      addressLiteral: true,
      literal: "2001:db8::1",
    });
    expect(checkHeloSyntax("[ipv6:2001:DB8:0:0::1]")).toMatchObject({
      addressLiteral: true,
      literal: "2001:db8::1",
    });
  });

  const bad: Array<[string, RegExp]> = [
    ["", /empty/],
    ["localhost", /private name/],
    ["localhost.localdomain", /private name/],
    ["mail", /has no dot/],
    ["server.lan", /private name/],
    ["192.0.2.1", /bare IP.*\[192\.0\.2\.1\].*HFILTER_HELO_BAREIP/],
    ["2001:db8::1", /bare IP.*\[IPv6:2001:db8::1\]/],
    ["[2001:db8::1]", /lacks the IPv6: tag/],
    ["[192.0.2.300]", /not a valid address literal/],
    ["[IPv6:nonsense]", /not a valid address literal/],
    ["mail_1.example.test", /letters-digits-hyphen/],
    ["-mail.example.test", /letters-digits-hyphen/],
    ["mail.example.123", /all-numeric/],
    [
      `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(60)}.example`,
      /at most 253/,
    ],
  ];
  for (const [name, reason] of bad) {
    it(`rejects ${JSON.stringify(name.slice(0, 30))}`, () => {
      const result = checkHeloSyntax(name);
      expect(result.fqdn).toBe(false);
      expect(result.addressLiteral).toBe(false);
      expect(result.problem).toMatch(reason);
    });
  }
});

describe("sameAddress", () => {
  it("compares normalised addresses, IPv4-mapped as IPv4", () => {
    expect(sameAddress("2001:DB8:0::1", "2001:db8::1")).toBe(true);
    expect(sameAddress("::ffff:192.0.2.1", "192.0.2.1")).toBe(true);
    expect(sameAddress("192.0.2.1", "192.0.2.2")).toBe(false);
    expect(sameAddress("nonsense", "192.0.2.1")).toBe(false);
  });
});

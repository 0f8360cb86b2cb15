// The pure parts of test mail (src/app/mailtest.ts): tokens, reading an address back, the notice.
import { describe, expect, it } from "vitest";
import { mailTokenOf, newMailToken, testMailNotice } from "../../../src/app/mailtest.js";
import { parseIp } from "../../../src/check/ip.js";
import { inRanges, normalizeIp } from "../../../src/mail/listener.js";

describe("test-mail tokens", () => {
  it("carry 128 random bits as 26 lower-case base32 characters, never the same twice", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newMailToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{26}$/);
    // Each character carries 5 bits: at least the 80 an address must carry.
    expect([...tokens][0]?.length ?? 0).toBeGreaterThanOrEqual(Math.ceil(80 / 5));
    expect(newMailToken(Buffer.alloc(16))).toBe("a".repeat(26));
    expect(newMailToken(Buffer.alloc(16, 0xff))).toBe(`${"7".repeat(25)}4`);
  });

  it("are read back from check-<token>@<domain> in any case, and from nothing else", () => {
    const token = newMailToken();
    expect(mailTokenOf(`check-${token}@mt.example.test`, "mt.example.test")).toBe(token);
    expect(mailTokenOf(`CHECK-${token.toUpperCase()}@MT.Example.Test`, "mt.example.test")).toBe(token);
    expect(mailTokenOf(`check-${token}@other.example.test`, "mt.example.test")).toBeNull();
    expect(mailTokenOf(`check-${token.slice(1)}@mt.example.test`, "mt.example.test")).toBeNull();
    expect(mailTokenOf(`x-${token}@mt.example.test`, "mt.example.test")).toBeNull();
    expect(mailTokenOf("postmaster@mt.example.test", "mt.example.test")).toBeNull();
    expect(mailTokenOf(token, "mt.example.test")).toBeNull();
  });
});

describe("the notice before a test mail's report", () => {
  const connection = { ip: "203.0.113.10", helo: "mail.example.test", tls: true };

  it("names the IP, the HELO as sent and TLS", () => {
    const text = testMailNotice(connection, null, null);
    expect(text).toContain("from 203.0.113.10");
    expect(text).toContain('HELO/EHLO "mail.example.test" as sent');
    expect(text).toContain("over TLS");
    expect(text).not.toContain("not 203");
    expect(testMailNotice({ ...connection, tls: false }, null, null)).toContain("without TLS");
  });

  it("says plainly when the mail came from another IP than the one asked about", () => {
    expect(testMailNotice(connection, "203.0.113.10", null)).not.toContain("This is not");
    expect(testMailNotice({ ...connection, ip: "2001:db8::10" }, "2001:0db8:0::10", null)).not.toContain(
      "This is not",
    );
    const text = testMailNotice({ ...connection, ip: "2001:db8::10" }, "203.0.113.10", null);
    expect(text).toContain("This is not 203.0.113.10, the address you asked about");
    expect(text).toContain("your mail leaves from 2001:db8::10");
  });

  it("says when the HELO cannot be checked, and when the address is not public", () => {
    const text = testMailNotice({ ip: "127.0.0.1", helo: "bad helo\u202e", tls: false }, null, "not a name");
    expect(text).toContain("The HELO is not checked: not a name.");
    expect(text).not.toContain("\u202e");
    expect(text).toContain("127.0.0.1 is not a public address");
    expect(text).not.toContain("with that HELO");
  });

  it.each([
    // Public to the check (it looks them up): 6to4, Teredo, documentation, plain unicast.
    ["2002:cb00:710a::1", false],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", false],
    ["203.0.113.10", false],
    ["2001:db8::10", false],
    ["198.51.100.7", false],
    ["8.8.8.8", false],
    // Not public to the check (NOT_PUBLIC): loopback, private, CGNAT, the 6to4 relay block, ULA.
    ["127.0.0.1", true],
    ["10.1.2.3", true],
    ["100.64.0.1", true],
    ["192.88.99.1", true],
    ["fd00::1", true],
  ])("%s: calls it not public exactly when the check does (notPublic: %s)", (ip, notPublic) => {
    expect(parseIp(ip).notPublic !== null).toBe(notPublic);
    const text = testMailNotice({ ip, helo: "mail.example.test", tls: true }, null, null);
    if (notPublic) {
      expect(text).toContain(`${ip} is not a public address`);
      // The check's own reason, the one its NOT_PUBLIC answer gives.
      expect(text).toContain(parseIp(ip).notPublic?.slice(ip.length + 1) ?? "");
    } else expect(text).not.toContain("not a public address");
  });
});

describe("the listener's address rules", () => {
  it("normalizes IPv4-mapped peers and matches addresses and CIDRs of either family", () => {
    expect(normalizeIp("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(inRanges("::ffff:127.0.0.1", ["127.0.0.0/8"])).toBe(true);
    expect(inRanges("127.0.0.1", ["::1"])).toBe(false);
    expect(inRanges("::1", ["::1"])).toBe(true);
    expect(inRanges("2001:db8::5", ["2001:db8::/32"])).toBe(true);
    expect(inRanges("192.0.2.7", ["192.0.2.8"])).toBe(false);
    expect(inRanges("192.0.2.7", [])).toBe(false);
    expect(inRanges("192.0.2.7", ["::ffff:192.0.2.0/120"])).toBe(true);
    expect(inRanges("192.0.3.7", ["::ffff:192.0.2.0/120"])).toBe(false);
  });
});

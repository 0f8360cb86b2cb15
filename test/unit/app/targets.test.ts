import { describe, expect, it } from "vitest";
import { parseHelo, parsePublicIp, parseWatchTarget } from "../../../src/app/targets.js";
import { checkJobId, recheckJobId, watchSchedulerId } from "../../../src/queue/ids.js";

describe("targets", () => {
  it("accepts public and documentation addresses, normalised", () => {
    expect(parsePublicIp("203.0.113.5")).toEqual({ ok: true, value: "203.0.113.5" });
    expect(parsePublicIp("8.8.8.8")).toEqual({ ok: true, value: "8.8.8.8" });
    expect(parsePublicIp("2001:DB8:0::1")).toEqual({ ok: true, value: "2001:db8::1" });
    expect(parsePublicIp("::ffff:8.8.8.8")).toEqual({ ok: true, value: "8.8.8.8" });
  });

  it.each(["10.0.0.1", "127.0.0.1", "100.64.1.1", "169.254.0.1", "fe80::1", "fc00::1", "::1", "224.0.0.1"])(
    "refuses %s: receivers never see it",
    (ip) => {
      const parsed = parsePublicIp(ip);
      expect(parsed.ok).toBe(false);
    },
  );

  it.each(["300.1.1.1", "1.2.3", "0x7f.1", "example.com", ""])("refuses %j as not an IP", (text) => {
    // The check's own parser (src/check/ip.ts) words it: "not an IP address", "is a host name".
    expect(parsePublicIp(text)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not an IP|host name|no IP address/),
    });
  });

  it("refuses an IPv6 zone id up front, in one line, in an address and in a range", () => {
    for (const text of ["2001:db8::1%eth0", "2001:db8::%eth0/120"]) {
      const parsed = text.includes("/") ? parseWatchTarget(text) : parsePublicIp(text);
      expect(parsed).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/zone ids \(%eth0\) are local to a host; give the address alone/),
      });
      expect(parsed.ok || parsed.problem.includes("\n")).toBe(false);
    }
  });

  it("writes one address one way: a /32, a /128 and an address literal are the address itself", () => {
    for (const [text, label] of [
      ["203.0.113.5", "203.0.113.5"],
      ["203.0.113.5/32", "203.0.113.5"],
      ["[203.0.113.5]", "203.0.113.5"],
      ["2001:db8::1", "2001:db8::1"],
      ["2001:DB8:0::1/128", "2001:db8::1"],
      ["[IPv6:2001:db8::1]", "2001:db8::1"],
    ] as const) {
      const parsed = parseWatchTarget(text);
      expect(parsed.ok && parsed.value, text).toEqual({ label, ips: [label] });
    }
    expect(parsePublicIp("[IPv6:2001:db8::1]")).toEqual({ ok: true, value: "2001:db8::1" });
  });

  it("expands ranges up to /16 and /112, from the network address", () => {
    const v4 = parseWatchTarget("203.0.113.5/28");
    expect(v4.ok && v4.value.label).toBe("203.0.113.0/28");
    expect(v4.ok && v4.value.ips).toHaveLength(16);
    expect(v4.ok && v4.value.ips[15]).toBe("203.0.113.15");
    const v6 = parseWatchTarget("2001:db8::/120");
    expect(v6.ok && v6.value.ips).toHaveLength(256);
    expect(v6.ok && v6.value.ips[255]).toBe("2001:db8::ff");
    // Host bits span the last two bytes from /23 down to /16.
    const v4wide = parseWatchTarget("198.51.7.9/16");
    expect(v4wide.ok && v4wide.value.label).toBe("198.51.0.0/16");
    expect(v4wide.ok && v4wide.value.ips).toHaveLength(65_536);
    expect(v4wide.ok && [v4wide.value.ips[256], v4wide.value.ips[65_535]]).toEqual([
      "198.51.1.0",
      "198.51.255.255",
    ]);
    const v6wide = parseWatchTarget("2001:db8::1234/112");
    expect(v6wide.ok && v6wide.value.ips).toHaveLength(65_536);
    expect(v6wide.ok && v6wide.value.ips[65_535]).toBe("2001:db8::ffff");
    const v4mid = parseWatchTarget("203.0.113.77/23");
    expect(v4mid.ok && [v4mid.value.label, v4mid.value.ips.length, v4mid.value.ips[511]]).toEqual([
      "203.0.112.0/23",
      512,
      "203.0.113.255",
    ]);
    expect(parseWatchTarget("198.51.0.0/15")).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/too large/),
    });
    expect(parseWatchTarget("2001:db8::/111")).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/too large/),
    });
    expect(parseWatchTarget("10.0.0.0/24")).toMatchObject({ ok: false });
  });

  it("takes FQDNs and address literals as HELO", () => {
    expect(parseHelo("Mail.Example.COM.")).toEqual({ ok: true, value: "mail.example.com" });
    expect(parseHelo("[203.0.113.5]")).toEqual({ ok: true, value: "[203.0.113.5]" });
    expect(parseHelo("bad name!").ok).toBe(false);
  });

  it("makes job ids BullMQ accepts (no ':' for IPv6, never an integer) and deterministic", () => {
    for (const id of [checkJobId("2001:db8::1"), recheckJobId("chain", 2), watchSchedulerId("2001:db8::1")]) {
      expect(id).not.toContain(":");
      expect(String(Number.parseInt(id, 10))).not.toBe(id);
    }
    expect(recheckJobId("chain", 2)).toBe(recheckJobId("chain", 2));
    expect(recheckJobId("chain", 2)).not.toBe(recheckJobId("chain", 3));
    // A new chain's id never repeats, even for the same IP in the same millisecond.
    expect(checkJobId("203.0.113.5")).not.toBe(checkJobId("203.0.113.5"));
  });
});

// The PROXY header reader (src/mail/proxy-header.ts) on every shape of HAProxy's
// proxy-protocol.txt that a balancer sends, cut at every byte, and on what must be refused.
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { parseProxyHeader, V1_MAX, V2_MAX, V2_SIGNATURE } from "../../../src/mail/proxy-header.js";

function v2(command: number, family: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0x20 | command;
  head[1] = family;
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, head, body]);
}

function v2Ipv4(source: number[], port: number, tlvs = Buffer.alloc(0)): Buffer {
  const body = Buffer.alloc(12);
  Buffer.from(source).copy(body, 0);
  Buffer.from([192, 0, 2, 1]).copy(body, 4);
  body.writeUInt16BE(port, 8);
  body.writeUInt16BE(25, 10);
  return v2(1, 0x11, Buffer.concat([body, tlvs]));
}

function v2Ipv6(source: string, port: number): Buffer {
  const body = Buffer.alloc(36);
  Buffer.from(ipaddr.parse(source).toByteArray()).copy(body, 0);
  body.writeUInt16BE(port, 32);
  body.writeUInt16BE(25, 34);
  return v2(1, 0x21, body);
}

describe("PROXY v1", () => {
  it("reads TCP4 and TCP6 lines, and the length up to the CRLF", () => {
    const line = Buffer.from("PROXY TCP4 203.0.113.10 192.0.2.1 40000 25\r\nEHLO x\r\n");
    expect(parseProxyHeader(line)).toEqual({
      kind: "ok",
      version: 1,
      source: { address: "203.0.113.10", port: 40000 },
      length: line.indexOf("EHLO"),
    });
    expect(parseProxyHeader(Buffer.from("PROXY TCP6 2001:db8::10 2001:db8::1 1234 25\r\n"))).toMatchObject({
      kind: "ok",
      source: { address: "2001:db8::10", port: 1234 },
    });
  });

  it("UNKNOWN names no client: the connection's own peer is", () => {
    expect(parseProxyHeader(Buffer.from("PROXY UNKNOWN\r\n"))).toEqual({
      kind: "ok",
      version: 1,
      source: null,
      length: 15,
    });
    expect(parseProxyHeader(Buffer.from("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"))).toMatchObject({
      kind: "ok",
      source: null,
    });
  });

  it("is incomplete at every cut before the CRLF", () => {
    const line = "PROXY TCP4 203.0.113.10 192.0.2.1 40000 25\r\n";
    for (let n = 1; n < line.length; n++)
      expect(parseProxyHeader(Buffer.from(line.slice(0, n))).kind).toBe("incomplete");
  });

  it.each([
    ["PROXY TCP5 1.2.3.4 1.2.3.5 1 2\r\n", "family"],
    ["PROXY TCP4 1.2.3.4 1.2.3.5 1\r\n", "six fields"],
    ["PROXY TCP4 2001:db8::1 1.2.3.5 1 2\r\n", "address"],
    ["PROXY TCP6 1.2.3.4 2001:db8::1 1 2\r\n", "address"],
    ["PROXY TCP4 1.2.3.4 1.2.3.5 65536 2\r\n", "port"],
    ["PROXY TCP4 1.2.3.4 1.2.3.5 01 2\r\n", "port"],
    ["PROXY TCP4 1.2.3.4  1.2.3.5 1 2\r\n", "six fields"],
    ["PROXY TCP4 01.2.3.4 1.2.3.5 1 2\r\n", "address"],
    ["EHLO mail.example.test\r\n", "did not start"],
    ["\u0016\u0003\u0001garbage", "did not start"],
  ])("refuses %j (%s)", (text, reason) => {
    const parsed = parseProxyHeader(Buffer.from(text, "latin1"));
    expect(parsed.kind).toBe("invalid");
    expect(parsed.kind === "invalid" && parsed.reason).toContain(reason);
  });

  it(`refuses a line longer than ${V1_MAX} bytes, with or without its CRLF`, () => {
    expect(parseProxyHeader(Buffer.from(`PROXY UNKNOWN ${"x".repeat(V1_MAX)}`)).kind).toBe("invalid");
    expect(parseProxyHeader(Buffer.from(`PROXY UNKNOWN ${"x".repeat(V1_MAX)}\r\n`)).kind).toBe("invalid");
  });
});

describe("PROXY v2", () => {
  it("reads TCP over IPv4 and IPv6, skipping TLVs", () => {
    const tlvs = Buffer.from([0x04, 0x00, 0x03, 0x61, 0x62, 0x63]); // PP2_TYPE_NOOP
    const header = v2Ipv4([203, 0, 113, 10], 40000, tlvs);
    const withSession = Buffer.concat([header, Buffer.from("EHLO x\r\n")]);
    expect(parseProxyHeader(withSession)).toEqual({
      kind: "ok",
      version: 2,
      source: { address: "203.0.113.10", port: 40000 },
      length: header.length,
    });
    expect(parseProxyHeader(v2Ipv6("2001:db8::10", 1234))).toMatchObject({
      kind: "ok",
      version: 2,
      source: { address: "2001:db8::10", port: 1234 },
      length: 16 + 36,
    });
  });

  it("LOCAL and UNSPEC name no client", () => {
    expect(parseProxyHeader(v2(0, 0x00, Buffer.alloc(0)))).toEqual({
      kind: "ok",
      version: 2,
      source: null,
      length: 16,
    });
    expect(parseProxyHeader(v2(1, 0x00, Buffer.alloc(0)))).toMatchObject({ kind: "ok", source: null });
  });

  it("is incomplete at every cut of the header", () => {
    const header = v2Ipv4([203, 0, 113, 10], 40000);
    for (let n = 1; n < header.length; n++)
      expect(parseProxyHeader(header.subarray(0, n)).kind).toBe("incomplete");
  });

  it("refuses other versions, commands, transports, short blocks and huge headers", () => {
    const good = v2Ipv4([203, 0, 113, 10], 40000);
    const badVersion = Buffer.from(good);
    badVersion[12] = 0x11;
    expect(parseProxyHeader(badVersion).kind).toBe("invalid");
    const badCommand = Buffer.from(good);
    badCommand[12] = 0x22;
    expect(parseProxyHeader(badCommand).kind).toBe("invalid");
    expect(parseProxyHeader(v2(1, 0x12, Buffer.alloc(12))).kind).toBe("invalid"); // UDP
    expect(parseProxyHeader(v2(1, 0x31, Buffer.alloc(216))).kind).toBe("invalid"); // UNIX
    expect(parseProxyHeader(v2(1, 0x11, Buffer.alloc(8))).kind).toBe("invalid");
    expect(parseProxyHeader(v2(1, 0x21, Buffer.alloc(20))).kind).toBe("invalid");
    const huge = v2(1, 0x11, Buffer.alloc(V2_MAX));
    expect(parseProxyHeader(huge.subarray(0, 16)).kind).toBe("invalid"); // known too long from its length field
  });
});

// The PROXY protocol header a load balancer (HAProxy, AWS NLB, ...) sends before the SMTP
// session, naming the client it accepted the connection from: version 1 (one text line) and
// version 2 (binary), as specified in HAProxy's "The PROXY protocol" (proxy-protocol.txt,
// sections 2.1 and 2.2).
//
// Read by hand instead of with smtp-server's `useProxy`: that option reads only version 1
// (AWS NLB and many others send version 2), and the listener must also refuse a header from a
// peer outside SMTP_PROXY_FROM instead of ignoring it (src/mail/listener.ts). Pure: bytes in,
// a verdict out, so every shape is tested without sockets.
import ipaddr from "ipaddr.js";

/** A v1 line is at most 107 bytes with its CRLF (proxy-protocol.txt 2.1). */
export const V1_MAX = 107;
/** The v2 signature (2.2): chosen so that no text protocol's first line starts with it. */
export const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
/** Ours: a v2 header's TLVs beyond this are refused (real ones carry a few hundred bytes). */
export const V2_MAX = 16 + 2048;

const V1_PREFIX = Buffer.from("PROXY ", "latin1");

export interface ProxySource {
  address: string;
  port: number;
}

export type ProxyParse =
  /** More bytes are needed to tell. */
  | { kind: "incomplete" }
  | { kind: "invalid"; reason: string }
  /**
   * `source` null: the header names no client (v1 UNKNOWN, v2 LOCAL or an unspecified family,
   * e.g. the balancer's own health check): the connection's own peer is the client.
   * `length`: the header's bytes; what follows is the SMTP session's.
   */
  | { kind: "ok"; version: 1 | 2; source: ProxySource | null; length: number };

/** Whether `data` starts with a prefix of `expected` (all of it, when data is longer). */
function startsLike(data: Buffer, expected: Buffer): boolean {
  const n = Math.min(data.length, expected.length);
  return data.subarray(0, n).equals(expected.subarray(0, n));
}

/** Reads the header at the start of `data` (the bytes received so far). */
export function parseProxyHeader(data: Buffer): ProxyParse {
  if (data.length === 0) return { kind: "incomplete" };
  if (startsLike(data, V2_SIGNATURE)) return parseV2(data);
  if (startsLike(data, V1_PREFIX)) return parseV1(data);
  return { kind: "invalid", reason: "the connection did not start with a PROXY header" };
}

function parseV1(data: Buffer): ProxyParse {
  const end = data.indexOf("\r\n", 0, "latin1");
  if (end === -1) {
    return data.length >= V1_MAX
      ? { kind: "invalid", reason: `PROXY v1 line longer than ${V1_MAX} bytes` }
      : { kind: "incomplete" };
  }
  const length = end + 2;
  if (length > V1_MAX) return { kind: "invalid", reason: `PROXY v1 line longer than ${V1_MAX} bytes` };
  const words = data.subarray(0, end).toString("latin1").split(" ");
  const family = words[1];
  // "UNKNOWN": the proxy could not tell; the rest of the line is ignored (2.1).
  if (family === "UNKNOWN") return { kind: "ok", version: 1, source: null, length };
  if (family !== "TCP4" && family !== "TCP6")
    return { kind: "invalid", reason: "PROXY v1 family is not TCP4, TCP6 or UNKNOWN" };
  if (words.length !== 6) return { kind: "invalid", reason: "PROXY v1 line does not have six fields" };
  const [, , source, destination, sourcePort, destinationPort] = words as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const want = family === "TCP4" ? "ipv4" : "ipv6";
  for (const address of [source, destination]) {
    const ok = want === "ipv4" ? ipaddr.IPv4.isValidFourPartDecimal(address) : ipaddr.IPv6.isValid(address);
    if (!ok) return { kind: "invalid", reason: `PROXY v1 ${family} address is not one` };
  }
  const port = parsePort(sourcePort);
  if (port === null || parsePort(destinationPort) === null)
    return { kind: "invalid", reason: "PROXY v1 port is not a number from 0 to 65535" };
  return { kind: "ok", version: 1, source: { address: ipaddr.parse(source).toString(), port }, length };
}

/** A decimal port without leading zeros (2.1: "0 to 65535, no leading zero"). */
function parsePort(text: string): number | null {
  if (!/^(0|[1-9]\d{0,4})$/.test(text)) return null;
  const port = Number(text);
  return port <= 65_535 ? port : null;
}

function parseV2(data: Buffer): ProxyParse {
  if (data.length < 16) return { kind: "incomplete" };
  const versionCommand = data[12] as number;
  if (versionCommand >> 4 !== 2) return { kind: "invalid", reason: "PROXY v2 header of an unknown version" };
  const command = versionCommand & 0x0f;
  if (command !== 0 && command !== 1)
    return { kind: "invalid", reason: "PROXY v2 command is not LOCAL or PROXY" };
  const length = 16 + data.readUInt16BE(14);
  if (length > V2_MAX) return { kind: "invalid", reason: `PROXY v2 header longer than ${V2_MAX} bytes` };
  if (data.length < length) return { kind: "incomplete" };
  // LOCAL: the balancer's own connection (a health check); its endpoints are the real ones.
  if (command === 0) return { kind: "ok", version: 2, source: null, length };
  const familyTransport = data[13] as number;
  const body = data.subarray(16, length);
  switch (familyTransport) {
    case 0x11: // TCP over IPv4: 4 + 4 address bytes, 2 + 2 port bytes
      if (body.length < 12) return { kind: "invalid", reason: "PROXY v2 IPv4 address block too short" };
      return {
        kind: "ok",
        version: 2,
        source: {
          address: ipaddr.fromByteArray([...body.subarray(0, 4)]).toString(),
          port: body.readUInt16BE(8),
        },
        length,
      };
    case 0x21: // TCP over IPv6: 16 + 16 address bytes, 2 + 2 port bytes
      if (body.length < 36) return { kind: "invalid", reason: "PROXY v2 IPv6 address block too short" };
      return {
        kind: "ok",
        version: 2,
        source: {
          address: ipaddr.fromByteArray([...body.subarray(0, 16)]).toString(),
          port: body.readUInt16BE(32),
        },
        length,
      };
    case 0x00: // UNSPEC: the receiver uses the connection's own endpoints (2.2)
      return { kind: "ok", version: 2, source: null, length };
    default: // UDP or UNIX sockets cannot carry an SMTP client
      return { kind: "invalid", reason: "PROXY v2 names a transport other than TCP" };
  }
}

// The client's packet handling, against small UDP/TCP servers owned by each test (loopback).
import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import {
  type DnsQuestion,
  decodeResponse,
  describeError,
  errorOutcome,
  query,
} from "../../../src/check/dns-client.js";

const NAME = "5.113.0.203.in-addr.arpa";
const SOA = {
  type: "SOA" as const,
  name: "113.0.203.in-addr.arpa",
  ttl: 7,
  data: { mname: "ns.example.test", rname: "host.example.test", serial: 1, minimum: 3 },
};

function response(id: number, extra: Partial<dnsPacket.Packet> & { rcode?: string } = {}): Buffer {
  const { rcode, ...packet } = extra;
  const rcodeBits = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 }[rcode ?? "NOERROR"] ?? 0;
  return dnsPacket.encode({
    type: "response",
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | rcodeBits,
    questions: [{ type: "PTR", name: NAME, class: "IN" }],
    ...packet,
  });
}

/** Asks `server` for NAME's PTR, recursively with a 1 s budget unless `extra` says otherwise. */
function ask(server: string, extra: Partial<DnsQuestion> = {}) {
  return query({ name: NAME, type: "PTR", server, recursion: true, timeoutMs: 1000, ...extra });
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A UDP server answering each query with `reply(query)`; returns its port and the queries seen. */
async function udpServer(reply: (query: dnsPacket.DecodedPacket) => Buffer[] | null) {
  const socket = dgram.createSocket("udp4");
  const seen: dnsPacket.DecodedPacket[] = [];
  socket.on("message", (message, remote) => {
    const decoded = dnsPacket.decode(message);
    seen.push(decoded);
    for (const buffer of reply(decoded) ?? []) socket.send(buffer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  closers.push(() => socket.close());
  return { port: socket.address().port, seen, socket };
}

describe("decodeResponse", () => {
  const question = { name: NAME, type: "PTR" as const };

  it("reads rcode, AA, answers with TTLs and the authority SOA with its MINIMUM", () => {
    const decoded = decodeResponse(
      response(42, { rcode: "NXDOMAIN", authorities: [SOA] }),
      question,
      new Set([42]),
    );
    expect(decoded).toMatchObject({
      outcome: "answer",
      rcode: "NXDOMAIN",
      aa: true,
      answers: [],
      soa: { zone: "113.0.203.in-addr.arpa", ttl: 7, minimum: 3, mname: "ns.example.test" },
    });
    const found = decodeResponse(
      response(7, { answers: [{ type: "PTR", name: NAME, ttl: 300, data: "Mail.Example.TEST." }] }),
      question,
      new Set([7]),
    );
    expect(found?.answers).toEqual([{ name: NAME, type: "PTR", ttl: 300, data: "mail.example.test" }]);
  });

  it("rejects an answer with another id, another question, a query, or garbage", () => {
    expect(decodeResponse(response(1), question, new Set([2]))).toBeNull();
    expect(
      decodeResponse(response(1), { name: "6.113.0.203.in-addr.arpa", type: "PTR" }, new Set([1])),
    ).toBeNull();
    expect(decodeResponse(response(1), { name: NAME, type: "A" }, new Set([1]))).toBeNull();
    const asQuery = dnsPacket.encode({ type: "query", id: 1, questions: [{ type: "PTR", name: NAME }] });
    expect(decodeResponse(asQuery, question, new Set([1]))).toBeNull();
    expect(decodeResponse(Buffer.from([1, 2, 3]), question, new Set([1]))).toBeNull();
  });

  it("matches the question name case-insensitively (0x20 mixing)", () => {
    const upper = dnsPacket.encode({
      type: "response",
      id: 9,
      questions: [{ type: "PTR", name: NAME.toUpperCase() }],
    });
    expect(decodeResponse(upper, question, new Set([9]))?.rcode).toBe("NOERROR");
  });
});

describe("query over UDP", () => {
  it("sends RD=1 to resolvers and RD=0 to authorities, with random ids", async () => {
    const server = await udpServer((q) => [response(q.id ?? 0)]);
    await ask(`127.0.0.1:${server.port}`, { recursion: true });
    await ask(`127.0.0.1:${server.port}`, { recursion: false });
    expect(server.seen.map((q) => q.flag_rd)).toEqual([true, false]);
    expect(server.seen[0]?.questions).toEqual([{ type: "PTR", name: NAME, class: "IN" }]);
  });

  it("ignores a forged answer with the wrong id and takes the real one", async () => {
    const server = await udpServer((q) => [
      response(((q.id ?? 0) + 1) % 65536, {
        answers: [{ type: "PTR", name: NAME, ttl: 1, data: "evil.test" }],
      }),
      response(q.id ?? 0, { answers: [{ type: "PTR", name: NAME, ttl: 1, data: "good.test" }] }),
    ]);
    const result = await ask(`127.0.0.1:${server.port}`);
    expect(result.answers.map((a) => a.data)).toEqual(["good.test"]);
  });

  it.each(["SERVFAIL", "REFUSED"])("keeps %s as the rcode of an answer", async (rcode) => {
    const server = await udpServer((q) => [response(q.id ?? 0, { rcode })]);
    const result = await ask(`127.0.0.1:${server.port}`);
    expect(result).toMatchObject({ outcome: "answer", rcode });
  });

  it("retries within the budget, then reports a timeout (not an rcode)", async () => {
    const server = await udpServer(() => null);
    const started = Date.now();
    const result = await ask(`127.0.0.1:${server.port}`, { timeoutMs: 300, retries: 2 });
    expect(result.outcome).toBe("timeout");
    expect(result.rcode).toBeNull();
    expect(result.error).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(server.seen).toHaveLength(3);
    expect(new Set(server.seen.map((q) => q.id)).size).toBe(3);
  });

  it("reports a closed port as unreachable (ICMP port unreachable -> ECONNREFUSED)", async () => {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const port = socket.address().port;
    socket.close();
    const result = await ask(`127.0.0.1:${port}`);
    expect(result.outcome).toBe("unreachable");
    expect(result.error).toMatch(/connection refused/);
  });

  it("falls back to TCP when the UDP answer is truncated (RFC 7766)", async () => {
    const names = Array.from({ length: 60 }, (_, i) => `host-with-a-long-name-${i}.example.test`);
    const big = (id: number) =>
      response(id, { answers: names.map((data) => ({ type: "PTR" as const, name: NAME, ttl: 60, data })) });
    const udp = await udpServer((q) => [
      dnsPacket.encode({
        type: "response",
        id: q.id ?? 0,
        flags: dnsPacket.TRUNCATED_RESPONSE,
        questions: [{ type: "PTR", name: NAME }],
      }),
    ]);
    const tcp = net.createServer((conn) => {
      conn.on("data", (data) => {
        const q = dnsPacket.decode(data.subarray(2));
        const body = big(q.id ?? 0);
        const frame = Buffer.alloc(2);
        frame.writeUInt16BE(body.length);
        conn.end(Buffer.concat([frame, body]));
      });
    });
    await new Promise<void>((resolve) => tcp.listen(udp.port, "127.0.0.1", resolve));
    closers.push(() => tcp.close());
    const result = await ask(`127.0.0.1:${udp.port}`, { timeoutMs: 2000 });
    expect(result.transport).toBe("tcp");
    expect(result.answers).toHaveLength(60);
  });

  it("asks an IPv6 server written [::1]:port", async (context) => {
    const socket = dgram.createSocket("udp6");
    const bound = await new Promise<boolean>((resolve) => {
      socket.once("error", () => resolve(false));
      socket.bind(0, "::1", () => resolve(true));
    });
    if (!bound) {
      socket.close();
      context.skip(); // no IPv6 loopback on this machine
      return;
    }
    closers.push(() => socket.close());
    socket.on("message", (message, remote) => {
      socket.send(response(dnsPacket.decode(message).id ?? 0), remote.port, remote.address);
    });
    const result = await ask(`[::1]:${socket.address().port}`);
    expect(result).toMatchObject({
      outcome: "answer",
      rcode: "NOERROR",
      server: `[::1]:${socket.address().port}`,
    });
  });

  it("turns a malformed server address into an error outcome instead of throwing", async () => {
    const result = await ask("not-a-server", { timeoutMs: 100 });
    expect(result.outcome).toBe("error");
  });
});

// query() never throws: a server address that cannot be reached from this host (no route, a
// link-local address without an interface, no IPv6 at all) is an outcome, "could not tell".
describe("query to a server that cannot be reached", () => {
  const ask = (server: string, timeoutMs = 500) =>
    query({ name: NAME, type: "PTR", server, recursion: true, timeoutMs });

  it("a link-local server without an interface ([fe80::1]:53) is unreachable, not a throw", async () => {
    const result = await ask("[fe80::1]:53");
    expect(result.outcome).toBe("unreachable");
    expect(result.rcode).toBeNull();
    expect(result.error).toMatch(/\[fe80::1\]:53/);
    expect(result.error).toMatch(/cannot be reached from this host/);
  });

  it("a link-local server on an interface this host lacks is unreachable too", async () => {
    const result = await ask("[fe80::1%nosuch0]:53");
    expect(result.outcome).toBe("unreachable");
    expect(result.error).toMatch(/interface after % is not on this host/);
  });

  it("asking the same unreachable server again reuses nothing broken", async () => {
    const results = await Promise.all([ask("[fe80::1]:53"), ask("[fe80::1]:53"), ask("[fe80::1]:53")]);
    expect(results.map((r) => r.outcome)).toEqual(["unreachable", "unreachable", "unreachable"]);
  });

  it("[::1] on a port where nothing listens is unreachable (or unreachable for lack of IPv6)", async () => {
    const probe = dgram.createSocket("udp6");
    const port = await new Promise<number | null>((resolve) => {
      probe.once("error", () => resolve(null));
      probe.bind(0, "::1", () => resolve(probe.address().port));
    });
    probe.close();
    const result = await ask(`[::1]:${port ?? 9}`);
    expect(result.outcome).toBe("unreachable");
    expect(result.rcode).toBeNull();
  });

  it("a server that answers garbage (even with the query's id) gives a timeout, not a throw", async () => {
    const server = await udpServer((q) => {
      const id = Buffer.alloc(2);
      id.writeUInt16BE(q.id ?? 0);
      return [Buffer.from([1, 2, 3]), Buffer.concat([id, Buffer.from([0x81, 0x80, 0xff, 0xff, 0, 1])])];
    });
    const result = await ask(`127.0.0.1:${server.port}`, 300);
    expect(result.outcome).toBe("timeout");
    expect(server.seen.length).toBeGreaterThan(0);
  });
});

describe("errno mapping", () => {
  it.each(["EADDRNOTAVAIL", "ENETUNREACH", "EHOSTUNREACH", "EAFNOSUPPORT", "EINVAL"])(
    "%s means the server cannot be reached",
    (code) => {
      const err = Object.assign(new Error(`connect ${code}`), { code });
      expect(errorOutcome(err)).toBe("unreachable");
      expect(describeError(err, "[2001:db8::53]:53")).toMatch(/\[2001:db8::53\]:53 cannot be reached/);
    },
  );
});

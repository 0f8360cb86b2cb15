// The DNS client under volume, against small UDP servers owned by each test (loopback): matching
// by id AND question, random ids and a few source ports, per-server in-flight and rate limits,
// exponential back-off, timeouts that stay timeouts, and the observer hook.
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { DnsClient, query } from "../../../src/check/dns-client.js";
import { addQueryListener, type QueryEvent } from "../../../src/check/dns-observer.js";

const NAME = "5.113.0.203.in-addr.arpa";
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

interface Seen {
  id: number;
  name: string;
  port: number;
  at: number;
}

/** A UDP server: `reply` decides what to send back for each query (now or later, via send). */
async function udpServer(
  reply: (query: dnsPacket.DecodedPacket, send: (buffer: Buffer) => void) => void = () => undefined,
) {
  // Room for thousands of queries sent at once (the default buffer drops some).
  const socket = dgram.createSocket({ type: "udp4", recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  const seen: Seen[] = [];
  socket.on("message", (message, remote) => {
    const decoded = dnsPacket.decode(message);
    seen.push({
      id: decoded.id ?? -1,
      name: decoded.questions?.[0]?.name ?? "",
      port: remote.port,
      at: performance.now(),
    });
    reply(decoded, (buffer) => socket.send(buffer, remote.port, remote.address));
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  closers.push(() => socket.close());
  return { server: `127.0.0.1:${socket.address().port}`, seen };
}

function answer(id: number, name: string, extra: Partial<dnsPacket.Packet> & { rcode?: number } = {}) {
  const { rcode = 0, ...packet } = extra;
  return dnsPacket.encode({
    type: "response",
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
    questions: [{ type: "PTR", name, class: "IN" }],
    ...packet,
  });
}

const ptr = (name: string, data: string) => ({ answers: [{ type: "PTR" as const, name, ttl: 60, data }] });

function client(options: ConstructorParameters<typeof DnsClient>[0] = {}) {
  const made = new DnsClient(options);
  closers.push(() => made.close());
  return made;
}

const ask = (dns: DnsClient, server: string, name = NAME, timeoutMs = 1000, retries = 1) =>
  dns.query({ name, type: "PTR", server, recursion: true, timeoutMs, retries });

describe("matching answers to questions", { timeout: 20_000 }, () => {
  it("ignores an answer with the right id but another question, and takes the real one", async () => {
    const { server } = await udpServer((q, send) => {
      const id = q.id ?? 0;
      send(answer(id, "6.113.0.203.in-addr.arpa", ptr("6.113.0.203.in-addr.arpa", "wrong.test")));
      setTimeout(() => send(answer(id, NAME, ptr(NAME, "right.test"))), 20);
    });
    const response = await ask(client(), server);
    expect(response.answers.map((record) => record.data)).toEqual(["right.test"]);
  });

  it("keeps thousands of questions apart on a few sockets: each gets its own name's answer", async () => {
    const { server, seen } = await udpServer((q, send) => {
      const name = q.questions?.[0]?.name ?? "";
      // Answers out of order, after a random delay.
      setTimeout(
        () => send(answer(q.id ?? 0, name, ptr(name, `host-${name.split(".")[0]}.test`))),
        Math.random() * 30,
      );
    });
    const dns = client({ maxInFlightPerServer: 2000 });
    const names = Array.from({ length: 2000 }, (_, i) => `${i}.113.0.203.in-addr.arpa`);
    const responses = await Promise.all(names.map((name) => ask(dns, server, name, 5000, 0)));
    responses.forEach((response, i) => {
      expect(response.outcome).toBe("answer");
      expect(response.answers[0]?.data).toBe(`host-${i}.test`);
    });
    expect(seen).toHaveLength(2000); // no retransmission was needed
    // A small fixed pool of sockets, each with its own OS-chosen port.
    const ports = new Set(seen.map((s) => s.port));
    expect(ports.size).toBeGreaterThanOrEqual(2);
    expect(ports.size).toBeLessThanOrEqual(4);
    // Ids are unique while in flight on one socket (all 2,000 were in flight at once).
    for (const port of ports) {
      const ids = seen.filter((s) => s.port === port).map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe("randomness", () => {
  it("ids are random: spread over the 16-bit space, not sequential", async () => {
    const { server, seen } = await udpServer((q, send) =>
      send(answer(q.id ?? 0, q.questions?.[0]?.name ?? "")),
    );
    const dns = client();
    for (let i = 0; i < 300; i++) await ask(dns, server, `${i}.113.0.203.in-addr.arpa`);
    const ids = seen.map((s) => s.id);
    const steps = ids.slice(1).map((id, i) => id - (ids[i] ?? 0));
    expect(new Set(steps).size).toBeGreaterThan(250); // a counter would give one step
    expect(Math.max(...ids)).toBeGreaterThan(49_152); // some in the top quarter...
    expect(Math.min(...ids)).toBeLessThan(16_384); // ...and some in the bottom one
  });

  it("source ports change: a socket is replaced after its share of questions", async () => {
    const { server, seen } = await udpServer((q, send) => send(answer(q.id ?? 0, NAME)));
    const dns = client({ socketsPerServer: 2, maxUsesPerSocket: 10 });
    for (let i = 0; i < 60; i++) await ask(dns, server);
    expect(new Set(seen.map((s) => s.port)).size).toBeGreaterThanOrEqual(6);
  });
}, 20_000);

describe("per-server limits", () => {
  it("never has more than maxInFlightPerServer questions outstanding at a server", async () => {
    let outstanding = 0;
    let most = 0;
    const { server } = await udpServer((q, send) => {
      outstanding++;
      most = Math.max(most, outstanding);
      setTimeout(() => {
        outstanding--;
        send(answer(q.id ?? 0, q.questions?.[0]?.name ?? ""));
      }, 10);
    });
    const dns = client({ maxInFlightPerServer: 8 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => ask(dns, server, `${i}.113.0.203.in-addr.arpa`)),
    );
    expect(responses.every((response) => response.outcome === "answer")).toBe(true);
    expect(most).toBe(8);
  });

  it("caps packets per second to a server (--qps), bursts of a twentieth of a second", async () => {
    const { server, seen } = await udpServer((q, send) =>
      send(answer(q.id ?? 0, q.questions?.[0]?.name ?? "")),
    );
    const dns = client({ qpsPerServer: 200 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 60 }, (_, i) => ask(dns, server, `${i}.113.0.203.in-addr.arpa`)));
    const elapsed = performance.now() - started;
    // 10 at once (the burst), then 50 at 200/s: at least 250 ms.
    expect(elapsed).toBeGreaterThanOrEqual(240);
    // A token bucket lets at most burst + rate x t packets out by time t (a late timer may let
    // a burst through, never more): the 60th reaches the server 250 ms after the first at least.
    const times = seen.map((s) => s.at).sort((a, b) => a - b);
    expect((times[59] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(235);
  });

  it("a per-server cap leaves other servers alone", async () => {
    const slow = await udpServer((q, send) => send(answer(q.id ?? 0, q.questions?.[0]?.name ?? "")));
    const fast = await udpServer((q, send) => send(answer(q.id ?? 0, q.questions?.[0]?.name ?? "")));
    const dns = client({ qpsPerServer: (server) => (server === slow.server ? 20 : 0) });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => ask(dns, fast.server, `${i}.113.0.203.in-addr.arpa`)),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(fast.seen).toHaveLength(50);
  });
});

describe("retries and timeouts", () => {
  it("backs off exponentially inside the budget: gaps of 1, 2 units (3 tries in 7 units)", async () => {
    const { server, seen } = await udpServer();
    const started = performance.now();
    const response = await ask(client(), server, NAME, 700, 2);
    expect(response.outcome).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(690);
    expect(seen).toHaveLength(3);
    const first = (seen[1]?.at ?? 0) - (seen[0]?.at ?? 0);
    const second = (seen[2]?.at ?? 0) - (seen[1]?.at ?? 0);
    expect(first).toBeGreaterThanOrEqual(90); // 1 unit = 100 ms
    expect(second).toBeGreaterThanOrEqual(190); // 2 units
    expect(second).toBeGreaterThan(first * 1.5);
    expect(new Set(seen.map((s) => s.id)).size).toBe(3); // a fresh id per try
  });

  it("takes an answer to an earlier try after a retransmission", async () => {
    let first: dnsPacket.DecodedPacket | null = null;
    const { server, seen } = await udpServer((q, send) => {
      if (first === null) {
        first = q;
        setTimeout(() => send(answer(q.id ?? 0, NAME, ptr(NAME, "late.test"))), 150);
      }
    });
    const response = await ask(client(), server, NAME, 300, 1);
    expect(seen).toHaveLength(2);
    expect(response.answers[0]?.data).toBe("late.test");
  });

  it("hundreds of unanswered questions all end as timeouts, none as an rcode", async () => {
    const { server } = await udpServer();
    const dns = client({ maxInFlightPerServer: 1000 });
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => ask(dns, server, `${i}.113.0.203.in-addr.arpa`, 300, 1)),
    );
    expect(new Set(responses.map((response) => response.outcome))).toEqual(new Set(["timeout"]));
    expect(responses.every((response) => response.rcode === null && response.answers.length === 0)).toBe(
      true,
    );
  });
});

describe("the observer", () => {
  it("hears every question's outcome and duration", async () => {
    const { server } = await udpServer((q, send) => {
      const name = q.questions?.[0]?.name ?? "";
      const label = name.split(".")[0];
      const id = q.id ?? 0;
      if (label === "1") send(answer(id, name, ptr(name, "found.test")));
      if (label === "2") send(answer(id, name, { rcode: 3 })); // NXDOMAIN
      if (label === "3") send(answer(id, name)); // NODATA
      if (label === "4") send(answer(id, name, { rcode: 2 })); // SERVFAIL
      if (label === "5") send(answer(id, name, { rcode: 5 })); // REFUSED
    });
    const events: QueryEvent[] = [];
    const dns = client({ onQuery: (event) => events.push(event) });
    for (const label of ["1", "2", "3", "4", "5", "6"]) {
      await ask(dns, server, `${label}.113.0.203.in-addr.arpa`, 200, 0);
    }
    expect(events.map((event) => event.outcome)).toEqual([
      "answer",
      "nxdomain",
      "nodata",
      "servfail",
      "refused",
      "timeout",
    ]);
    expect(events.every((event) => event.server === server && event.type === "PTR")).toBe(true);
    expect(events[5]?.seconds).toBeGreaterThanOrEqual(0.19);
    expect(events[0]?.seconds).toBeLessThan(0.19);
  });

  it("an observer that throws does not fail the question", async () => {
    const { server } = await udpServer((q, send) => send(answer(q.id ?? 0, NAME)));
    const dns = client({
      onQuery: () => {
        throw new Error("observer bug");
      },
    });
    expect((await ask(dns, server)).outcome).toBe("answer");
  });

  it("listeners added with addQueryListener hear the default client (query)", async () => {
    const { server } = await udpServer((q, send) => send(answer(q.id ?? 0, NAME, { rcode: 3 })));
    const heard: QueryEvent[] = [];
    const stop = addQueryListener((event) => {
      if (event.server === server) heard.push(event);
    });
    await query({ name: NAME, type: "PTR", server, recursion: true, timeoutMs: 500 });
    stop();
    await query({ name: NAME, type: "PTR", server, recursion: true, timeoutMs: 500 });
    expect(heard.map((event) => event.outcome)).toEqual(["nxdomain"]);
  });
});

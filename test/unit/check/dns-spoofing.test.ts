// What a spoofed answer must guess (RFC 5452): a random source port per turn of the event loop's
// questions, a random id, and the question itself (name, type, class); and that every forgery
// that misses one of them is ignored while the real answer, sent after it, is taken.
import dgram from "node:dgram";
import type dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { DnsClient } from "../../../src/check/dns-client.js";
import { answerTo, ptrAnswer, type Reply, udpServer } from "./udp-server.js";

const NAME = "5.113.0.203.in-addr.arpa";
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function server(reply?: Parameters<typeof udpServer>[0], host?: string, port?: number) {
  const made = await udpServer(reply, host, port);
  closers.push(made.close);
  return made;
}

function client() {
  const made = new DnsClient({ maxInFlightPerServer: 1000 });
  closers.push(() => made.close());
  return made;
}

const ask = (dns: DnsClient, at: string, name = NAME, timeoutMs = 2000) =>
  dns.query({ name, type: "PTR", server: at, recursion: true, timeoutMs, retries: 0 });

const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `${i % 256}.${i >> 8}.0.10.in-addr.arpa`);
const echo = (query: dnsPacket.DecodedPacket, to: Reply) => to.send(answerTo(query));

describe("source ports", { timeout: 30_000 }, () => {
  it("1,000 sequential questions leave from (nearly) 1,000 random ports", async () => {
    const { server: at, seen } = await server(echo);
    const dns = client();
    for (const name of names(1000)) expect((await ask(dns, at, name)).outcome).toBe("answer");
    const ports = seen.map((s) => s.port);
    // The OS picks each from ~28,000 ephemeral ports: a few repeats by chance (the birthday
    // bound: about 18 in 1,000), never a handful of ports reused.
    expect(new Set(ports).size).toBeGreaterThanOrEqual(900);
    // Spread over the range, not counting up from one place.
    expect(Math.max(...ports) - Math.min(...ports)).toBeGreaterThan(10_000);
    const steps = new Set(ports.slice(1).map((port, i) => port - (ports[i] ?? 0)));
    expect(steps.size).toBeGreaterThan(900);
  });

  it("1,000 questions, 50 in flight at a time as a sweep asks them: a new port every turn", async () => {
    const { server: at, seen } = await server(echo);
    const dns = client();
    const queue = names(1000);
    const lane = async () => {
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
        expect((await ask(dns, at, name)).outcome).toBe("answer");
      }
    };
    await Promise.all(Array.from({ length: 50 }, lane));
    const perPort = new Map<number, number>();
    for (const s of seen) perPort.set(s.port, (perPort.get(s.port) ?? 0) + 1);
    // Each turn of the event loop reads a few answers and asks the next questions from a new
    // socket; the old fixed pool used 4 ports for all of them.
    expect(perPort.size).toBeGreaterThanOrEqual(20);
    expect(Math.max(...perPort.values())).toBeLessThanOrEqual(512);
  });

  it("questions asked in one turn share a socket of at most 512, and are sent together", async () => {
    const { server: at, seen } = await server(echo);
    const dns = client();
    const responses = await Promise.all(names(1000).map((name) => ask(dns, at, name)));
    expect(responses.every((response) => response.outcome === "answer")).toBe(true);
    const perPort = new Map<number, number>();
    for (const s of seen) perPort.set(s.port, (perPort.get(s.port) ?? 0) + 1);
    expect([...perPort.values()].sort((a, b) => b - a)).toEqual([512, 488]);
    // Ids are unique per socket while in flight.
    for (const port of perPort.keys()) {
      const ids = seen.filter((s) => s.port === port).map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("a server that never answers holds at most 64 sockets open, however many turns ask it", async () => {
    const { server: at, seen } = await server();
    const dns = client();
    const pending: Array<Promise<{ outcome: string }>> = [];
    for (const name of names(200)) {
      pending.push(ask(dns, at, name, 1000));
      await new Promise((resolve) => setImmediate(resolve)); // the next question in another turn
    }
    const responses = await Promise.all(pending);
    expect(responses.every((response) => response.outcome === "timeout")).toBe(true);
    const ports = new Set(seen.map((s) => s.port));
    expect(ports.size).toBeGreaterThanOrEqual(60);
    expect(ports.size).toBeLessThanOrEqual(64);
  });
});

/** Ways to forge an answer that each miss one thing an off-path attacker must guess. */
const FORGERIES: Array<[string, (query: dnsPacket.DecodedPacket, to: Reply) => void]> = [
  ["a CH-class question", (q, to) => to.send(answerTo(q, ptrAnswer(NAME, "forged.test"), { class: "CH" }))],
  [
    "a wrong id",
    (q, to) => to.send(answerTo({ ...q, id: ((q.id ?? 0) + 1) & 0xffff }, ptrAnswer(NAME, "forged.test"))),
  ],
  [
    "another name",
    (q, to) =>
      to.send(
        answerTo(q, ptrAnswer("6.113.0.203.in-addr.arpa", "forged.test"), {
          name: "6.113.0.203.in-addr.arpa",
        }),
      ),
  ],
  [
    "another type",
    (q, to) =>
      to.send(
        answerTo(q, { answers: [{ type: "A", name: NAME, ttl: 60, data: "192.0.2.1" }] }, { type: "A" }),
      ),
  ],
];

describe("forged answers are ignored, the real one is taken", { timeout: 10_000 }, () => {
  it.each(FORGERIES)("%s", async (_kind, forge) => {
    const { server: at } = await server((q, to) => {
      forge(q, to);
      setTimeout(() => to.send(answerTo(q, ptrAnswer(NAME, "real.test"))), 30);
    });
    const response = await ask(client(), at);
    expect(response.outcome).toBe("answer");
    expect(response.answers.map((record) => record.data)).toEqual(["real.test"]);
  });

  it("an answer from another port or another address of the server's host", async () => {
    const otherPort = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => otherPort.bind(0, "127.0.0.1", resolve));
    closers.push(() => otherPort.close());
    let otherAddress: dgram.Socket | undefined;
    const real = await server((q, to) => {
      const forged = answerTo(q, ptrAnswer(NAME, "forged.test"));
      otherPort.send(forged, to.port, to.address);
      otherAddress?.send(forged, to.port, to.address);
      setTimeout(() => to.send(answerTo(q, ptrAnswer(NAME, "real.test"))), 30);
    });
    // The same port on another loopback address (127.0.0.0/8 is all this host's).
    otherAddress = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => otherAddress?.bind(real.port, "127.0.0.2", resolve));
    closers.push(() => otherAddress?.close());
    const response = await ask(client(), real.server);
    expect(response.answers.map((record) => record.data)).toEqual(["real.test"]);
  });

  it("a CH-class answer alone is no answer: the question times out", async () => {
    const { server: at } = await server((q, to) =>
      to.send(answerTo(q, ptrAnswer(NAME, "forged.test"), { class: "CH" })),
    );
    const response = await ask(client(), at, NAME, 300);
    expect(response.outcome).toBe("timeout");
  });
});

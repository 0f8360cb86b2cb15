// Retransmissions timed by the server's measured round trip (rtt.ts): a server that is slow but
// answers is not sent every question twice, a lost packet to a fast server is sent again soon,
// and a server that stops answering gets one probe at a time, not every question again.
import type dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { DnsClient, type DnsResponse } from "../../../src/check/dns-client.js";
import { answerTo, type Reply, udpServer } from "./udp-server.js";

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function server(reply: (query: dnsPacket.DecodedPacket, to: Reply) => void) {
  const made = await udpServer(reply);
  closers.push(made.close);
  return made;
}

function client() {
  const made = new DnsClient({ maxInFlightPerServer: 1000 });
  closers.push(() => made.close());
  return made;
}

const nameOf = (i: number) => `${i % 256}.${i >> 8}.0.10.in-addr.arpa`;
/** The check's default budget (DNS_TIMEOUT_MS) and the client's default retries. */
const ask = (dns: DnsClient, at: string, i: number, timeoutMs = 2000) =>
  dns.query({ name: nameOf(i), type: "PTR", server: at, recursion: true, timeoutMs });

/** `lanes` questions at a time, each lane asking its next when its last is answered. */
async function sweep(dns: DnsClient, at: string, lanes: number, each: number, first = 0) {
  const responses: DnsResponse[] = [];
  let next = first;
  const lane = async () => {
    for (let k = 0; k < each; k++) responses.push(await ask(dns, at, next++));
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return responses;
}

const outcomes = (responses: DnsResponse[]) => responses.map((response) => response.outcome);

describe("retransmissions follow the server's round trip", { timeout: 30_000 }, () => {
  it("a server answering every question 1.5 s late gets at most 1.2 packets a question, cold start included", async () => {
    const { server: at, seen } = await server((q, to) => setTimeout(() => to.send(answerTo(q)), 1500));
    const responses = await sweep(client(), at, 60, 3);
    expect(outcomes(responses).every((outcome) => outcome === "answer")).toBe(true);
    // A third of the budget (667 ms) was the old retransmission time: 2 packets a question.
    expect(seen.length / responses.length).toBeLessThanOrEqual(1.2);
  });

  it("a lost packet to a fast server is sent again after a few of its round trips, not a third of the budget", async () => {
    const dropped = new Set<string>();
    const { server: at } = await server((q, to) => {
      const name = q.questions?.[0]?.name ?? "";
      // The first try of every tenth question after the warm-up is lost.
      if (
        name.endsWith(".1.0.10.in-addr.arpa") &&
        Number(name.split(".")[0]) % 10 === 0 &&
        !dropped.has(name)
      ) {
        dropped.add(name);
        return;
      }
      to.send(answerTo(q));
    });
    const dns = client();
    await sweep(dns, at, 10, 10); // the server's round trip is measured: about a millisecond
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => ask(dns, at, 256 + i)));
    expect(dropped.size).toBe(10);
    expect(outcomes(responses).every((outcome) => outcome === "answer")).toBe(true);
    const slowest = Math.max(...responses.map((response) => response.rttMs));
    expect(slowest).toBeGreaterThanOrEqual(290); // not before the floor (rtt.ts MIN_RTO_MS)
    expect(slowest).toBeLessThan(600); // the old schedule: 667 ms
  });

  it("a server that stops answering gets a probe at a time, not every outstanding question again", async () => {
    let silent = false;
    const { server: at, seen } = await server((q, to) => {
      if (!silent) to.send(answerTo(q));
    });
    const dns = client();
    await sweep(dns, at, 10, 10);
    silent = true;
    const before = seen.length;
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => ask(dns, at, 256 + i)));
    expect(outcomes(responses).every((outcome) => outcome === "timeout")).toBe(true);
    // 100 first tries; retransmissions at 300, 600, 1200 ms after the first (doubling): 3 or 4.
    expect(seen.length - before).toBeLessThanOrEqual(105);
  });

  it("questions held back while a server stalled are sent again once it answers", async () => {
    let stalled = false;
    const { server: at } = await server((q, to) => {
      if (!stalled) to.send(answerTo(q));
    });
    const dns = client();
    await sweep(dns, at, 10, 10);
    stalled = true;
    setTimeout(() => {
      stalled = false;
    }, 250);
    // Every first try is lost; the first retransmission (300 ms) is answered, and then the
    // others, held behind it, go out at their next look.
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => ask(dns, at, 256 + i)));
    expect(outcomes(responses).every((outcome) => outcome === "answer")).toBe(true);
  });
});

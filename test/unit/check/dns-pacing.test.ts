// A sweep's --qps pacing is the asker's own queue: a question that waited there is not "no answer
// within its timeout", and a check whose questions waited there is not past its deadline. Real
// DNS client against small UDP servers on loopback; the rate limit's order with its own clock.
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import {
  afterDeadline,
  deadlineTransport,
  movePastPacing,
  startDeadline,
} from "../../../src/check/deadline.js";
import { DnsClient } from "../../../src/check/dns-client.js";
import { RateLimit } from "../../../src/check/dns-limits.js";
import { pacedConcurrency } from "../../../src/check/sweep.js";
import { udpServer } from "./udp-server.js";

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A server that answers every PTR question at once with NXDOMAIN (AA). */
async function nxdomainServer() {
  const made = await udpServer((query, to) =>
    to.send(
      dnsPacket.encode({
        type: "response",
        id: query.id ?? 0,
        flags: dnsPacket.AUTHORITATIVE_ANSWER | 3,
        questions: query.questions ?? [],
      }),
    ),
  );
  closers.push(() => made.close());
  return made;
}

function client(options: ConstructorParameters<typeof DnsClient>[0]) {
  const made = new DnsClient(options);
  closers.push(() => made.close());
  return made;
}

const question = (server: string, i: number, timeoutMs: number) => ({
  name: `${i}.113.0.203.in-addr.arpa`,
  type: "PTR" as const,
  server,
  recursion: false,
  timeoutMs,
  retries: 1,
});

describe("the pacing wait is not the server's silence", () => {
  it("a question queued behind --qps longer than its timeout still gets its answer", async () => {
    const { server, seen } = await nxdomainServer();
    // 10 a second, bursts of 1: the 12th question goes out about 1.1 s after the first, over
    // twice its 500 ms budget. Counted from when it was asked, it would time out unasked.
    const dns = client({ qpsPerServer: 10 });
    const waits: number[] = [];
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        dns.query({ ...question(server, i, 500), onPaced: (since, until) => waits.push(until - since) }),
      ),
    );
    expect(responses.map((response) => response.outcome)).toEqual(Array(12).fill("answer"));
    expect(seen).toHaveLength(12);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    // Every question but the burst's first waited, and said so; the longest about 1.1 s.
    expect(waits).toHaveLength(11);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(1000);
    // Each answer's round trip is the server's, not the queue's.
    expect(Math.max(...responses.map((response) => response.rttMs))).toBeLessThan(400);
  });

  it("a check's deadline moves on by its questions' pacing waits: none is cut", async () => {
    const { server } = await nxdomainServer();
    const dns = client({ qpsPerServer: 10 });
    const deadline = startDeadline(300);
    const ask = deadlineTransport(dns.query, deadline);
    const at = deadline.at;
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(question(server, i, 250))));
    expect(responses.map((response) => response.outcome)).toEqual(Array(8).fill("answer"));
    expect(deadline.cut).toEqual([]);
    // Seven waits side by side, the longest ~700 ms: moved by that, not by their sum (~2.8 s).
    expect(deadline.at - at).toBeGreaterThanOrEqual(600);
    expect(deadline.at - at).toBeLessThan(1000);
  });

  it("without pacing a slow server still meets the deadline", async () => {
    const silent = await udpServer();
    closers.push(() => silent.close());
    const dns = client({});
    const deadline = startDeadline(200);
    const ask = deadlineTransport(dns.query, deadline);
    const started = performance.now();
    const response = await ask(question(silent.server, 1, 1000));
    expect(response.outcome).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(400);
    expect(deadline.cut).toHaveLength(1);
  });
});

describe("movePastPacing", () => {
  it("adds overlapping waits once and separate waits each", () => {
    const deadline = { ...startDeadline(1000), at: 1000, pacedUntil: 0 };
    movePastPacing(deadline, 100, 300); // +200
    movePastPacing(deadline, 100, 350); // overlaps up to 300: +50
    movePastPacing(deadline, 120, 340); // inside what was added: +0
    expect(deadline.at).toBe(1250);
    movePastPacing(deadline, 500, 600); // a later wait of its own: +100
    expect(deadline.at).toBe(1350);
  });
});

describe("afterDeadline (the check's backstop)", () => {
  it("waits for a deadline that pacing moved on", async () => {
    const started = performance.now();
    const deadline = startDeadline(100);
    const cut = afterDeadline(deadline, 10);
    movePastPacing(deadline, started, started + 200);
    await cut.passed;
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });
});

describe("RateLimit", () => {
  it("lets an urgent take (a retransmission) go before the ordinary ones waiting", async () => {
    let now = 0;
    const rate = new RateLimit(20, () => now); // a burst of 1
    expect(rate.take()).toBeUndefined();
    const order: string[] = [];
    for (const name of ["a", "b", "c"]) void rate.take()?.then(() => order.push(name));
    void rate.take(true)?.then(() => order.push("urgent"));
    expect(rate.queued).toBe(4);
    now = 1000; // later: a token (the burst is 1), taken by the urgent one
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(order).toEqual(["urgent"]);
    for (const later of [2000, 3000, 4000]) {
      now = later;
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    expect(order).toEqual(["urgent", "a", "b", "c"]);
    expect(rate.queued).toBe(0);
  });
});

describe("pacedConcurrency", () => {
  it("lets in about a second of a paced server's questions, at least one check", () => {
    expect(pacedConcurrency(128, 0)).toBe(128);
    expect(pacedConcurrency(128, 40)).toBe(14);
    expect(pacedConcurrency(128, 20)).toBe(7);
    expect(pacedConcurrency(128, 1)).toBe(1);
    expect(pacedConcurrency(128, 100_000)).toBe(128);
  });
});

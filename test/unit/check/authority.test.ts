// An "authority" that answers without the AA flag (a lame delegation, or a cache listed as an
// authority) has not given the zone's answer: NXDOMAIN from it is "could not tell", never NO_PTR.
// Small fake servers on loopback (node:dgram + dns-packet), real client and rules.
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";

const IP = "203.0.113.5";
const REVERSE = "5.113.0.203.in-addr.arpa";
const MAIL = "mail.example.test";
const SOA = {
  type: "SOA" as const,
  name: "113.0.203.in-addr.arpa",
  ttl: 60,
  data: { mname: "ns.example.test", rname: "host.example.test", serial: 1, minimum: 60 },
};

type Reply = (question: dnsPacket.Question) => { flags: number; rcode: number; answers?: dnsPacket.Answer[] };

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function fakeServer(reply: Reply): Promise<string> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (message, remote) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (question === undefined) return;
    const { flags, rcode, answers = [] } = reply(question);
    const packet = dnsPacket.encode({
      type: "response",
      id: query.id ?? 0,
      flags: flags | rcode,
      questions: [question],
      answers,
      authorities: rcode === 3 || answers.length === 0 ? [SOA] : [],
    });
    socket.send(packet, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  closers.push(() => socket.close());
  return `127.0.0.1:${socket.address().port}`;
}

const NXDOMAIN = 3;
const SERVFAIL = 2;
/** NXDOMAIN without AA (and RA unset): what a lame server or a cache listed as authority says. */
const lameNxdomain: Reply = () => ({ flags: 0, rcode: NXDOMAIN });
/** A resolver with the PTR and its forward A (RA set, no AA). */
const goodResolver: Reply = (question) => {
  const flags = dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE;
  if (question.type === "PTR" && question.name === REVERSE) {
    return { flags, rcode: 0, answers: [{ type: "PTR", name: REVERSE, ttl: 30, data: MAIL }] };
  }
  if (question.type === "A" && question.name === MAIL) {
    return { flags, rcode: 0, answers: [{ type: "A", name: MAIL, ttl: 30, data: IP }] };
  }
  return { flags, rcode: NXDOMAIN };
};

describe("a non-authoritative answer from an authority", () => {
  it("NXDOMAIN without AA is not NO_PTR: the verdict follows the resolver, with a DNS_ERROR warning", async () => {
    const authority = await fakeServer(lameNxdomain);
    const resolver = await fakeServer(goodResolver);
    const report = await runCheck({
      ip: IP,
      resolvers: [resolver],
      authorities: [authority],
      timeoutMs: 1000,
    });
    expect(report.ptr).toEqual({ status: "found", names: [MAIL] });
    expect(report.verdict).toBe("pass");
    expect(report.authority?.status).not.toBe("nxdomain");
    expect(report.authority?.answers[0]).toMatchObject({ server: authority, status: "servfail" });
    expect(report.authority?.answers[0]?.error).toMatch(/NXDOMAIN without the authoritative \(AA\) flag/);
    const codes = report.problems.map((problem) => problem.code);
    expect(codes).not.toContain("NO_PTR");
    expect(report.problems).toContainEqual(
      expect.objectContaining({ code: "DNS_ERROR", severity: "warning" }),
    );
    expect(report.problems.find((p) => p.code === "DNS_ERROR")?.message).toContain(authority);
  });

  it("NXDOMAIN without AA and a failing resolver: inconclusive, never NO_PTR", async () => {
    const authority = await fakeServer(lameNxdomain);
    const resolver = await fakeServer(() => ({ flags: dnsPacket.RECURSION_AVAILABLE, rcode: SERVFAIL }));
    const report = await runCheck({
      ip: IP,
      resolvers: [resolver],
      authorities: [authority],
      timeoutMs: 1000,
    });
    expect(report.verdict).toBe("inconclusive");
    expect(["servfail", "timeout", "refused"]).toContain(report.ptr.status);
    expect(["servfail", "timeout", "refused"]).toContain(report.authority?.status);
    const codes = report.problems.map((problem) => problem.code);
    expect(codes).not.toContain("NO_PTR");
    expect(codes).toContain("DNS_ERROR");
  });

  it("an authoritative NXDOMAIN (AA set) is still the truth: NO_PTR", async () => {
    const authority = await fakeServer(() => ({ flags: dnsPacket.AUTHORITATIVE_ANSWER, rcode: NXDOMAIN }));
    const resolver = await fakeServer(goodResolver);
    const report = await runCheck({
      ip: IP,
      resolvers: [resolver],
      authorities: [authority],
      timeoutMs: 1000,
    });
    expect(report.authority?.status).toBe("nxdomain");
    expect(report.problems.map((problem) => problem.code)).toContain("NO_PTR");
  });
});

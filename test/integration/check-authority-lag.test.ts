// Issue 29: a zone's authoritative servers that disagree (a secondary behind the primary's serial,
// or a split-brain zone) give the same verdict in any server order, the newest serial's, with
// AUTHORITY_LAG naming who lags; issue 28.2: name servers found through NS records at non-public
// addresses are never asked. Against small DNS servers on loopback (test/fakes/dns/); the real
// Knot secondary is in check-authority-lag-lab.test.ts.
import type dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import type { CheckReport } from "../../src/check/types.js";
import {
  a,
  type FakeDnsServer,
  type FakeHandler,
  ptr,
  startFakeDns,
  zoneHandler,
} from "../fakes/dns/server.js";

const IP = "203.0.113.42";
const ZONE = "113.0.203.in-addr.arpa";
const Q = `42.${ZONE}`;
const HOST = "host42.example.test";

const servers: FakeDnsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fake(handler: FakeHandler): Promise<FakeDnsServer> {
  const server = await startFakeDns(handler);
  servers.push(server);
  return server;
}

const codes = (report: CheckReport) => report.problems.map((problem) => problem.code);

/** The newest zone copy doubles as the resolver (what receivers' caches would get from it). */
async function zoneServers(newest: dnsPacket.Answer[], older: dnsPacket.Answer[], olderSerial: number) {
  const primary = await fake(zoneHandler(ZONE, [...newest, a(HOST, IP)], { serial: 2 }));
  const secondary = await fake(zoneHandler(ZONE, [...older, a(HOST, IP)], { serial: olderSerial }));
  return { primary: primary.address, secondary: secondary.address };
}

function check(resolver: string, authorities: string[]): Promise<CheckReport> {
  return runCheck({ ip: IP, resolvers: [resolver], authorities, timeoutMs: 1000 });
}

/** The verdict-bearing parts of a report, for comparing two server orders. */
const verdictOf = (report: CheckReport) => ({
  verdict: report.verdict,
  ptr: report.ptr,
  codes: codes(report),
  authority: {
    status: report.authority?.status,
    names: report.authority?.names,
    serial: report.authority?.serial,
  },
});

describe("authorities that disagree (issue 29)", () => {
  it("a secondary still on serial 1 without the new PTR: pass in both orders, AUTHORITY_LAG names it", async () => {
    const { primary, secondary } = await zoneServers([ptr(Q, HOST)], [], 1);
    const lagFirst = await check(primary, [secondary, primary]);
    const lagLast = await check(primary, [primary, secondary]);
    for (const report of [lagFirst, lagLast]) {
      expect(report.verdict).toBe("pass");
      expect(codes(report)).toEqual(["AUTHORITY_LAG"]);
      expect(report.authority).toMatchObject({ status: "found", names: [HOST], serial: 2 });
      const lag = report.problems[0];
      expect(lag?.severity).toBe("warning");
      expect(lag?.message).toContain(`${secondary} (serial 1: NXDOMAIN)`);
      expect(lag?.message).toContain("lags behind serial 2");
      expect(lag?.message).toContain(primary);
      expect(report.authority?.disagreement).toMatchObject({ kind: "lag", serial: 2, newest: [primary] });
    }
    expect(verdictOf(lagFirst)).toEqual(verdictOf(lagLast));
    // JSON authority.answers: one per server, each with its serial.
    const answers = (report: CheckReport) =>
      (report.authority?.answers ?? [])
        .map(({ server, status, names, serial }) => ({ server, status, names, serial }))
        .sort((x, y) => x.server.localeCompare(y.server));
    expect(answers(lagFirst)).toEqual(
      [
        { server: primary, status: "found", names: [HOST], serial: 2 },
        { server: secondary, status: "nxdomain", names: [], serial: 1 },
      ].sort((x, y) => x.server.localeCompare(y.server)),
    );
    expect(answers(lagLast)).toEqual(answers(lagFirst));
  });

  it("a removed PTR the secondary still serves: NO_PTR from the newest serial in both orders", async () => {
    const { primary, secondary } = await zoneServers([], [ptr(Q, HOST)], 1);
    const reports = [await check(primary, [secondary, primary]), await check(primary, [primary, secondary])];
    for (const report of reports) {
      expect(report.verdict).toBe("fail");
      expect(codes(report)).toContain("NO_PTR");
      expect(codes(report)).toContain("AUTHORITY_LAG");
      expect(report.authority?.status).toBe("nxdomain");
      expect(report.problems.find((p) => p.code === "AUTHORITY_LAG")?.message).toContain(
        `${secondary} (serial 1: PTR ${HOST})`,
      );
    }
    expect(verdictOf(reports[0] as CheckReport)).toEqual(verdictOf(reports[1] as CheckReport));
  });

  it("equal serials, different answers: a split-brain zone, the same verdict in both orders", async () => {
    const { primary, secondary } = await zoneServers([ptr(Q, HOST)], [], 2);
    const reports = [await check(primary, [secondary, primary]), await check(primary, [primary, secondary])];
    for (const report of reports) {
      expect(report.authority?.disagreement?.kind).toBe("split");
      const problem = report.problems.find((p) => p.code === "AUTHORITY_LAG");
      expect(problem?.message).toContain("split-brain");
      expect(problem?.message).not.toContain("lags behind");
    }
    expect(verdictOf(reports[0] as CheckReport)).toEqual(verdictOf(reports[1] as CheckReport));
  });

  it("servers that agree: no AUTHORITY_LAG, every answer with its serial", async () => {
    const { primary, secondary } = await zoneServers([ptr(Q, HOST)], [ptr(Q, HOST)], 1);
    const report = await check(primary, [secondary, primary]);
    expect(report.verdict).toBe("pass");
    expect(codes(report)).toEqual([]);
    expect(report.authority?.disagreement).toBeNull();
    expect(report.authority?.answers.map((answer) => answer.serial).sort()).toEqual([1, 2]);
  });
});

describe("discovered name servers that disagree", () => {
  it("the lagging one is named by its NS name and address", async () => {
    const primary = await fake(zoneHandler(ZONE, [ptr(Q, HOST), a(HOST, IP)], { serial: 2 }));
    const port = Number(primary.address.split(":")[1]);
    const lagging = await startFakeDns(zoneHandler(ZONE, [a(HOST, IP)], { serial: 1 }), {
      host: "127.0.0.2",
      port,
    });
    servers.push(lagging);
    const ns = (name: string): dnsPacket.Answer => ({ type: "NS", name: ZONE, ttl: 30, data: name });
    const resolver = await fake(
      zoneHandler(ZONE, [
        ptr(Q, HOST),
        a(HOST, IP),
        ns("ns1.lag.example"),
        ns("ns2.lag.example"),
        a("ns1.lag.example", "127.0.0.1"),
        a("ns2.lag.example", "127.0.0.2"),
      ]),
    );
    const report = await runCheck({
      ip: IP,
      resolvers: [resolver.address],
      authorities: [],
      authorityPort: port,
      askNonPublicNameServers: true,
      timeoutMs: 1000,
    });
    expect(report.verdict).toBe("pass");
    expect(report.authority?.servers.sort()).toEqual([primary.address, lagging.address].sort());
    const lag = report.problems.find((problem) => problem.code === "AUTHORITY_LAG");
    expect(lag?.message).toContain(
      `ns2.lag.example (${lagging.address}) (serial 1: NXDOMAIN) lags behind serial 2`,
    );
    expect(lag?.message).toContain(`ns1.lag.example (${primary.address})`);
  });
});

describe("discovery never aims the bot inward (issue 28.2)", () => {
  it("NS at 127.0.0.1, 10/8 and 169.254.169.254 are not asked and are reported without their address", async () => {
    // A name server on loopback, on the port the check would ask discovered servers at: it must
    // hear nothing.
    const inside = await fake(() => ({ answers: [] }));
    const port = Number(inside.address.split(":")[1]);
    const ns = (name: string): dnsPacket.Answer => ({ type: "NS", name: ZONE, ttl: 30, data: name });
    const hostile = await fake(
      zoneHandler(ZONE, [
        ptr(Q, HOST),
        a(HOST, IP),
        ns("ns1.evil.test"),
        ns("ns2.evil.test"),
        ns("ns3.evil.test"),
        a("ns1.evil.test", "127.0.0.1"),
        a("ns2.evil.test", "10.1.2.3"),
        a("ns3.evil.test", "169.254.169.254"),
      ]),
    );
    const asked: string[] = [];
    const report = await runCheck({
      ip: IP,
      resolvers: [hostile.address],
      authorities: [],
      authorityPort: port,
      timeoutMs: 1000,
      onQuestion: (server) => asked.push(server),
    });
    expect(new Set(asked)).toEqual(new Set([hostile.address]));
    expect(inside.questions).toEqual([]);
    expect(report.authority?.servers).toEqual([]);
    expect(report.authority?.notAsked).toEqual(
      ["ns1.evil.test", "ns2.evil.test", "ns3.evil.test"].map((nameServer) => ({
        nameServer,
        reason: "the zone's name server is at a private address: not asked",
      })),
    );
    // The resolver's answer decides; the not-asked servers are said, their addresses are not.
    expect(report.verdict).toBe("pass");
    const dnsError = report.problems.find((problem) => problem.code === "DNS_ERROR");
    expect(dnsError?.severity).toBe("warning");
    expect(dnsError?.message).toContain(
      "ns3.evil.test: the zone's name server is at a private address: not asked",
    );
    const json = JSON.stringify(report);
    expect(json).not.toContain("10.1.2.3");
    expect(json).not.toContain("169.254.169.254");
    expect(json).not.toContain(`127.0.0.1:${port}`);
  });

  it("the same name servers are asked when the caller allows non-public ones (the lab's setting)", async () => {
    const inside = await fake(zoneHandler(ZONE, [ptr(Q, HOST), a(HOST, IP)]));
    const port = Number(inside.address.split(":")[1]);
    const hostile = await fake(
      zoneHandler(ZONE, [
        ptr(Q, HOST),
        a(HOST, IP),
        { type: "NS", name: ZONE, ttl: 30, data: "ns1.evil.test" },
        a("ns1.evil.test", "127.0.0.1"),
      ]),
    );
    const report = await runCheck({
      ip: IP,
      resolvers: [hostile.address],
      authorities: [],
      authorityPort: port,
      askNonPublicNameServers: true,
      timeoutMs: 1000,
    });
    expect(report.authority?.servers).toEqual([inside.address]);
    expect(inside.questions.length).toBeGreaterThan(0);
    expect(report.verdict).toBe("pass");
  });
});

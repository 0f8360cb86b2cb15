// Broken DNS servers are not proof that no PTR exists: CNAME loops (in one answer and across
// answers), answers holding only another name's or another type's records are "could not tell"
// (DNS_ERROR naming the defect), never NO_PTR or CACHED_NEGATIVE, and start no re-check chain;
// a 20-hop chain that ends in a PTR is found; a CNAME to a name that does not exist is
// DANGLING_CNAME. Against small misbehaving servers on loopback (test/fakes/dns/).
import type dnsPacket from "dns-packet";
import { afterEach, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import type { CheckOptions, CheckReport } from "../../src/check/types.js";
import { needsRecheck } from "../../workers/recheck.js";
import {
  a,
  cname,
  type FakeDnsServer,
  type FakeHandler,
  ptr,
  startFakeDns,
  zoneHandler,
} from "../fakes/dns/server.js";
import { CASES } from "../lab/zones.js";

const lab = inject("lab");
const IP = "203.0.113.40";
const ZONE = "113.0.203.in-addr.arpa";
const Q = `40.${ZONE}`;
const HOST = "host40.example.test";

const servers: FakeDnsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fake(handler: FakeHandler): Promise<string> {
  const server = await startFakeDns(handler);
  servers.push(server);
  return server.address;
}

/** The fake as resolver and authority at once (RD=1 gets the chased chain, RD=0 one hop). */
async function checkAgainst(records: dnsPacket.Answer[], options: Partial<CheckOptions> = {}) {
  const server = await fake(zoneHandler(ZONE, [...records, a(HOST, IP)]));
  return runCheck({ ip: IP, resolvers: [server], authorities: [server], timeoutMs: 1000, ...options });
}

const codes = (report: CheckReport) => report.problems.map((problem) => problem.code);

/** Could not tell: inconclusive, DNS_ERROR naming `defect`, no "no PTR" of any kind, no re-checks. */
function expectCouldNotTell(report: CheckReport, defect: RegExp) {
  expect(report.verdict).toBe("inconclusive");
  expect(report.ptr.status).toBe("servfail");
  expect(codes(report)).toContain("DNS_ERROR");
  expect(codes(report)).not.toContain("NO_PTR");
  expect(codes(report)).not.toContain("CACHED_NEGATIVE");
  expect(codes(report)).not.toContain("DANGLING_CNAME");
  expect(report.receivers.gmail.outcome).not.toBe("reject");
  const dnsError = report.problems.find((problem) => problem.code === "DNS_ERROR");
  expect(dnsError?.message).toMatch(defect);
  expect(needsRecheck(report)).toBe(false);
}

/** qname -> hop1 -> ... -> hopN -> PTR HOST. */
function chain(hops: number): dnsPacket.Answer[] {
  const names = [Q, ...Array.from({ length: hops }, (_, i) => `hop${i + 1}.40.${ZONE}`)];
  return [
    ...names.slice(0, -1).map((name, i) => cname(name, names[i + 1] ?? "")),
    ptr(names.at(-1) ?? "", HOST),
  ];
}

describe("CNAME loops are could-not-tell", () => {
  it("a loop of two names (in one resolver answer, and across the authority's answers)", async () => {
    const report = await checkAgainst([cname(Q, `x.${ZONE}`), cname(`x.${ZONE}`, Q)]);
    expectCouldNotTell(report, /CNAME loop/);
    expect(report.resolvers[0]?.error).toMatch(`a CNAME loop (${Q} -> x.${ZONE} -> ${Q})`);
    expect(report.authority?.status).toBe("servfail");
    expect(report.authority?.answers[0]?.error).toMatch(/CNAME loop across answers/);
  });

  it("a loop of three names", async () => {
    const report = await checkAgainst([
      cname(Q, `x.${ZONE}`),
      cname(`x.${ZONE}`, `y.${ZONE}`),
      cname(`y.${ZONE}`, `x.${ZONE}`),
    ]);
    expectCouldNotTell(report, /CNAME loop/);
    expect(report.resolvers[0]?.error).toContain(`(x.${ZONE} -> y.${ZONE} -> x.${ZONE})`);
    expect(report.authority?.answers[0]?.error).toMatch(/CNAME loop across answers/);
  });

  it("a resolver that loops while the authority has the PTR: not CACHED_NEGATIVE", async () => {
    // Only PTR questions loop; forward lookups go to the lab's Unbound.
    const looping = await fake((question) =>
      question.type === "PTR"
        ? { aa: false, answers: [cname(question.name, `x.${ZONE}`), cname(`x.${ZONE}`, question.name)] }
        : { rcode: "REFUSED" },
    );
    const report = await runCheck({
      ip: CASES.pass,
      resolvers: [looping, lab.resolver],
      authorities: [lab.authority],
      timeoutMs: 2000,
    });
    expect(report).toMatchObject({ verdict: "pass", ptr: { status: "found", names: ["mail.example.test"] } });
    expect(report.resolvers.map((answer) => answer.status)).toEqual(["servfail", "found"]);
    expect(codes(report)).toEqual(["DNS_ERROR"]);
    expect(report.problems[0]).toMatchObject({ severity: "warning" });
    expect(report.problems[0]?.message).toMatch(/CNAME loop/);
  });
});

describe("long chains", () => {
  it("a 20-hop chain that ends in a valid PTR is found (one answer and 20 answers)", async () => {
    const report = await checkAgainst(chain(20));
    expect(report).toMatchObject({
      verdict: "pass",
      fcrdns: "pass",
      ptr: { status: "found", names: [HOST] },
    });
    expect(report.resolvers[0]?.cnames).toHaveLength(20);
    expect(report.authority).toMatchObject({ status: "found", names: [HOST] });
    expect(report.authority?.cnames).toHaveLength(20);
    expect(codes(report)).toEqual([]);
  });

  it("a chain past 32 hops is could-not-tell, naming the bound", async () => {
    const report = await checkAgainst(chain(40));
    expectCouldNotTell(report, /longer than 32 hops/);
    expect(report.authority?.answers[0]?.error).toMatch(/longer than 32 hops across answers/);
  });
});

describe("answers for another type or another name", () => {
  it("an A record for a PTR question", async () => {
    const server = await fake((question) => ({ answers: [a(question.name, "192.0.2.1")] }));
    const report = await runCheck({ ip: IP, resolvers: [server], authorities: [server], timeoutMs: 1000 });
    expectCouldNotTell(report, /a PTR question answered with A 192\.0\.2\.1/);
  });

  it("a PTR for another name", async () => {
    const server = await fake(() => ({ answers: [ptr(`41.${ZONE}`, "elsewhere.example.test")] }));
    const report = await runCheck({ ip: IP, resolvers: [server], authorities: [server], timeoutMs: 1000 });
    expectCouldNotTell(report, /records for other names only \(PTR elsewhere\.example\.test for 41\./);
  });
});

describe("a dangling CNAME is its own fault", () => {
  it("the reverse name's CNAME target does not exist: DANGLING_CNAME, not NO_PTR", async () => {
    const target = `40.0-63.${ZONE}`;
    const report = await checkAgainst([cname(Q, target)]);
    expect(report).toMatchObject({ verdict: "fail", ptr: { status: "nxdomain", names: [] } });
    expect(codes(report)).toEqual(["DANGLING_CNAME"]);
    const problem = report.problems[0];
    expect(problem?.message).toContain(`CNAME (${Q} -> ${target}) to ${target}, which does not exist`);
    expect(problem?.message).toContain("RFC 2317 delegation points nowhere");
    expect(problem?.fix).toContain(`Create ${target} with a PTR`);
    expect(report.fixSteps.join("\n")).toContain(`Create ${target} with a PTR`);
    expect(report.summary).toMatch(/^FAIL: .*CNAME to .*which does not exist/);
    expect(report.receivers.gmail.outcome).toBe("reject");
    // A real fault someone will fix: the re-check chain waits for it like NO_PTR.
    expect(needsRecheck(report)).toBe(true);
  });

  it("a CNAME target that exists without a PTR stays NO_PTR (NODATA)", async () => {
    const target = `40.0-63.${ZONE}`;
    const server = await fake(
      zoneHandler(ZONE, [cname(Q, target), { type: "TXT", name: target, ttl: 30, data: "x" }]),
    );
    const report = await runCheck({ ip: IP, resolvers: [server], authorities: [server], timeoutMs: 1000 });
    expect(report.ptr.status).toBe("nodata");
    expect(codes(report)).toEqual(["NO_PTR"]);
  });
});

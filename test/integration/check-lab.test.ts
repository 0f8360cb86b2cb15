// runCheck against the real lab (Knot + Unbound on loopback): every case of issue 2.
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { describe, expect, inject, it } from "vitest";
import { InvalidInputError, runCheck } from "../../src/check/index.js";
import type { CheckOptions, CheckReport } from "../../src/check/types.js";
import { connectLab } from "../lab/lab.js";
import { CASES, HELOS, RECORD_TTL, SOA_MINIMUM, SOA_TTL } from "../lab/zones.js";

const lab = inject("lab");
const control = connectLab(lab);

function check(ip: string, options: Partial<CheckOptions> = {}): Promise<CheckReport> {
  return runCheck({
    ip,
    resolvers: [lab.resolver],
    authorities: [lab.authority, lab.childAuthority],
    timeoutMs: 2000,
    ...options,
  });
}

const codes = (report: CheckReport) => report.problems.map((problem) => problem.code).sort();

describe("rdns check against the lab: PTR and FCrDNS", () => {
  it("passes FCrDNS when the PTR name resolves back", async () => {
    const report = await check(CASES.pass);
    expect(report).toMatchObject({
      verdict: "pass",
      fcrdns: "pass",
      ptr: { status: "found", names: ["mail.example.test"] },
    });
    expect(codes(report)).toEqual([]);
    // A positive answer carries no SOA; the SOA question asked beside it (for the zone's serial,
    // issue 29) brings the zone's SOA with it.
    expect(report.authority).toMatchObject({
      status: "found",
      names: ["mail.example.test"],
      soa: { ttl: 3, minimum: 3 },
      serial: expect.any(Number),
      disagreement: null,
    });
    expect(report.authority?.answers.map((answer) => answer.serial)).toEqual([report.authority?.serial]);
    expect(report.resolvers).toMatchObject([{ server: lab.resolver, status: "found" }]);
    expect(report.forward).toMatchObject([
      { name: "mail.example.test", confirms: true, addresses: [CASES.pass] },
    ]);
  });

  it("fails NXDOMAIN with NO_PTR and the zone's negative TTL", async () => {
    const report = await check(CASES.nxdomain);
    expect(report).toMatchObject({
      verdict: "fail",
      fcrdns: "unknown",
      ptr: { status: "nxdomain", names: [] },
    });
    expect(codes(report)).toEqual(["NO_PTR"]);
    expect(report.negativeCache?.ttl).toBe(3);
    expect(report.resolvers[0]?.negativeTtlRemaining).toBeLessThanOrEqual(3);
  });

  it("fails NODATA (a name with other records but no PTR) with NO_PTR", async () => {
    const report = await check(CASES.nodata);
    expect(report).toMatchObject({ verdict: "fail", fcrdns: "unknown", ptr: { status: "nodata" } });
    expect(codes(report)).toEqual(["NO_PTR"]);
  });

  it("fails a broken pair (the PTR name's A is another address)", async () => {
    const report = await check(CASES.brokenPair);
    expect(report).toMatchObject({
      verdict: "fail",
      fcrdns: "fail",
      ptr: { status: "found", names: ["broken.example.test"] },
    });
    expect(codes(report)).toEqual(["BROKEN_PAIR"]);
    expect(report.forward[0]).toMatchObject({
      status: "found",
      addresses: ["203.0.113.99"],
      confirms: false,
    });
    // The A's time left in the resolver's cache (counted down from the record's TTL).
    expect(report.forward[0]?.ttl).toBeGreaterThanOrEqual(0);
    expect(report.forward[0]?.ttl).toBeLessThanOrEqual(RECORD_TTL);
  });

  it.each([
    [CASES.ptrNameNoAddress, "nxdomain"],
    [CASES.ptrNameNoData, "nodata"],
  ])("fails %s whose PTR name has no address (%s)", async (ip, forwardStatus) => {
    const report = await check(ip);
    expect(report).toMatchObject({ verdict: "fail", fcrdns: "fail", ptr: { status: "found" } });
    expect(codes(report)).toEqual(["BROKEN_PAIR"]);
    expect(report.forward[0]?.status).toBe(forwardStatus);
    // A cached "no address" lasts its SOA TTL: RFC 2308's min(SOA TTL, MINIMUM) at most.
    expect(report.forward[0]?.ttl).toBeGreaterThanOrEqual(0);
    expect(report.forward[0]?.ttl).toBeLessThanOrEqual(Math.min(SOA_TTL, SOA_MINIMUM));
  });

  it("passes two PTRs when one confirms, warning MULTIPLE_PTR", async () => {
    const report = await check(CASES.multiplePtr);
    expect(report).toMatchObject({ verdict: "pass", fcrdns: "pass", ptr: { status: "found" } });
    expect(report.ptr.names.sort()).toEqual(["multi-a.example.test", "multi-b.example.test"]);
    expect(codes(report)).toEqual(["MULTIPLE_PTR"]);
    expect(report.forward.map((lookup) => [lookup.name, lookup.confirms]).sort()).toEqual([
      ["multi-a.example.test", true],
      ["multi-b.example.test", false],
    ]);
  });

  it("follows an RFC 2317 CNAME into the child zone on its own server", async () => {
    const report = await check(CASES.rfc2317);
    expect(report).toMatchObject({
      verdict: "pass",
      fcrdns: "pass",
      ptr: { status: "found", names: ["delegated.example.test"] },
    });
    expect(codes(report)).toEqual([]);
    expect(report.authority).toMatchObject({ status: "found", cnames: ["70.64-127.113.0.203.in-addr.arpa"] });
    expect(report.authority?.answers.map((answer) => answer.server)).toEqual([lab.childAuthority]);
  });

  it("reports NXDOMAIN in the RFC 2317 child zone as DANGLING_CNAME with the child's SOA", async () => {
    const report = await check(CASES.rfc2317Missing);
    expect(report).toMatchObject({ verdict: "fail", ptr: { status: "nxdomain" } });
    expect(report.authority?.zone).toBe("64-127.113.0.203.in-addr.arpa");
    // The parent's CNAME points into the child zone at a name that does not exist.
    expect(codes(report)).toEqual(["DANGLING_CNAME"]);
  });

  it("only the child's server can answer the CNAME target: without it the authority cannot tell", async () => {
    const report = await check(CASES.rfc2317, { authorities: [lab.authority] });
    expect(report.authority?.status).toBe("servfail");
    expect(report.authority?.answers[0]?.error).toMatch(/not authoritative/);
    // The resolver still answers, so the check itself passes (with a DNS_ERROR warning).
    expect(report.verdict).toBe("pass");
    expect(codes(report)).not.toContain("NO_PTR");
  });

  it("finds a PTR reached through a CNAME in the reverse zone", async () => {
    const report = await check(CASES.reverseCname);
    expect(report).toMatchObject({
      verdict: "pass",
      fcrdns: "pass",
      ptr: { status: "found", names: ["host17.example.test"] },
    });
    expect(report.authority?.cnames).toEqual(["17.cname.113.0.203.in-addr.arpa"]);
    expect(report.resolvers[0]?.cnames).toEqual(["17.cname.113.0.203.in-addr.arpa"]);
  });

  it("follows a CNAME on the forward side", async () => {
    const report = await check(CASES.forwardCname);
    expect(report).toMatchObject({ verdict: "pass", fcrdns: "pass" });
    expect(report.forward[0]).toMatchObject({
      name: "alias18.example.test",
      cnames: ["real18.example.test"],
      confirms: true,
    });
  });

  it("flags a generic PTR name", async () => {
    const report = await check(CASES.generic);
    expect(report).toMatchObject({ fcrdns: "pass", ptr: { status: "found" } });
    expect(codes(report)).toEqual(["GENERIC_PTR"]);
  });

  it("treats an IPv4-mapped IPv6 address as the IPv4 one", async () => {
    const report = await check(`::ffff:${CASES.pass}`);
    expect(report).toMatchObject({ ip: CASES.pass, family: 4, verdict: "pass" });
  });
});

describe("rdns check against the lab: IPv6", () => {
  it("passes with a PTR whose AAAA confirms", async () => {
    const report = await check(CASES.ipv6Pass);
    expect(report).toMatchObject({
      family: 6,
      verdict: "pass",
      fcrdns: "pass",
      ptr: { status: "found", names: ["mail6.example.test"] },
    });
    expect(report.reverseName).toMatch(/^0\.1\.0(\.0){21}\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa$/);
    expect(codes(report)).toEqual([]);
  });

  it("fails without a PTR", async () => {
    const report = await check(CASES.ipv6NoPtr);
    expect(report).toMatchObject({ verdict: "fail", ptr: { status: "nxdomain" } });
    expect(codes(report)).toEqual(["NO_PTR"]);
    expect(report.receivers.microsoft.outcome).toBe("reject");
  });

  it("fails when the AAAA points elsewhere", async () => {
    const report = await check(CASES.ipv6Broken);
    expect(report).toMatchObject({ verdict: "fail", fcrdns: "fail" });
    expect(codes(report)).toEqual(["BROKEN_PAIR"]);
  });
});

describe("rdns check against the lab: HELO", () => {
  it.each([
    ["equal to the PTR name", HELOS.equal, "pass", [], { fqdn: true, resolvesToIp: true, matchesPtr: true }],
    [
      "different but resolving to the IP",
      HELOS.resolvesToIp,
      "pass",
      ["HELO_MISMATCH"],
      { resolvesToIp: true, matchesPtr: false },
    ],
    ["not an FQDN", HELOS.notFqdn, "fail", ["HELO_NOT_FQDN"], { fqdn: false }],
    ["unresolvable", HELOS.unresolvable, "fail", ["HELO_MISMATCH", "HELO_UNRESOLVED"], { resolves: false }],
    [
      "resolving elsewhere",
      HELOS.elsewhere,
      "fail",
      ["HELO_IP_MISMATCH", "HELO_MISMATCH"],
      { resolves: true, resolvesToIp: false },
    ],
    ["an address literal", HELOS.literal, "pass", [], { addressLiteral: true }],
  ])("HELO %s", async (_label, helo, verdict, expected, heloFields) => {
    const report = await check(CASES.pass, { helo });
    expect(report).toMatchObject({ verdict, fcrdns: "pass", ptr: { status: "found" } });
    expect(report.helo).toMatchObject({ name: helo, ...heloFields });
    expect(codes(report)).toEqual(expected);
  });
});

describe("rdns check against the lab: DNS failures are never NO_PTR", () => {
  const neverNoPtr = (report: CheckReport) => {
    expect(report.verdict).toBe("inconclusive");
    expect(report.fcrdns).toBe("unknown");
    expect(codes(report)).toContain("DNS_ERROR");
    expect(codes(report)).not.toContain("NO_PTR");
    expect(report.receivers.gmail.outcome).not.toBe("reject");
  };

  it("SERVFAIL: the resolver's stub points at a dead server (authority discovered through it)", async () => {
    const report = await check(CASES.servfail, {
      authorities: [],
      authorityPort: lab.authorityPort,
      askNonPublicNameServers: true,
    });
    expect(report.ptr.status).toBe("servfail");
    expect(report.resolvers[0]?.status).toBe("servfail");
    neverNoPtr(report);
  });

  it("a resolver and an authority that never answer: timeout", async () => {
    const report = await check(CASES.nxdomain, {
      resolvers: [lab.dead],
      authorities: [lab.dead],
      timeoutMs: 400,
    });
    expect(report.ptr.status).toBe("timeout");
    expect(report.resolvers[0]).toMatchObject({ status: "timeout", error: "no answer within 400 ms" });
    expect(report.durationMs).toBeLessThan(1500);
    neverNoPtr(report);
  });

  it("REFUSED: servers that do not serve the zone", async () => {
    const report = await check(CASES.servfail, { resolvers: [lab.authority], authorities: [lab.authority] });
    expect(report.ptr.status).toBe("refused");
    neverNoPtr(report);
  });

  it("connection refused (nothing listening) for an address that has no PTR", async () => {
    const report = await check(CASES.nxdomain, { resolvers: [lab.closed], authorities: [lab.closed] });
    expect(report.ptr.status).toBe("refused");
    expect(report.resolvers[0]?.error).toMatch(/connection refused/);
    neverNoPtr(report);
  });

  it("a lame authority (NXDOMAIN without AA) is not NO_PTR: the lab resolver's PTR decides", async () => {
    // A small fake "authority" on loopback that answers every question NXDOMAIN without the AA
    // flag, as a lame delegation or a cache listed as an authority would.
    const lame = dgram.createSocket("udp4");
    lame.on("message", (message, remote) => {
      const query = dnsPacket.decode(message);
      const reply = dnsPacket.encode({
        type: "response",
        id: query.id ?? 0,
        flags: 3, // rcode NXDOMAIN, AA clear
        questions: query.questions ?? [],
      });
      lame.send(reply, remote.port, remote.address);
    });
    await new Promise<void>((resolve) => lame.bind(0, "127.0.0.1", resolve));
    const server = `127.0.0.1:${lame.address().port}`;
    try {
      const report = await check(CASES.pass, { authorities: [server] });
      expect(report).toMatchObject({
        verdict: "pass",
        fcrdns: "pass",
        ptr: { status: "found", names: ["mail.example.test"] },
        authority: { status: "servfail" },
      });
      expect(codes(report)).toEqual(["DNS_ERROR"]);
      expect(report.problems[0]).toMatchObject({ severity: "warning" });
      expect(report.problems[0]?.message).toContain(`authority ${server}: answered NXDOMAIN without`);
    } finally {
      lame.close();
    }
  });

  it("a dead first resolver does not hide the answer of the second", async () => {
    const report = await check(CASES.pass, { resolvers: [lab.dead, lab.resolver], timeoutMs: 500 });
    expect(report).toMatchObject({ verdict: "pass", fcrdns: "pass" });
    expect(report.resolvers.map((answer) => answer.status)).toEqual(["timeout", "found"]);
    expect(codes(report)).toEqual(["DNS_ERROR"]);
  });
});

describe("rdns check against the lab: authority discovery", () => {
  it("finds the zone and its server through the resolver (SOA, NS, A)", async () => {
    const report = await check(CASES.pass, {
      authorities: [],
      authorityPort: lab.authorityPort,
      askNonPublicNameServers: true,
    });
    expect(report.authority).toMatchObject({
      servers: [lab.authority],
      zone: "113.0.203.in-addr.arpa",
      status: "found",
    });
    expect(report.verdict).toBe("pass");
  });
});

describe("rdns check: fixed at the authority, NXDOMAIN still cached at the resolver", () => {
  it("reports CACHED_NEGATIVE with clearsBy inside the negative TTL, then passes once it has passed", async () => {
    const ip = CASES.cachedNegative;
    await control.removePtr(ip);
    const before = await check(ip);
    expect(before).toMatchObject({ verdict: "fail", ptr: { status: "nxdomain" } });
    expect(codes(before)).toEqual(["NO_PTR"]);

    await control.setPtr(ip, "fixed50.example.test");
    const fixedAt = Date.now();
    const cached = await check(ip);
    // Knot already caps the SOA TTL of a negative answer at MINIMUM (RFC 2308 3): 6 -> 4.
    expect(cached.authority).toMatchObject({
      status: "found",
      names: ["fixed50.example.test"],
      soa: { ttl: 4, minimum: 4 },
    });
    expect(cached.resolvers[0]).toMatchObject({ status: "nxdomain" });
    expect(cached.resolvers[0]?.negativeTtlRemaining).toBeLessThanOrEqual(4);
    expect(codes(cached)).toContain("CACHED_NEGATIVE");
    expect(codes(cached)).not.toContain("NO_PTR");
    expect(cached.negativeCache?.ttl).toBe(4);
    const clearsBy = Date.parse(cached.negativeCache?.clearsBy ?? "");
    expect(clearsBy).toBeGreaterThanOrEqual(fixedAt - 1000);
    expect(clearsBy).toBeLessThanOrEqual(fixedAt + 4000 + 1000);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, clearsBy - Date.now()) + 1200));
    const after = await check(ip);
    expect(after).toMatchObject({
      verdict: "pass",
      fcrdns: "pass",
      ptr: { status: "found", names: ["fixed50.example.test"] },
    });
    expect(after.resolvers[0]?.status).toBe("found");
    expect(codes(after)).toEqual([]);
    await control.removePtr(ip);
  });
});

describe("rdns check: addresses no receiver sees", () => {
  it("answers NOT_PUBLIC without asking DNS", async () => {
    const report = await check("10.1.2.3", { resolvers: [lab.dead], authorities: [lab.dead] });
    expect(report).toMatchObject({
      verdict: "fail",
      ptr: { status: "skipped", names: [] },
      fcrdns: "unknown",
      resolvers: [],
    });
    expect(codes(report)).toEqual(["NOT_PUBLIC"]);
    expect(report.problems[0]?.message).toMatch(/10\.0\.0\.0\/8/);
    expect(report.receivers.gmail).toMatchObject({
      outcome: "unknown",
      reason: "receivers never see a non-public address",
    });
    expect(report.durationMs).toBeLessThan(100);
  });

  it("throws InvalidInputError for a host name", async () => {
    await expect(check("mail.example.test")).rejects.toBeInstanceOf(InvalidInputError);
  });
});

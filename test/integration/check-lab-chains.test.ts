// Broken and long CNAME chains in the reverse zone, as Knot serves them and Unbound resolves
// them (test/lab/zones.ts): loops are "could not tell", a 20-hop chain is found, a CNAME to a
// name that does not exist is DANGLING_CNAME. Never NO_PTR or CACHED_NEGATIVE from a loop.
import { describe, expect, inject, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import type { CheckOptions, CheckReport } from "../../src/check/types.js";
import { needsRecheck } from "../../workers/recheck.js";
import { CASES } from "../lab/zones.js";

const lab = inject("lab");

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

describe("CNAME chains in the lab's reverse zone", () => {
  it.each([
    ["two", CASES.cnameLoop2],
    ["three", CASES.cnameLoop3],
  ])("a loop of %s names is could-not-tell at the authority and the resolver", async (_, ip) => {
    const report = await check(ip);
    expect(report.verdict).toBe("inconclusive");
    expect(report.ptr.status).toBe("servfail");
    expect(codes(report)).toEqual(["DNS_ERROR"]);
    expect(report.problems[0]?.message).toMatch(/CNAME loop/);
    expect(report.authority?.status).toBe("servfail");
    // Unbound gives up on the loop itself (SERVFAIL); either way it is not an answer.
    expect(report.resolvers[0]?.status).toBe("servfail");
    expect(needsRecheck(report)).toBe(false);
  });

  it("a 20-hop chain that ends in a PTR is found", async () => {
    const report = await check(CASES.longChain);
    expect(report).toMatchObject({
      fcrdns: "pass",
      ptr: { status: "found", names: ["host32.example.test"] },
      authority: { status: "found" },
    });
    expect(report.authority?.cnames).toHaveLength(20);
    // Unbound follows at most 11 CNAMEs (max-query-restarts) and answers SERVFAIL: a warning,
    // the authority's answer decides.
    expect(report.verdict).toBe("pass");
    expect(codes(report).filter((code) => code !== "DNS_ERROR")).toEqual([]);
  });

  it("a CNAME to a name that does not exist is DANGLING_CNAME, at the authority and the resolver", async () => {
    const report = await check(CASES.danglingCname);
    expect(report).toMatchObject({ verdict: "fail", ptr: { status: "nxdomain" } });
    expect(codes(report)).toEqual(["DANGLING_CNAME"]);
    expect(report.authority?.cnames).toEqual(["34.gone.113.0.203.in-addr.arpa"]);
    expect(report.resolvers[0]).toMatchObject({
      status: "nxdomain",
      cnames: ["34.gone.113.0.203.in-addr.arpa"],
    });
    expect(report.problems[0]?.message).toMatch(/RFC 2317 delegation points nowhere/);
  });
});

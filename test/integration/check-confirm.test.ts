// The one look at the resolvers after the fix was seen (src/check/confirm.ts), on the real lab:
// each resolver is asked only the question it had wrong, once; every other fact comes from the
// authoritative servers with RD=0; the report goes through the full check's rules.
import { describe, expect, inject, it } from "vitest";
import { type ConfirmInput, confirmFix } from "../../src/check/confirm.js";
import { type DnsQuestion, query } from "../../src/check/dns-client.js";
import { parseIp } from "../../src/check/ip.js";
import { CASES } from "../lab/zones.js";

const lab = inject("lab");

/** The questions asked, each with its server, type and whether recursion was asked for. */
function recorder() {
  const asked: DnsQuestion[] = [];
  return {
    asked,
    transport: (question: DnsQuestion) => {
      asked.push(question);
      return query(question);
    },
  };
}

function input(ip: string, forward: boolean, overrides: Partial<ConfirmInput> = {}): ConfirmInput {
  return {
    ip,
    helo: null,
    target: {
      ip,
      family: 4,
      name: parseIp(ip).reverseName,
      servers: [lab.authority],
      forward,
    },
    resolvers: [lab.resolver],
    allResolvers: [lab.resolver],
    authorities: [lab.authority, lab.childAuthority],
    timeoutMs: 2000,
    ...overrides,
  };
}

describe("confirming the fix at the resolvers", () => {
  it("a PTR fix: the resolver is asked its PTR once; the PTR name's A comes from the authority", async () => {
    const { asked, transport } = recorder();
    const result = await confirmFix(input(CASES.pass, false, { helo: "mail.example.test" }), transport);
    const toResolver = asked.filter((q) => q.server === lab.resolver);
    expect(toResolver.map((q) => [q.type, q.name])).toEqual([["PTR", parseIp(CASES.pass).reverseName]]);
    // Everything else was asked without recursion (authoritative servers only).
    expect(asked.filter((q) => q.server !== lab.resolver).every((q) => q.recursion === false)).toBe(true);
    expect(result.questions).toBe(asked.length);
    expect(result.byServer[lab.resolver]).toBe(1);
    expect(result.report).toMatchObject({
      verdict: "pass",
      fcrdns: "pass",
      resolvers: [{ server: lab.resolver, status: "found", names: ["mail.example.test"] }],
      authority: { status: "found", names: ["mail.example.test"] },
      forward: [{ name: "mail.example.test", confirms: true }],
      helo: { name: "mail.example.test", matchesPtr: true, resolvesToIp: true },
    });
  });

  it("a broken pair: the resolver is asked only the PTR name's A, and the report says what it served", async () => {
    const { asked, transport } = recorder();
    const result = await confirmFix(input(CASES.brokenPair, true), transport);
    const toResolver = asked.filter((q) => q.server === lab.resolver);
    expect(toResolver.map((q) => [q.type, q.name])).toEqual([["A", "broken.example.test"]]);
    // Still broken in the lab: a real answer, judged by the same rules, not a copied verdict.
    expect(result.report.problems.map((problem) => problem.code)).toContain("BROKEN_PAIR");
    expect(result.report.forward).toMatchObject([
      {
        name: "broken.example.test",
        server: lab.resolver,
        addresses: ["203.0.113.99"],
        confirms: false,
        // Its time left in the resolver's cache: the next look is timed by it (workers/recheck.ts).
        ttl: expect.any(Number),
      },
    ]);
    expect(result.report.resolvers).toEqual([]);
  });

  it("no resolver to ask (all served the fix at the last look): the authority alone, no resolver question", async () => {
    const { asked, transport } = recorder();
    const result = await confirmFix(input(CASES.pass, false, { resolvers: [] }), transport);
    expect(asked.filter((q) => q.server === lab.resolver)).toEqual([]);
    expect(result.report.verdict).toBe("pass");
  });
});

// The DNS client and the sweep under volume against the lab: timeouts from the dead port stay
// timeouts (never "no PTR") while the real resolver's answers keep coming back right, and a
// reverse zone's servers are discovered once, not once per address.
import { Writable } from "node:stream";
import { describe, expect, inject, it } from "vitest";
import { DnsClient, type DnsQuestion } from "../../src/check/dns-client.js";
import { runCheck } from "../../src/check/index.js";
import { addressesOfAll, parseRange } from "../../src/check/ranges.js";
import { sweepAddresses } from "../../src/check/sweep.js";
import type { CheckReport } from "../../src/check/types.js";
import { runSweepCommand } from "../../src/cli/sweep.js";
import { CASES } from "../lab/zones.js";

const lab = inject("lab");

describe("the DNS client under volume against the lab", () => {
  it("thousands of questions to the dead port time out while the resolver's answers stay right", async () => {
    // One client, two servers: the dead one may have 2,000 questions in flight; the resolver
    // gets them at the client's default pace (a single-threaded Unbound drops a 500-packet burst).
    const client = new DnsClient({ maxInFlightPerServer: 2000 });
    const paced = new DnsClient();
    try {
      const ask = (server: string, name: string): Promise<unknown> =>
        (server === lab.dead ? client : paced).query({
          name,
          type: "PTR",
          server,
          recursion: true,
          timeoutMs: server === lab.dead ? 800 : 2000,
          retries: 1,
        });
      const dead = Array.from({ length: 2000 }, (_, i) => ask(lab.dead, `${i % 256}.113.0.203.in-addr.arpa`));
      const live = Array.from({ length: 500 }, () => ask(lab.resolver, "10.113.0.203.in-addr.arpa"));
      const [deadResults, liveResults] = await Promise.all([Promise.all(dead), Promise.all(live)]);
      const outcomes = new Set(deadResults.map((response) => (response as { outcome: string }).outcome));
      expect(outcomes).toEqual(new Set(["timeout"]));
      for (const response of liveResults as Array<{ outcome: string; answers: Array<{ data: string }> }>) {
        expect(response.outcome).toBe("answer");
        expect(response.answers.map((record) => record.data)).toEqual(["mail.example.test"]);
      }
    } finally {
      client.close();
      paced.close();
    }
  });

  it("a sweep whose servers never answer: every address inconclusive (DNS_ERROR), none NO_PTR, exit 2", async () => {
    const rows: string[] = [];
    let summary = "";
    const code = await runSweepCommand(
      [
        "203.0.113.0/24",
        "--resolver",
        lab.dead,
        "--authority",
        lab.dead,
        "--timeout",
        "500",
        "--format",
        "ndjson",
      ],
      {
        stdout: new Writable({
          write: (chunk, _encoding, done) => {
            rows.push(...String(chunk).trimEnd().split("\n"));
            done();
          },
        }),
        stderr: new Writable({
          write: (chunk, _encoding, done) => {
            summary += String(chunk);
            done();
          },
        }),
      },
    );
    expect(code, summary).toBe(2);
    const reports = rows.map((row) => JSON.parse(row) as CheckReport);
    expect(reports).toHaveLength(256);
    for (const report of reports) {
      expect(report.verdict).toBe("inconclusive");
      expect(report.ptr.status).toBe("timeout");
      expect(report.problems.map((problem) => problem.code)).not.toContain("NO_PTR");
    }
    expect(summary).toMatch(/0 pass, 0 fail, 256 inconclusive\nproblems: DNS_ERROR 256\n/);
  });
});

describe("reverse zones' authorities are discovered once per zone", () => {
  it("64 addresses of one zone: one NS question, and the right verdicts", async () => {
    const client = new DnsClient();
    const asked: DnsQuestion[] = [];
    const transport = (question: DnsQuestion) => {
      asked.push(question);
      return client.query(question);
    };
    try {
      const reports = new Map<string, CheckReport>();
      await sweepAddresses(addressesOfAll([parseRange("203.0.113.0/26")]), {
        concurrency: 64,
        check: (ip) =>
          runCheck(
            {
              ip,
              resolvers: [lab.resolver],
              authorities: [],
              timeoutMs: 2000,
              authorityPort: lab.authorityPort,
              // The lab's NS records point at 127.0.0.1 (issue 28 refuses that from real DNS).
              askNonPublicNameServers: true,
            },
            { transport },
          ),
        onReport: (report) => {
          reports.set(report.ip, report);
        },
      });
      expect(reports.size).toBe(64);
      const ns = asked.filter((question) => question.type === "NS");
      expect(ns.map((question) => question.name)).toEqual(["113.0.203.in-addr.arpa"]);
      const discoverySoa = asked.filter((question) => question.type === "SOA" && question.recursion);
      expect(discoverySoa.length).toBeLessThanOrEqual(2);
      // The authority (discovered: 127.0.0.1 on the lab's port) was asked for every address.
      const authorityPtrs = asked.filter((question) => question.type === "PTR" && !question.recursion);
      expect(authorityPtrs.length).toBeGreaterThanOrEqual(64);
      expect(reports.get(CASES.pass)?.verdict).toBe("pass");
      expect(reports.get(CASES.pass)?.authority?.status).toBe("found");
      expect(reports.get(CASES.nxdomain)?.problems.map((problem) => problem.code)).toEqual(["NO_PTR"]);
      expect(reports.get(CASES.nxdomain)?.authority?.status).toBe("nxdomain");
    } finally {
      client.close();
    }
  });
});

// The critical path of a check is one PTR round trip then one forward round trip: every other
// question runs alongside. Each question here goes to the real lab after a fixed extra delay, so
// a check that serialised its questions would take several delays longer.
import { describe, expect, inject, it } from "vitest";
import { type DnsQuestion, query } from "../../src/check/dns-client.js";
import { runCheck } from "../../src/check/index.js";
import { CASES, HELOS } from "../lab/zones.js";

const lab = inject("lab");
const DELAY_MS = 100;

describe("rdns check: concurrency", () => {
  it("takes about two delayed round trips with a resolver, two authorities, a PTR name and a HELO", async () => {
    const asked: string[] = [];
    const transport = async (question: DnsQuestion) => {
      asked.push(`${question.type} ${question.name} @${question.server}`);
      await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
      return query(question);
    };
    const options = {
      ip: CASES.pass,
      helo: HELOS.resolvesToIp,
      resolvers: [lab.resolver],
      authorities: [lab.authority, lab.childAuthority],
      timeoutMs: 2000,
    };
    await runCheck(options, { transport }); // warm: first sockets, JIT
    asked.length = 0;
    const started = performance.now();
    const report = await runCheck(options, { transport });
    const elapsed = performance.now() - started;
    const detail = JSON.stringify({
      resolvers: report.resolvers,
      authority: report.authority,
      forward: report.forward,
      helo: report.helo,
    });
    expect(report.verdict, detail).toBe("pass");
    expect(report.forward).toHaveLength(1);
    expect(report.helo?.resolvesToIp).toBe(true);
    // PTR x3 (resolver, two authorities), SOA x2 (each authority's serial, asked beside its PTR:
    // issue 29), A for the PTR name, A for the HELO: 7 questions, the HELO's alongside the PTRs.
    expect(asked).toHaveLength(7);
    expect(asked.filter((question) => question.startsWith("SOA "))).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(2 * DELAY_MS);
    // Done one question after another it would take 5 delays; concurrently, 2 plus overhead.
    expect(elapsed).toBeLessThan(4 * DELAY_MS);
  });
});

// The plain-text report: verdict first, and the facts a support engineer needs in five seconds.
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { renderReportText, renderVerdictLine } from "../../src/render/check-text.js";
import { answer, authority, forward, healthy, IP, observations, RES1, RES2 } from "./support/observations.js";
import { reportFrom } from "./support/report.js";

describe("renderReportText", () => {
  it("puts the verdict first and shows PTR, FCrDNS, HELO and receivers on a pass", () => {
    const report = reportFrom(
      healthy({ helo: { name: "mail.example.test", lookup: forward("mail.example.test", "found", [IP]) } }),
    );
    const text = renderReportText(report);
    const lines = text.split("\n");
    expect(lines[0]).toBe(report.summary);
    expect(lines[0]).toMatch(/^PASS: /);
    expect(text).toMatch(/^PTR +5\.113\.0\.203\.in-addr\.arpa .*found mail\.example\.test$/m);
    expect(text).toMatch(/^ {2}authority 127\.0\.0\.1:5300 +mail\.example\.test/m);
    expect(text).toMatch(/^ {2}resolver {2}127\.0\.0\.1:5301 +mail\.example\.test/m);
    expect(text).toMatch(/^FCrDNS +pass: mail\.example\.test -> 203\.0\.113\.5/m);
    expect(text).toMatch(/^HELO +mail\.example\.test: FQDN, resolves to 203\.0\.113\.5, matches the PTR$/m);
    expect(text).toMatch(/^ {2}Gmail +accept/m);
    expect(text).toMatch(/^ {2}Microsoft +accept/m);
    expect(text).toMatch(/^ {2}Yahoo +accept/m);
    expect(text).not.toContain("Fix, in this order");
    expect(text).not.toContain("\u001b[");
  });

  it("shows the failure, the cached time left, the bounce and the numbered fix", () => {
    const report = reportFrom(
      observations({
        authority: authority("nxdomain"),
        resolvers: [answer(RES1, "nxdomain", [], { negativeTtlRemaining: 3 }), answer(RES2, "timeout")],
      }),
    );
    const text = renderReportText(report);
    expect(text.split("\n")[0]).toMatch(
      /^FAIL: 203\.0\.113\.5 has no PTR record \(NXDOMAIN at the authority\)/,
    );
    expect(text).toMatch(/resolver {2}127\.0\.0\.1:5301 +NXDOMAIN, cached for 3 s more \(until 12:00:03Z\)/);
    expect(text).toMatch(
      /resolver {2}127\.0\.0\.1:5302 +could not tell: timeout \(no answer within 2000 ms\)/,
    );
    expect(text).toContain("clear by 2026-11-27T12:00:03Z");
    expect(text).toMatch(/^ {2}Gmail +reject +550-5\.7\.25 \[203\.0\.113\.5\]/m);
    expect(text).toMatch(/^ {2}ERROR +NO_PTR: /m);
    expect(text).toMatch(/^ {2}warning DNS_ERROR: /m);
    expect(text).toMatch(/^ {2}1\. Create \(or correct\) the A record/m);
    expect(text).toMatch(
      /^ {2}2\. Ask whoever assigned you 203\.0\.113\.5 \(your hosting provider or ISP\)/m,
    );
  });

  it("keeps every line within 100 columns except the verdict line", () => {
    const report = reportFrom(
      observations({
        authority: authority("nxdomain"),
        resolvers: [answer(RES1, "nxdomain"), answer(RES2, "servfail")],
        helo: { name: "localhost", lookup: null },
      }),
    );
    const lines = renderReportText(report).split("\n").slice(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("says inconclusive, never 'no PTR', when every server fails", () => {
    const report = reportFrom(
      observations({ authority: authority("servfail"), resolvers: [answer(RES1, "timeout")] }),
    );
    const text = renderReportText(report);
    expect(text.split("\n")[0]).toMatch(/^INCONCLUSIVE: /);
    expect(text).not.toContain("NO_PTR");
    expect(text).toMatch(/^ {2}Gmail +unknown/m);
  });

  it("colours only when asked", () => {
    const report = reportFrom(observations({ authority: authority("nxdomain") }));
    expect(renderReportText(report, { color: true })).toContain("\u001b[31mFAIL\u001b[0m");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI colour escape is what is asserted
    expect(renderVerdictLine(report, { color: true })).toMatch(/^\u001b\[31mFAIL\u001b\[0m: /);
  });
});

describe("renderReportText for a non-public address", () => {
  it("says the PTR was not looked up and shows NOT_PUBLIC", async () => {
    // No DNS is asked for a private address: runCheck answers from the address alone.
    const report = await runCheck({ ip: "10.1.2.3", resolvers: [], authorities: [], timeoutMs: 100 });
    const text = renderReportText(report);
    expect(text.split("\n")[0]).toMatch(/^FAIL: /);
    expect(text).toContain("not looked up (not a public address)");
    expect(text).toMatch(/^ {2}ERROR +NOT_PUBLIC: /m);
  });
});

describe("renderVerdictLine", () => {
  it("is the summary on one line", () => {
    const report = reportFrom(healthy());
    expect(renderVerdictLine(report)).toBe(report.summary);
    expect(renderVerdictLine(report)).not.toContain("\n");
  });
});

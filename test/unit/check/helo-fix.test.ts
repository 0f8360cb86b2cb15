// Fix advice that fits the HELO: when the HELO name is the problem, the advice names the name
// that would pass (the PTR name when it confirms) or that HELO name's A/AAAA, never "announce"
// the HELO the server already announces.
import { describe, expect, it } from "vitest";
import { analyseObservations } from "../../../src/check/analyse.js";
import { buildFixSteps } from "../../../src/check/fixes.js";
import type { Analysis, HeloReport } from "../../../src/check/types.js";
import { answer, authority, forward, IP, observations, RES1 } from "../support/observations.js";

const OTHER = "203.0.113.99";

/** Every line of advice in the analysis: each problem's fix and the ordered steps. */
const advice = (analysis: Analysis): string[] => [
  ...analysis.problems.map((problem) => problem.fix),
  ...analysis.fixSteps,
];

describe("HELO fix advice", () => {
  it("the lab's broken pair with --helo broken.example.test: fix its A record, never announce it again", () => {
    // 203.0.113.13: PTR broken.example.test, whose A is 203.0.113.99; the HELO is the same name.
    const name = "broken.example.test";
    const result = analyseObservations(
      observations({
        authority: authority("found", [name]),
        resolvers: [answer(RES1, "found", [name])],
        forward: [forward(name, "found", [OTHER])],
        helo: { name, lookup: forward(name, "found", [OTHER]) },
      }),
    );
    expect(result.problems.map((problem) => problem.code)).toEqual(["BROKEN_PAIR", "HELO_IP_MISMATCH"]);
    for (const line of advice(result)) expect(line).not.toMatch(/announce HELO\/EHLO broken\.example\.test/);
    expect(result.fixSteps[0]).toMatch(
      /^Create \(or correct\) the A record broken\.example\.test -> 203\.0\.113\.5/,
    );
    expect(result.fixSteps.join("\n")).toContain("Keep HELO/EHLO broken.example.test");
    expect(result.problems.find((problem) => problem.code === "HELO_IP_MISMATCH")?.fix).toBe(
      `Point broken.example.test's A record at ${IP}.`,
    );
  });

  it("a HELO that resolves elsewhere while the PTR name confirms: announce the PTR name", () => {
    const result = analyseObservations(
      observations({
        authority: authority("found", ["mail.example.test"]),
        resolvers: [answer(RES1, "found", ["mail.example.test"])],
        forward: [forward("mail.example.test", "found", [IP])],
        helo: { name: "old.example.test", lookup: forward("old.example.test", "found", [OTHER]) },
      }),
    );
    expect(result.fixSteps).toContain(
      "Make the server announce HELO/EHLO mail.example.test (Postfix smtp_helo_name, Exim helo_data).",
    );
    for (const line of advice(result)) expect(line).not.toMatch(/announce HELO\/EHLO old\.example\.test/);
  });

  it("prefers the PTR name that confirms when there are several", () => {
    const result = analyseObservations(
      observations({
        authority: authority("found", ["a.example.test", "b.example.test"]),
        resolvers: [answer(RES1, "found", ["a.example.test", "b.example.test"])],
        forward: [forward("a.example.test", "found", [OTHER]), forward("b.example.test", "found", [IP])],
        helo: { name: "old.example.test", lookup: forward("old.example.test", "nxdomain") },
      }),
    );
    const fix = result.problems.find((problem) => problem.code === "HELO_UNRESOLVED")?.fix ?? "";
    expect(fix).toContain("announce HELO/EHLO b.example.test");
  });

  it("buildFixSteps: the HELO already announced gets its A record, not a request to announce it", () => {
    const helo: HeloReport = {
      name: "mail.example.test",
      fqdn: true,
      addressLiteral: false,
      resolves: true,
      resolvesToIp: false,
      matchesPtr: true,
      lookup: forward("mail.example.test", "found", [OTHER]),
    };
    const steps = buildFixSteps({
      blocklists: [],
      ctx: { ip: IP, family: 4, provider: null, intendedName: "mail.example.test" },
      codes: new Set(["HELO_IP_MISMATCH"]),
      ptrNames: ["mail.example.test"],
      intendedConfirms: true,
      helo,
      smtp: null,
      negativeCache: null,
      positiveTtl: null,
      failedServers: [],
      inconclusive: false,
    });
    expect(steps[0]).toBe(
      `Point mail.example.test's A record at ${IP}: the server already announces it in HELO/EHLO, so nothing changes on the server.`,
    );
    expect(steps.join("\n")).not.toContain("announce HELO/EHLO mail.example.test");
  });
});

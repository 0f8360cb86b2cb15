// The problem-code table (src/check/problems.ts) is the one place per code: docs/cli.md's table is
// written from it, the report's order and the re-check set are read from it.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseObservations } from "../../../src/check/analyse.js";
import { PROBLEM_CODES, PROBLEMS, RECHECKABLE_CODES, sortProblems } from "../../../src/check/problems.js";
import { problemCodeTable, withProblemCodeTable } from "../../../src/check/problems-docs.js";
import type { Problem } from "../../../src/check/types.js";
import { RECHECKABLE } from "../../../workers/recheck.js";
import { answer, authority, forward, observations, RES1 } from "../support/observations.js";

const docs = readFileSync(new URL("../../../docs/cli.md", import.meta.url), "utf8");

describe("problem codes: one table", () => {
  it("docs/cli.md's table is the one written from the table (npm run docs:codes)", () => {
    expect(docs).toContain(`${problemCodeTable()}\n`);
    expect(withProblemCodeTable(docs)).toBe(docs);
  });

  it("gives each code its own place in the report", () => {
    const orders = PROBLEM_CODES.map((code) => PROBLEMS[code].order);
    expect(new Set(orders).size).toBe(orders.length);
    expect(PROBLEM_CODES[0]).toBe("NOT_PUBLIC");
  });

  it("the re-check policy follows exactly the codes marked `rechecks`", () => {
    expect([...RECHECKABLE].sort()).toEqual(
      ["AUTHORITY_LAG", "BROKEN_PAIR", "CACHED_NEGATIVE", "DANGLING_CNAME", "NO_PTR", "STALE_PTR"].sort(),
    );
    expect(RECHECKABLE).toBe(RECHECKABLE_CODES);
  });

  it("sorts errors first, each severity in table order", () => {
    const make = (code: Problem["code"], severity: Problem["severity"]): Problem => ({
      code,
      severity,
      message: "",
      fix: "",
    });
    const sorted = sortProblems([
      make("STALE_PTR", "warning"),
      make("HELO_IP_MISMATCH", "error"),
      make("DNS_ERROR", "warning"),
      make("NO_PTR", "error"),
      make("GENERIC_PTR", "warning"),
    ]);
    expect(sorted.map((problem) => problem.code)).toEqual([
      "NO_PTR",
      "HELO_IP_MISMATCH",
      "DNS_ERROR",
      "GENERIC_PTR",
      "STALE_PTR",
    ]);
  });

  it("every problem a check reports carries its code's severity", () => {
    const result = analyseObservations(
      observations({
        authority: authority("found", ["a.example.test", "b.example.test"]),
        resolvers: [answer(RES1, "found", ["a.example.test", "b.example.test"])],
        forward: [forward("a.example.test", "found", ["198.51.100.7"]), forward("b.example.test", "timeout")],
        helo: { name: "old.example.test", lookup: forward("old.example.test", "nxdomain") },
      }),
    );
    expect(result.problems.length).toBeGreaterThan(1);
    for (const problem of result.problems) {
      const severity = PROBLEMS[problem.code].severity;
      expect(severity === "error or warning" ? ["error", "warning"] : [severity]).toContain(problem.severity);
    }
  });

  it("a failing check's summary is led by its first error with a lead wording", () => {
    const result = analyseObservations(
      observations({
        authority: authority("nxdomain"),
        resolvers: [answer(RES1, "nxdomain")],
        helo: { name: "old.example.test", lookup: forward("old.example.test", "nxdomain") },
      }),
    );
    expect(result.summary).toMatch(/^FAIL: 203\.0\.113\.5 has no PTR record \(NXDOMAIN at the authority\)/);
    expect(result.summary).toContain("(+1 more)");
  });
});

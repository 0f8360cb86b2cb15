// Properties that must hold for any Observations: above all, a DNS failure is never "no PTR".
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyseObservations } from "../../../src/check/analyse.js";
import type { LookupStatus, Observations } from "../../../src/check/types.js";
import { renderReportText } from "../../../src/render/check-text.js";
import { answer, authority, forward, IP, observations, RES1, RES2 } from "../support/observations.js";
import { reportFrom } from "../support/report.js";

const STATUSES: LookupStatus[] = ["found", "nxdomain", "nodata", "servfail", "timeout", "refused"];
const FAILURES: LookupStatus[] = ["servfail", "timeout", "refused"];
const NAMES = ["mail.example.test", "smtp.example.test", "203-0-113-5.dynamic.isp.example"];

const status = fc.constantFrom(...STATUSES);
const names = fc.subarray(NAMES, { minLength: 1, maxLength: 2 });
const ptr = fc.record({ status, names });
const forwardLookup = fc.record({
  name: fc.constantFrom(...NAMES),
  status,
  addresses: fc.subarray([IP, "198.51.100.7"]),
});
const helo = fc.option(
  fc.record({
    name: fc.constantFrom(
      "mail.example.test",
      "localhost",
      "[203.0.113.5]",
      "[198.51.100.7]",
      "other.example.test",
    ),
    lookup: fc.option(fc.record({ status, addresses: fc.subarray([IP, "198.51.100.7"]) })),
  }),
);

const arbitraryObservations = fc
  .record({
    authority: fc.option(ptr),
    resolvers: fc.array(ptr, { maxLength: 2 }),
    forward: fc.array(forwardLookup, { maxLength: 3 }),
    helo,
    remaining: fc.integer({ min: 0, max: 3600 }),
  })
  .map(
    (drawn): Observations =>
      observations({
        authority: drawn.authority
          ? authority(drawn.authority.status, drawn.authority.status === "found" ? drawn.authority.names : [])
          : null,
        resolvers: drawn.resolvers.map((entry, index) =>
          answer(index === 0 ? RES1 : RES2, entry.status, entry.status === "found" ? entry.names : [], {
            negativeTtlRemaining:
              entry.status === "nxdomain" || entry.status === "nodata" ? drawn.remaining : null,
          }),
        ),
        forward: drawn.forward.map((entry) =>
          forward(entry.name, entry.status, entry.status === "found" ? entry.addresses : []),
        ),
        helo: drawn.helo
          ? {
              name: drawn.helo.name,
              lookup: drawn.helo.lookup
                ? forward(
                    drawn.helo.name,
                    drawn.helo.lookup.status,
                    drawn.helo.lookup.status === "found" ? drawn.helo.lookup.addresses : [],
                  )
                : null,
            }
          : null,
      }),
  );

describe("analyseObservations invariants", () => {
  it("never reports NO_PTR unless some server conclusively said nxdomain/nodata", () => {
    fc.assert(
      fc.property(arbitraryObservations, (obs) => {
        const result = analyseObservations(obs);
        const answers = [
          ...(obs.authority ? [obs.authority.status] : []),
          ...obs.resolvers.map((a) => a.status),
        ];
        if (result.problems.some((problem) => problem.code === "NO_PTR")) {
          expect(answers.some((s) => s === "nxdomain" || s === "nodata")).toBe(true);
          expect(["nxdomain", "nodata"]).toContain(result.ptr.status);
        }
        if (answers.every((s) => FAILURES.includes(s))) {
          expect(result.problems.map((problem) => problem.code)).not.toContain("NO_PTR");
          expect(result.verdict).not.toBe("pass");
          expect(FAILURES).toContain(result.ptr.status);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("fails exactly when an error other than DNS_ERROR is found; passes only with FCrDNS confirmed", () => {
    fc.assert(
      fc.property(arbitraryObservations, (obs) => {
        const result = analyseObservations(obs);
        const hardError = result.problems.some((p) => p.severity === "error" && p.code !== "DNS_ERROR");
        expect(result.verdict === "fail").toBe(hardError);
        if (result.verdict === "pass") expect(result.fcrdns).toBe("pass");
        if (result.verdict === "inconclusive") {
          expect(result.problems.some((p) => p.code === "DNS_ERROR" && p.severity === "error")).toBe(true);
        }
        expect(result.summary.startsWith(result.verdict.toUpperCase())).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("renders every report with the verdict first and lines within 100 columns", () => {
    fc.assert(
      fc.property(arbitraryObservations, (obs) => {
        const report = reportFrom(obs);
        const lines = renderReportText(report).split("\n");
        expect(lines[0]).toBe(report.summary);
        for (const line of lines.slice(1)) expect(line.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: 300 },
    );
  });
});

// Splitting within Discord's limits: never mid-line, nothing lost, every limit held.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chunkLines,
  fitLines,
  packEmbeds,
  sectionsToFields,
  splitContent,
} from "../../../src/platforms/discord/limits.js";
import { assertWithinLimits } from "./within-limits.js";

const line = fc.string({ maxLength: 300 }).map((s) => s.replace(/\n/g, " "));

describe("chunkLines", () => {
  it("keeps every line whole and in order when lines fit the limit", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.integer({ min: 300, max: 2000 }), (lines, limit) => {
        const chunks = chunkLines(lines, limit);
        for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(limit);
        expect(chunks.flatMap((chunk) => chunk.split("\n"))).toEqual(lines.length === 0 ? [""] : lines);
      }),
    );
  });

  it("wraps only a line longer than the whole limit, at a space", () => {
    const long = `${"word ".repeat(500)}end`;
    const chunks = chunkLines(["short", long], 1024);
    expect(chunks[0]).toBe("short");
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(1024);
    expect(chunks.slice(1).join(" ").replace(/\s+/g, " ")).toBe(long.replace(/\s+/g, " "));
  });
});

describe("fitLines", () => {
  it("drops whole lines and says how many", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${"x".repeat(20)}`);
    const text = fitLines(lines, 1024, (left) => `… ${left} more`);
    expect(text.length).toBeLessThanOrEqual(1024);
    const kept = text.split("\n");
    const note = kept.pop();
    expect(kept).toEqual(lines.slice(0, kept.length));
    expect(note).toBe(`… ${100 - kept.length} more`);
  });
});

describe("packEmbeds", () => {
  it("holds every limit for any number of long sections, and keeps all their lines", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string({ minLength: 1, maxLength: 300 }),
            lines: fc.array(line, { maxLength: 40 }),
          }),
          {
            maxLength: 40,
          },
        ),
        (sections) => {
          const payloads = packEmbeds({ title: "Report", color: 1 }, sectionsToFields(sections));
          assertWithinLimits(payloads);
          const values = payloads.flatMap((p) =>
            p.embeds.flatMap((e) => (e.fields ?? []).map((f) => f.value)),
          );
          const expected = sections.flatMap((s) => (s.lines.length > 0 ? s.lines : ["-"]));
          const got = values.flatMap((v) => v.split("\n"));
          expect(got.filter((l) => l !== "-" && l !== "")).toEqual(
            expected.filter((l) => l !== "-" && l !== ""),
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("splitContent", () => {
  it("splits long text into messages of at most 2,000 characters at line breaks", () => {
    const text = Array.from({ length: 300 }, (_, i) => `${i}: ${"y".repeat(30)}`).join("\n");
    const payloads = splitContent(text);
    expect(payloads.length).toBeGreaterThan(1);
    assertWithinLimits(payloads);
    expect(payloads.map((p) => p.content).join("\n")).toBe(text);
  });
});

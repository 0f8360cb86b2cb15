// A new watch must be public throughout, not just at its two ends; unwatch and status still read
// a range stored before that rule.
import { describe, expect, it } from "vitest";
import { parseNewWatchTarget, parseWatchTarget } from "../../../src/app/targets.js";

describe("parseNewWatchTarget", () => {
  it("refuses 192.88.0.0/16 in one line, naming the reserved 192.88.99.0/24 inside", () => {
    const parsed = parseNewWatchTarget("192.88.0.0/16");
    expect(parsed).toMatchObject({
      ok: false,
      problem: expect.stringMatching(
        /^192\.88\.0\.0\/16 is not all public address space: 192\.88\.99\.0\/24 is in the retired 6to4 relay anycast block/,
      ),
    });
    expect(parsed.ok || parsed.problem.includes("\n")).toBe(false);
    // The old rule looked at the ends only: unwatch and status still find such a stored watch.
    expect(parseWatchTarget("192.88.0.0/16")).toMatchObject({ ok: true, value: { label: "192.88.0.0/16" } });
  });

  it("refuses an IPv6 range with non-public blocks inside (an IPv4-mapped /112 over 192.88.99.0/24)", () => {
    expect(parseNewWatchTarget("::ffff:192.88.0.0/112")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("::ffff:192.88.99.0/120 is in the retired 6to4 relay anycast block"),
    });
  });

  it("accepts public and documentation ranges and single addresses as parseWatchTarget does", () => {
    for (const text of ["203.0.113.0/24", "198.51.0.0/16", "2001:db8::/112", "8.8.8.8", "192.88.98.0/24"]) {
      expect(parseNewWatchTarget(text)).toEqual(parseWatchTarget(text));
      expect(parseNewWatchTarget(text).ok).toBe(true);
    }
    expect(parseNewWatchTarget("10.0.0.0/24")).toMatchObject({ ok: false });
  });
});

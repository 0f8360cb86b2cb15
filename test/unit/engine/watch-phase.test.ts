// Watch runs spread over their interval (src/queue/watch-phase.ts): a deterministic phase per
// watch, and the first scheduled run on that phase, far enough from the baseline run.
import { describe, expect, it } from "vitest";
import { firstScheduledRunAt, watchPhaseMs } from "../../../src/queue/watch-phase.js";

const HOUR = 3_600_000;

describe("watchPhaseMs", () => {
  it("is the same for the same watch, within the interval, and differs between watches", () => {
    const watch = { channel: "slack:T1:C1", target: "203.0.113.5" };
    expect(watchPhaseMs(watch, HOUR)).toBe(watchPhaseMs({ ...watch }, HOUR));
    expect(watchPhaseMs(watch, HOUR)).not.toBe(watchPhaseMs({ ...watch, channel: "slack:T1:C2" }, HOUR));
    expect(watchPhaseMs(watch, 1)).toBe(0);
  });

  it("spreads 1000 watches of one channel over the interval about evenly", () => {
    const phases = Array.from({ length: 1000 }, (_, i) =>
      watchPhaseMs({ channel: "discord:42", target: `198.51.100.${i % 256}/${i}` }, HOUR),
    );
    expect(Math.min(...phases)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...phases)).toBeLessThan(HOUR);
    // Ten 6-minute buckets: a uniform spread puts 100 in each; none is empty or holds a pile-up.
    const buckets = Array.from({ length: 10 }, () => 0);
    for (const phase of phases)
      buckets[Math.floor(phase / (HOUR / 10))] = (buckets[Math.floor(phase / (HOUR / 10))] ?? 0) + 1;
    expect(Math.min(...buckets)).toBeGreaterThan(60);
    expect(Math.max(...buckets)).toBeLessThan(140);
    // No two watches share a second.
    expect(new Set(phases.map((phase) => Math.floor(phase / 1000))).size).toBeGreaterThan(850);
  });
});

describe("firstScheduledRunAt", () => {
  it("is on the watch's grid, half an interval to an interval and a half away", () => {
    const now = Date.parse("2026-12-02T14:00:00.250Z");
    for (const phase of [0, 1, 600_000, HOUR / 2, HOUR - 1]) {
      const at = firstScheduledRunAt(phase, now, HOUR);
      expect(at % HOUR).toBe(phase);
      expect(at - now).toBeGreaterThanOrEqual(HOUR / 2);
      expect(at - now).toBeLessThan(HOUR + HOUR / 2);
    }
    // Exactly half an interval away is allowed.
    expect(firstScheduledRunAt(0, HOUR / 2, HOUR)).toBe(HOUR);
    expect(firstScheduledRunAt(5, 0, 10, 0)).toBe(5);
  });
});

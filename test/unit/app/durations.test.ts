// Durations people type for `every` and `mute`, within each command's bounds.
import { describe, expect, it } from "vitest";
import { durationWords, MUTE_BOUNDS, parseDuration, WATCH_EVERY_BOUNDS } from "../../../src/app/durations.js";

describe("parseDuration", () => {
  it("reads a number and a unit, or several", () => {
    expect(parseDuration("30m", WATCH_EVERY_BOUNDS)).toEqual({ ok: true, ms: 1_800_000 });
    expect(parseDuration("2h", WATCH_EVERY_BOUNDS)).toEqual({ ok: true, ms: 7_200_000 });
    expect(parseDuration("1h30m", WATCH_EVERY_BOUNDS)).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDuration("1h 30min", WATCH_EVERY_BOUNDS)).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDuration("90 minutes", WATCH_EVERY_BOUNDS)).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDuration("7d", MUTE_BOUNDS)).toEqual({ ok: true, ms: 604_800_000 });
  });

  it("refuses what is not a duration, or is out of bounds, saying the bounds", () => {
    expect(parseDuration("soon", WATCH_EVERY_BOUNDS)).toEqual({
      ok: false,
      problem: '"soon" is not a duration: write it as 30m, 2h or 1h30m (between 5 min and 24 h)',
    });
    expect(parseDuration("30", WATCH_EVERY_BOUNDS).ok).toBe(false);
    expect(parseDuration("30m!", WATCH_EVERY_BOUNDS).ok).toBe(false);
    expect(parseDuration("", WATCH_EVERY_BOUNDS).ok).toBe(false);
    expect(parseDuration("4m", WATCH_EVERY_BOUNDS)).toEqual({
      ok: false,
      problem: "the duration must be between 5 min and 24 h",
    });
    expect(parseDuration("25h", WATCH_EVERY_BOUNDS).ok).toBe(false);
    expect(parseDuration("8d", MUTE_BOUNDS)).toEqual({
      ok: false,
      problem: "the duration must be between 1 min and 7 days",
    });
  });
});

describe("durationWords", () => {
  it("says a duration in the units people read", () => {
    expect(durationWords(300_000)).toBe("5 min");
    expect(durationWords(5_400_000)).toBe("1 h 30 min");
    expect(durationWords(86_400_000)).toBe("24 h");
    expect(durationWords(172_800_000)).toBe("2 days");
  });
});

import { describe, expect, it } from "vitest";
import { formatDuration } from "../../../src/render/duration.js";

describe("formatDuration", () => {
  it.each([
    [-3, "0 s"],
    [4.4, "4 s"],
    [89, "89 s"],
    [90, "2 min"],
    [3600, "60 min"],
    [5400, "1 h 30 min"],
    [3 * 3600 + 20 * 60, "3 h 20 min"],
    [48 * 3600, "48 h"],
  ])("%s s reads %s", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

// Slack's rule is five minutes either way; Bolt refuses only the past side.
import { describe, expect, it } from "vitest";
import { isFromTheFuture, MAX_SKEW_SECONDS } from "../../../src/platforms/slack/future-timestamp.js";

describe("Slack request timestamps from the future", () => {
  const now = 1_800_000_000_000;
  const seconds = now / 1000;
  it("refuses more than five minutes ahead, keeps the rest for Bolt", () => {
    expect(isFromTheFuture(String(seconds + MAX_SKEW_SECONDS + 1), now)).toBe(true);
    expect(isFromTheFuture(String(seconds + 6 * 60), now)).toBe(true);
    expect(isFromTheFuture(String(seconds + MAX_SKEW_SECONDS), now)).toBe(false);
    expect(isFromTheFuture(String(seconds), now)).toBe(false);
    expect(isFromTheFuture(String(seconds - 6 * 60), now)).toBe(false); // stale: Bolt's 401
    expect(isFromTheFuture(undefined, now)).toBe(false);
    expect(isFromTheFuture("soon", now)).toBe(false);
  });
});

// What a chain's threads hear when it ends other than by its own re-check (workers/chain-plan.ts).
import { describe, expect, it } from "vitest";
import type { Origin } from "../../../src/chat/types.js";
import {
  failedRecheckWords,
  planChainClearedElsewhere,
  planChainFailed,
} from "../../../workers/chain-plan.js";
import { makeReport } from "../../fixtures/check-report.js";

const threads: Origin[] = [
  { platform: "slack", channel: "C1", thread: "slack:C1:1.1", parent: "slack:C1:1.1" },
  { platform: "console", channel: "main", thread: "console:main:a-1", parent: null },
];
const chain = {
  chainId: "chk-1",
  ip: "203.0.113.5",
  firstFailureAt: "2026-11-27T11:00:00Z",
  openedAt: "2026-11-27T11:00:01Z",
  rechecks: 3,
};

describe("chain ends", () => {
  it("cleared by another check: 'cleared' in each thread once, the verdict on each parent", () => {
    const passing = makeReport({ verdict: "pass", problems: [] });
    const deliveries = planChainClearedElsewhere(chain, threads, passing, new Date("2026-11-27T12:00:00Z"));
    expect(deliveries.map((d) => `${d.target.op}:${d.message.kind}`)).toEqual([
      "update:verdict",
      "reply:cleared",
      "reply:cleared",
    ]);
    expect(deliveries[1]?.message).toMatchObject({ kind: "cleared", elapsedSeconds: 3600, rechecks: 3 });
    // Planned twice, the same ids: enqueued once.
    const again = planChainClearedElsewhere(chain, threads, passing, new Date("2026-11-27T12:00:05Z"));
    expect(again.map((d) => d.deliveryId)).toEqual(deliveries.map((d) => d.deliveryId));
  });

  it("a job that failed for good says so in plain words, once per thread", () => {
    expect(failedRecheckWords("job stalled more than allowable limit", 2)).toBe(
      "the worker running it stopped too many times in a row",
    );
    expect(failedRecheckWords("inconclusive DNS answers: 127.0.0.1:53: timeout", 4)).toBe(
      "DNS did not give an answer in 4 tries (timeouts or SERVFAIL)",
    );
    const deliveries = planChainFailed(chain, threads, "inconclusive DNS answers", 4);
    expect(deliveries).toHaveLength(2);
    expect(deliveries[0]?.message).toEqual({
      kind: "notice",
      text: "Re-checking 203.0.113.5 has stopped: DNS did not give an answer in 4 tries (timeouts or SERVFAIL). Nothing more will be said here; run /rdns 203.0.113.5 to check again.",
    });
  });
});

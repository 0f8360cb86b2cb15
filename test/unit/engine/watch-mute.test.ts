// The summary a muted watch's thread hears when its maintenance window ends (workers/watch-mute.ts).
import { describe, expect, it } from "vitest";
import type { Origin } from "../../../src/chat/types.js";
import { threadReply } from "../../../src/queue/deliveries.js";
import type { DeliveryJob } from "../../../src/queue/jobs.js";
import { planMuteSummary, unmuteIsCurrent } from "../../../workers/watch-mute.js";
import { makeReport } from "../../fixtures/check-report.js";

const origin: Origin = { platform: "console", channel: "C1", thread: "console:C1:1", parent: null };

function held(
  ip: string,
  change: "broke" | "recovered" | "drifted",
  verdict: "pass" | "fail",
  at: string,
): DeliveryJob {
  const report = makeReport({ ip, verdict, checkedAt: at });
  return threadReply(
    `job-${ip}-${at}`,
    origin,
    { kind: "watch-change", target: ip, change, report, previousNames: [] },
    `w|${ip}`,
  );
}

describe("planMuteSummary", () => {
  it("says nothing when nothing changed during the window", () => {
    expect(planMuteSummary("203.0.113.0/24", [])).toBeNull();
  });

  it("counts every change and names where each address ended up", () => {
    const text = planMuteSummary("203.0.113.0/24", [
      held("203.0.113.5", "broke", "fail", "2026-12-07T10:00:00Z"),
      held("203.0.113.5", "recovered", "pass", "2026-12-07T10:05:00Z"),
      held("203.0.113.9", "drifted", "pass", "2026-12-07T10:06:00Z"),
    ]);
    expect(text).toBe(
      "The maintenance window of 203.0.113.0/24 ended. While it was muted: 1 broke, 1 recovered, 1 changed PTR name. 203.0.113.5 recovered (now pass); 203.0.113.9 changed PTR name (now pass). /rdns status 203.0.113.0/24 shows every address now.",
    );
  });

  it("names ten addresses and counts the rest", () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      held(`203.0.113.${i + 1}`, "broke", "fail", "2026-12-07T10:00:00Z"),
    );
    const text = planMuteSummary("203.0.113.0/24", many) ?? "";
    expect(text).toContain("While it was muted: 14 broke.");
    expect(text).toContain("203.0.113.10 broke (now fail); and 4 more.");
    expect(text).not.toContain("203.0.113.11 ");
  });
});

describe("unmuteIsCurrent", () => {
  it("acts only for the window end it was queued for", () => {
    const job = {
      kind: "unmute" as const,
      channel: "console:C1",
      target: "203.0.113.5",
      until: "2026-12-07T12:00:00.000Z",
    };
    expect(unmuteIsCurrent({ mutedUntil: "2026-12-07T12:00:00.000Z" }, job)).toBe(true);
    expect(unmuteIsCurrent({ mutedUntil: "2026-12-07T14:00:00.000Z" }, job)).toBe(false);
    expect(unmuteIsCurrent(null, job)).toBe(false);
  });
});

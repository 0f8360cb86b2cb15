// What a run's change notices become (workers/watch-summary-plan.ts): up to five per watch thread
// one by one, more as one summary with counts by change and problem, the first addresses and a
// CSV of every changed address; the same notices planned again give the same deliveries.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { Origin, WatchChange } from "../../../src/chat/types.js";
import type { Problem } from "../../../src/check/types.js";
import { threadReply } from "../../../src/queue/deliveries.js";
import type { DeliveryJob } from "../../../src/queue/jobs.js";
import {
  isChangeNotice,
  planRunNotices,
  planWatchSummary,
  RUN_SUMMARY_AFTER,
  runChangeOf,
  runEndDelayMs,
} from "../../../workers/watch-summary-plan.js";
import { makeReport } from "../../fixtures/check-report.js";

const thread = (n: number): Origin => ({
  platform: "slack",
  channel: "C1",
  thread: `slack:C1:17000000${n}.000100`,
  parent: null,
});

const problem = (code: Problem["code"], severity: Problem["severity"] = "error"): Problem => ({
  code,
  severity,
  message: `${code} here`,
  fix: "fix it",
});

function notice(
  ip: string,
  change: WatchChange,
  options: { origin?: Origin; problems?: Problem[]; names?: string[]; watch?: string } = {},
): DeliveryJob {
  const report = makeReport({
    ip,
    verdict: change === "recovered" ? "pass" : "fail",
    ptr: { status: "found", names: options.names ?? [] },
    problems: options.problems ?? (change === "recovered" ? [] : [problem("NO_PTR")]),
  });
  const watch = options.watch ?? "203.0.113.0/24";
  return {
    ...threadReply(
      `chunk|${ip}`,
      options.origin ?? thread(1),
      {
        kind: "watch-change",
        target: `${ip} (${watch})`,
        change,
        report,
        previousNames: ["old.example.test"],
        watch,
      },
      `watch|slack:C1|${ip}`,
    ),
    watchChannel: "slack:C1",
  };
}

const broken = (count: number, from = 1, origin = thread(1)) =>
  Array.from({ length: count }, (_, i) => notice(`203.0.113.${from + i}`, "broke", { origin }));

describe("planRunNotices", () => {
  it("sends up to five changes of a thread as they are, in address order", () => {
    const five = broken(RUN_SUMMARY_AFTER).reverse();
    const planned = planRunNotices("run-1", five);
    expect(planned.map((job) => job.deliveryId)).toEqual([...five].reverse().map((job) => job.deliveryId));
  });

  it("makes one summary of six or more, per thread, and lets other notices pass", () => {
    const lag = threadReply("chunk|x", thread(1), { kind: "notice", text: "name servers disagree" }, "lag");
    const planned = planRunNotices("run-1", [...broken(8), ...broken(3, 50, thread(2)), lag]);
    const summaries = planned.filter((job) => job.message.kind === "watch-summary");
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      platform: "slack",
      target: { op: "reply", thread: thread(1).thread },
      watchChannel: "slack:C1",
    });
    expect(planned.filter((job) => job.message.kind === "watch-change")).toHaveLength(3);
    expect(planned.filter((job) => job.message.kind === "notice")).toHaveLength(1);
    // The same notices planned again: the same delivery ids (queued once).
    expect(planRunNotices("run-1", [...broken(8), ...broken(3, 50, thread(2)), lag])).toEqual(planned);
    // Another run's summary is another delivery.
    expect(planRunNotices("run-2", broken(8))[0]?.deliveryId).not.toBe(summaries[0]?.deliveryId);
  });
});

describe("planWatchSummary", () => {
  it("counts by change and by problem now, lists the first ten, and attaches every address", () => {
    const notices = [
      ...broken(12, 20),
      ...Array.from({ length: 3 }, (_, i) =>
        notice(`203.0.113.${100 + i}`, "drifted", {
          names: ["=cmd|' /C calc'!A0.example.test"],
          problems: [problem("GENERIC_PTR", "warning")],
        }),
      ),
      notice("203.0.113.2", "recovered", { names: ["mail.example.test"] }),
      // One address told twice (a re-run's repeat): counted once.
      notice("203.0.113.2", "recovered", { names: ["mail.example.test"] }),
    ];
    const summary = planWatchSummary(notices.filter(isChangeNotice).map(runChangeOf));
    expect(summary.target).toBe("203.0.113.0/24");
    expect(summary.total).toBe(16);
    expect(summary.changes).toEqual([
      { change: "broke", count: 12 },
      { change: "drifted", count: 3 },
      { change: "recovered", count: 1 },
    ]);
    expect(summary.groups).toEqual([
      {
        problem: "NO_PTR",
        count: 12,
        ips: ["203.0.113.20", "203.0.113.21", "203.0.113.22", "203.0.113.23", "203.0.113.24"],
      },
      { problem: "GENERIC_PTR", count: 3, ips: ["203.0.113.100", "203.0.113.101", "203.0.113.102"] },
    ]);
    expect(summary.lines.map((line) => line.ip)).toEqual([
      "203.0.113.2",
      ...Array.from({ length: 9 }, (_, i) => `203.0.113.${20 + i}`),
    ]);
    const records = parse(summary.attachment.content, { columns: true }) as Record<string, string>[];
    expect(records.map((record) => record.ip).sort()).toEqual(
      [...new Set(notices.map((n) => (n.message.kind === "watch-change" ? n.message.report.ip : "")))].sort(),
    );
    expect(records.find((record) => record.ip === "203.0.113.20")).toMatchObject({
      watch: "203.0.113.0/24",
      change: "broke",
      verdict: "fail",
      problem: "NO_PTR",
      previous: "old.example.test",
    });
    // A PTR name a spreadsheet would run as a formula is written inert.
    expect(records.find((record) => record.ip === "203.0.113.100")?.ptr).toBe(
      "'=cmd|' /C calc'!A0.example.test",
    );
  });

  it("reads the watch from an older notice's target when it does not carry it", () => {
    const old = broken(6).map((job) => {
      if (job.message.kind !== "watch-change") return job;
      const { watch: _dropped, ...message } = job.message;
      return { ...job, message };
    });
    expect(planWatchSummary(old.filter(isChangeNotice).map(runChangeOf)).target).toBe("203.0.113.0/24");
  });
});

describe("runEndDelayMs", () => {
  it("waits past the last chunk's start for its retries and a grace", () => {
    const policy = { checkAttempts: 4, checkRetryDelayMs: 5000 };
    // 5 + 10 + 20 s of retries, then 10 minutes.
    expect(runEndDelayMs(0, policy)).toBe(35_000 + 600_000);
    expect(runEndDelayMs(1_800_000, policy)).toBe(1_800_000 + 35_000 + 600_000);
  });
});

// The check worker's decisions, without Redis: what a finished check saves, says to which thread
// and schedules next (workers/check-plan.ts), and tells the watching channels
// (workers/watch-notice.ts).
import { describe, expect, it } from "vitest";
import type { Origin } from "../../../src/chat/types.js";
import { pollTargetOf } from "../../../src/check/poll.js";
import { loadConfig } from "../../../src/config.js";
import { pollJobId, recheckJobId } from "../../../src/queue/ids.js";
import { type CheckJob, newCheckJob } from "../../../src/queue/jobs.js";
import { settingsFromConfig } from "../../../src/settings.js";
import type { WatchRecord } from "../../../src/store/watches.js";
import {
  type CheckPlanInput,
  planAdoptedStep,
  planCheckResult,
  planFailedCheck,
  retryBeforeAnswering,
} from "../../../workers/check-plan.js";
import { resolversSeen } from "../../../workers/poll-fix-plan.js";
import { nextPollSlot } from "../../../workers/poll-plan.js";
import { planWatchNotice, type WatchObservation } from "../../../workers/watch-notice.js";
import { makeReport } from "../../fixtures/check-report.js";

const settings = settingsFromConfig(loadConfig({}));
const IP = "203.0.113.5";
const NOW = new Date("2026-11-27T12:00:00Z");
const asker: Origin = { platform: "slack", channel: "C1", thread: "slack:C1:1.1", parent: "slack:C1:1.1" };
const joiner: Origin = { platform: "discord", channel: "9", thread: "discord:9:8", parent: null };

const passing = makeReport({
  verdict: "pass",
  ptr: { status: "found", names: ["mail.example.test"] },
  fcrdns: "pass",
  problems: [],
  negativeCache: null,
  resolvers: [
    {
      server: "127.0.0.1:5301",
      status: "found",
      names: ["mail.example.test"],
      cnames: [],
      ttl: 5,
      negativeTtlRemaining: null,
      rttMs: 1,
      error: null,
    },
  ],
  authority: null,
});
const failing = makeReport(); // NO_PTR, a cached NXDOMAIN clearing at 12:00:05
const inconclusive = makeReport({
  verdict: "inconclusive",
  problems: [],
  resolvers: [
    {
      server: "127.0.0.1:5301",
      status: "timeout",
      names: [],
      cnames: [],
      ttl: null,
      negativeTtlRemaining: null,
      rttMs: null,
      error: "no answer in 1000 ms",
    },
  ],
});

function job(fields: Partial<CheckJob> = {}): CheckJob {
  return {
    ...newCheckJob({
      ip: IP,
      helo: null,
      origins: [asker],
      originsKey: "k",
      reason: "command",
      chainId: "chk-1",
      now: NOW,
    }),
    ...fields,
  };
}

function plan(fields: Partial<CheckPlanInput>) {
  return planCheckResult({
    job: job(),
    jobId: "chk-1",
    attempt: 1,
    report: passing,
    origins: [asker, joiner],
    now: NOW,
    settings,
    ...fields,
  });
}

const watchRecord = (origin: Origin | null): WatchRecord => ({
  target: "203.0.113.0/28",
  ips: [IP],
  origin,
  user: "U1",
  createdAt: "",
});
const watcher = (
  state: WatchObservation["stored"]["state"],
  origin: Origin | null = asker,
): WatchObservation => ({
  channel: "slack:C1",
  record: watchRecord(origin),
  stored: { text: state === null ? null : JSON.stringify(state), state },
});

describe("planCheckResult", () => {
  it("answers every asker of a command's check with the report and the verdict, and keeps the answer for late askers", () => {
    const result = plan({});
    expect(result.deliveries.map((d) => [d.platform, d.target.op, d.message.kind])).toEqual([
      ["slack", "update", "verdict"],
      ["slack", "reply", "report"],
      ["discord", "reply", "report"],
    ]);
    expect(result.chainResult).toEqual({ report: passing, ttlMs: settings.dedupWindowMs + 60_000 });
    expect(result.next).toBeNull();
  });

  it("says 'could not tell' with the attempt count and the failed servers when DNS never answered", () => {
    const result = plan({ report: inconclusive, attempt: 4 });
    const replies = result.deliveries.filter((d) => d.target.op === "reply");
    expect(replies.map((d) => d.message)).toEqual([
      { kind: "could-not-tell", ip: IP, detail: "127.0.0.1:5301: no answer in 1000 ms", attempts: 4 },
      { kind: "could-not-tell", ip: IP, detail: "127.0.0.1:5301: no answer in 1000 ms", attempts: 4 },
    ]);
    expect(result.chainResult).toBeNull(); // nothing to share: the next asker checks again
  });

  it("a failure the authority still shows is watched at the authority: first at the cache's expiry, then on the IP's slot", () => {
    const result = plan({ report: failing });
    // The first look: no later than the predicted expiry of the cached "no PTR" (12:00:05).
    expect(result.next).toEqual({
      jobId: `poll-${recheckJobId("chk-1", 1)}`,
      delayMs: 5000 + settings.recheckMarginMs,
      job: expect.objectContaining({
        reason: "poll",
        recheck: 1,
        firstFailureAt: NOW.toISOString(),
        // What each resolver served, and when: the poll that sees the fix predicts from it.
        poll: { target: pollTargetOf(failing), lastFullAt: failing.checkedAt, seen: resolversSeen(failing) },
      }),
      // The chain's own state, kept in the registry where the shared poll finds it.
      chainJob: expect.objectContaining({ reason: "recheck", recheck: 1, chainId: "chk-1" }),
    });
    // Later polls (and a report without a cached negative answer) go on the IP's shared slot.
    const later = plan({ report: makeReport({ negativeCache: null }) });
    const slot = nextPollSlot(IP, NOW.getTime(), settings.recheckPollMs);
    expect(later.next).toMatchObject({ jobId: pollJobId(IP, null, slot.slot), delayMs: slot.delayMs });
    expect(slot.delayMs).toBeLessThanOrEqual(settings.recheckPollMs);
  });

  it("a failure only caches still hold (the authority has the PTR) is re-checked at the predicted expiry", () => {
    const cached = makeReport({
      problems: [{ code: "CACHED_NEGATIVE", severity: "error", message: "cached", fix: "" }],
      authority: {
        ...(failing.authority as NonNullable<typeof failing.authority>),
        status: "found",
        names: ["mail.example.test"],
      },
    });
    const result = plan({ report: cached });
    expect(result.next).toEqual({
      jobId: recheckJobId("chk-1", 1),
      delayMs: 5000 + settings.recheckMarginMs,
      job: expect.objectContaining({ reason: "recheck", recheck: 1, quickRechecks: 1 }),
      chainJob: expect.objectContaining({ reason: "recheck", recheck: 1 }),
    });
  });

  it("a failing check an open chain adopted schedules nothing of its own; its buttons act on that chain", () => {
    const own = plan({ report: failing });
    const adopted = plan({ report: failing, adoptedChainId: "chk-open" });
    expect(adopted.next).toBeNull();
    expect(adopted.followUp).toEqual(own.followUp);
    // The same answer in each thread, its Stop button naming the chain that goes on.
    const reports = (result: typeof own) =>
      result.deliveries.filter((d) => d.message.kind === "report").map((d) => d.message);
    expect(reports(own).map((m) => (m.kind === "report" ? m.chainId : null))).toEqual(["chk-1", "chk-1"]);
    expect(reports(adopted).map((m) => (m.kind === "report" ? m.chainId : null))).toEqual([
      "chk-open",
      "chk-open",
    ]);
    // A check that passes has no chain to carry on, adopted or not.
    expect(plan({ report: passing, adoptedChainId: "chk-open" }).deliveries).toEqual(plan({}).deliveries);
  });

  it("the adopting chain takes its next step from the adopted check, counted as its own re-check", () => {
    // The chain opened at 11:00 and waits on its 3rd step, a poll on the IP's slot grid. The check
    // adopted at 12:00 finds the PTR at the authority, only caches still holding "no PTR" until
    // 12:00:05: the chain's next step moves to a re-check then.
    const chainJob = job({
      reason: "recheck",
      chainId: "chk-open",
      recheck: 3,
      firstFailureAt: "2026-11-27T11:00:00Z",
    });
    const fixedAtAuthority = makeReport({
      problems: [{ code: "CACHED_NEGATIVE", severity: "error", message: "cached", fix: "" }],
      authority: {
        ...(failing.authority as NonNullable<typeof failing.authority>),
        status: "found",
        names: ["mail.example.test"],
      },
    });
    expect(planAdoptedStep(chainJob, fixedAtAuthority, NOW, settings)).toMatchObject({
      jobId: recheckJobId("chk-open", 4),
      delayMs: 5000 + settings.recheckMarginMs,
      job: { reason: "recheck", chainId: "chk-open", recheck: 4 },
      chainJob: { chainId: "chk-open", recheck: 4, firstFailureAt: "2026-11-27T11:00:00Z" },
    });
    // Still missing at the authority: the chain's next look stays on the IP's slot grid.
    const slot = nextPollSlot(IP, NOW.getTime(), settings.recheckPollMs);
    expect(planAdoptedStep(chainJob, failing, NOW, settings)).toMatchObject({
      jobId: pollJobId(IP, null, slot.slot),
      delayMs: slot.delayMs,
    });
    // Its "still failing" notice (due after this long) is left to the chain's own next step.
    const late = job({
      ...chainJob,
      firstFailureAt: new Date(NOW.getTime() - settings.stillFailingAfterMs).toISOString(),
    });
    expect(planAdoptedStep(late, failing, NOW, settings)?.chainJob.stillFailingSent).toBe(false);
    // A chain past its deadline, or a check that clears, moves nothing: the chain's step says so.
    const old = job({
      ...chainJob,
      firstFailureAt: new Date(NOW.getTime() - settings.recheckMaxMs - 1).toISOString(),
    });
    expect(planAdoptedStep(old, failing, NOW, settings)).toBeNull();
    expect(planAdoptedStep(chainJob, passing, NOW, settings)).toBeNull();
  });

  it("tells the chain's threads once it cleared, and schedules nothing more", () => {
    const result = plan({
      job: job({ reason: "recheck", recheck: 3, firstFailureAt: "2026-11-27T11:50:00Z" }),
      report: passing,
      origins: [asker],
    });
    expect(result.deliveries.map((d) => d.message.kind)).toEqual(["verdict", "cleared"]);
    expect(result.deliveries[1]?.message).toMatchObject({
      kind: "cleared",
      elapsedSeconds: 600,
      rechecks: 3,
    });
    expect(result.followUp.cleared).toBe(true);
    expect(result.next).toBeNull();
    expect(result.chainResult).toBeNull(); // re-checks do not refill a window
  });

  it("tells a watch run's askers nothing (it has none) and leaves the schedule to the watch", () => {
    const result = plan({
      job: job({ reason: "watch", origins: [], originsKey: null }),
      report: failing,
      origins: [],
    });
    expect(result.deliveries).toEqual([]);
    expect(result.next).toBeNull();
  });
});

// The watching channels are decided apart from the chain's plan (workers/watch-notice.ts).
describe("planWatchNotice", () => {
  it("decides each watching channel", () => {
    const decision = planWatchNotice(
      "chk-1",
      failing,
      watcher({ verdict: "pass", names: ["mail.example.test"] }),
    );
    expect(decision).toMatchObject({
      action: "write",
      notice: { message: { change: "broke" } },
    });
  });

  it("sets the baseline silently the first time", () => {
    expect(planWatchNotice("j1", failing, watcher(null))).toMatchObject({
      action: "write",
      expected: null,
      state: { verdict: "fail", names: [], by: "j1", checkedAt: failing.checkedAt, notice: null },
      notice: null,
    });
  });

  it("announces a break in the watch's own thread, naming the IP within its range", () => {
    const before = {
      verdict: "pass" as const,
      names: ["mail.example.test"],
      checkedAt: "2026-11-27T11:00:00Z",
    };
    const decision = planWatchNotice("j1", failing, watcher(before));
    expect(decision).toMatchObject({ action: "write", expected: JSON.stringify(before) });
    if (decision.action !== "write") throw new Error("expected a write");
    expect(decision.notice?.target).toEqual({ op: "reply", thread: asker.thread });
    expect(decision.notice?.message).toMatchObject({
      kind: "watch-change",
      target: `${IP} (203.0.113.0/28)`,
      change: "broke",
      previousNames: ["mail.example.test"],
    });
  });

  it("repeats its own earlier notice when the job runs again, with the same delivery id", () => {
    const before = {
      verdict: "pass" as const,
      names: ["mail.example.test"],
      checkedAt: "2026-11-27T11:00:00Z",
    };
    const first = planWatchNotice("j1", failing, watcher(before));
    if (first.action !== "write") throw new Error("expected a write");
    const again = planWatchNotice("j1", failing, watcher(first.state));
    expect(again).toEqual({ action: "repeat", notice: first.notice });
  });

  it("stays quiet for a result older than what the channel saw, for an inconclusive one, and for a watch with no thread yet", () => {
    const newer = { verdict: "pass" as const, names: [], checkedAt: "2026-11-27T13:00:00Z" };
    expect(planWatchNotice("j1", failing, watcher(newer))).toEqual({ action: "none" });
    expect(planWatchNotice("j1", inconclusive, watcher(null))).toEqual({ action: "none" });
    expect(planWatchNotice("j1", failing, watcher(null, null))).toEqual({ action: "none" });
  });

  it("calls a changed PTR name a drift, and a pass after a failure a recovery", () => {
    const named = (names: string[]) => makeReport({ ...passing, ptr: { status: "found", names } });
    const was = { verdict: "pass" as const, names: ["old.example.test"] };
    expect(planWatchNotice("j1", named(["new.example.test"]), watcher(was))).toMatchObject({
      notice: { message: { change: "drifted" } },
    });
    expect(planWatchNotice("j1", passing, watcher({ verdict: "fail", names: [] }))).toMatchObject({
      notice: { message: { change: "recovered" } },
    });
  });
});

describe("retryBeforeAnswering and planFailedCheck", () => {
  it("asks again before the last attempt only when DNS did not answer", () => {
    expect(retryBeforeAnswering(inconclusive, false)).toBe(
      "inconclusive DNS answers: 127.0.0.1:5301: no answer in 1000 ms",
    );
    expect(retryBeforeAnswering(inconclusive, true)).toBeNull();
    expect(retryBeforeAnswering(failing, false)).toBeNull();
  });

  it("tells each thread and parent of a chain that failed for good, with at least one attempt", () => {
    const deliveries = planFailedCheck(job(), "chk-1", [asker], "x".repeat(400), 0);
    expect(deliveries.map((d) => d.target.op)).toEqual(["update", "reply"]);
    expect(deliveries[1]?.message).toMatchObject({ kind: "could-not-tell", attempts: 1 });
    const detail = deliveries[1]?.message.kind === "could-not-tell" ? deliveries[1].message.detail : "";
    expect(detail).toHaveLength(300);
  });
});

// What one check of an IP means to one channel watching it, decided without Redis or a clock:
// the state the channel now remembers, the history entry, and the notice its thread hears.
// workers/settle.ts reads the inputs, writes the state by compare-and-set and queues the notice,
// for one check (workers/apply-report.ts) or a watch chunk's 256 (workers/watch.ts) alike.
import type { OutboundMessage } from "../src/chat/types.js";
import type { CheckReport } from "../src/check/types.js";
import { threadReply } from "../src/queue/deliveries.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import { type HistoryEntry, historyEntryFor } from "../src/store/history.js";
import { askedHelo } from "../src/store/report-rows.js";
import { sameHelo, type WatchRecord, type WatchState } from "../src/store/watches.js";
import { planWatchLag } from "./watch-lag.js";

/** One channel watching the checked IP, with what it last saw (the raw text, for the compare-and-set). */
export interface WatchObservation {
  channel: string;
  record: WatchRecord;
  stored: { text: string | null; state: WatchState | null };
}

/** What a watching channel's state becomes after this check, and what it hears. */
export type WatchDecision =
  /** Nothing to write or say (no thread yet, an inconclusive report, other parameters, or a newer check spoke). */
  | { action: "none" }
  /** This job's earlier attempt already wrote the state: repeat its notice (same delivery id). */
  | { action: "repeat"; notice: DeliveryJob | null; lagNotice?: DeliveryJob | null }
  /** Write `state` if the stored text is still `expected`; the notice goes out only if it wins. */
  | {
      action: "write";
      expected: string | null;
      state: WatchState;
      notice: DeliveryJob | null;
      /** The history entry written with the state (a change of verdict, PTR names or problems). */
      history: HistoryEntry | null;
      /** A lasting disagreement of the zone's name servers said, or its end (workers/watch-lag.ts). */
      lagNotice?: DeliveryJob | null;
    };

/** What the watch decisions are tuned by (EngineSettings). */
export interface WatchNoticeOptions {
  /** A disagreement of the zone's name servers this long is said once (AUTHORITY_LAG_ALERT_MINUTES). */
  lagAlertMs?: number;
}

const DEFAULT_LAG_ALERT_MS = 60 * 60_000;

type Change = NonNullable<WatchState["notice"]>["change"];

const isHeloCode = (code: string) => code.startsWith("HELO_");

function watchStateOf(
  report: CheckReport,
  before: WatchState | null,
): Required<Pick<WatchState, "verdict" | "names" | "problems" | "lists">> & Pick<WatchState, "greeting"> {
  const state = {
    verdict: report.verdict === "pass" ? ("pass" as const) : ("fail" as const),
    names: [...report.ptr.names].sort(),
    problems: [...new Set(report.problems.map((problem) => problem.code))].sort(),
    lists: listedZones(report, before),
  };
  if (!report.smtp) return state;
  // A probe that read no name (refused, timed out, no name in the greeting) says nothing about
  // the name: the one seen before stands, so a port blocked for a run is not a "change".
  const greeting = report.smtp.outcome === "ok" ? report.smtp.bannerName : null;
  return { ...state, greeting: greeting ?? before?.greeting ?? null };
}

/**
 * The lists that list the IP now: those this report says list it, and of those that listed it
 * before, the ones this report could not read or did not ask (a refusal, a timeout, a
 * confirmation that asks no list): only a list's own "not listed" makes it "delisted".
 */
export function listedZones(report: Pick<CheckReport, "blocklists">, before: WatchState | null): string[] {
  const entries = report.blocklists ?? [];
  const listed = entries.filter((entry) => entry.status === "listed").map((entry) => entry.zone);
  const clean = new Set(entries.filter((entry) => entry.status === "clean").map((entry) => entry.zone));
  const kept = (before?.lists ?? []).filter((zone) => !clean.has(zone));
  return [...new Set([...listed, ...kept])].sort();
}

const isListCode = (code: string) => code === "LISTED" || code === "BLOCKLIST_REFUSED";

/** The lists that began or stopped listing it between two states. */
function listChange(
  before: WatchState,
  after: WatchState,
): { change: "listed" | "delisted"; lists: string[] } | null {
  const was = new Set(before.lists ?? []);
  const now = new Set(after.lists ?? []);
  const added = [...now].filter((zone) => !was.has(zone));
  if (added.length > 0) return { change: "listed", lists: added };
  const removed = [...was].filter((zone) => !now.has(zone));
  return removed.length > 0 ? { change: "delisted", lists: removed } : null;
}

/** The HELO_* codes of a state (states written before problems were stored have none). */
function heloProblems(state: WatchState): string[] {
  return (state.problems ?? []).filter(isHeloCode);
}

/** The change between what a channel saw and what it sees now; the first run only sets the baseline. */
export function watchChange(before: WatchState | null, after: WatchState): Change | null {
  return watchChangeWithLists(before, after)?.change ?? null;
}

/**
 * watchChange with the lists a listed/delisted change names. A verdict that flips only because a
 * list began or stopped listing it (the PTR names and every other problem the same) is told as
 * "listed" / "delisted", which says why; one the PTR flipped stays "broke" / "recovered".
 */
export function watchChangeWithLists(
  before: WatchState | null,
  after: WatchState,
): { change: Change; lists: string[] } | null {
  if (before === null) return null;
  const lists = listChange(before, after);
  const otherProblems = (state: WatchState) =>
    (state.problems ?? []).filter((code) => !isListCode(code)).join(" ");
  const onlyLists =
    lists !== null &&
    before.names.join(" ") === after.names.join(" ") &&
    otherProblems(before) === otherProblems(after);
  if (onlyLists) return lists;
  const change = ptrOrHeloChange(before, after);
  if (change !== null) return { change, lists: [] };
  return lists;
}

function ptrOrHeloChange(before: WatchState, after: WatchState): Change | null {
  if (before.verdict !== after.verdict) return after.verdict === "fail" ? "broke" : "recovered";
  if (before.names.join(" ") !== after.names.join(" ")) return "drifted";
  // A probing watch: the greeting's name changed (both known; the first one seen is the baseline).
  if (before.greeting && after.greeting && before.greeting !== after.greeting) return "greeting-drifted";
  // A HELO problem is often only a warning (HELO_MISMATCH) and leaves the verdict alone, yet the
  // watch was given a HELO name to follow: its problems appearing or going away is news.
  const heloBefore = heloProblems(before).join(" ");
  const heloAfter = heloProblems(after).join(" ");
  if (heloBefore === heloAfter) return null;
  return heloAfter === "" ? "helo-recovered" : "helo-broke";
}

/**
 * What a check says about a watch, or null when it says nothing (docs/architecture.md,
 * "Watches"). A check made with the watch's own parameters (its HELO name, or none) speaks as it
 * is. A watch with a HELO hears from no other check: only its HELO's answers can tell its verdict.
 * A watch without one shares a check's PTR, FCrDNS and non-HELO problems whatever HELO it was
 * asked with, so a one-off `/rdns <ip> <helo>` speaks for it with those alone (the HELO section
 * and HELO_* codes left out), and only when its HELO decided nothing (no HELO error, and not
 * "could not tell", which may be the HELO name's lookups): a verdict a bad HELO failed is not the
 * watch's, and its next run says what is.
 */
export function watchView(
  record: Pick<WatchRecord, "helo" | "probe">,
  report: CheckReport,
): CheckReport | null {
  const watchHelo = record.helo ?? null;
  const probes = record.probe === true;
  const probed = report.smtp !== null && report.smtp !== undefined;
  // A probing watch hears its greeting only from probing checks; a plain check cannot tell it.
  if (probes && !probed) return null;
  // A HELO taken from the greeting is the probe's finding, not a HELO the check was asked with.
  const helo = askedHelo(report);
  if (sameHelo(watchHelo, helo) && (probes || !probed)) return report;
  if (watchHelo !== null) return null;
  // "Could not tell" may come from the HELO name's own lookups: not a fact the watch shares.
  if (report.verdict === "inconclusive") return null;
  const heloProblems = report.problems.filter((problem) => isHeloCode(problem.code));
  if (heloProblems.some((problem) => problem.severity === "error")) return null;
  // A watch that does not probe shares nothing of a probe (`/rdns probe`): its greeting and
  // BANNER_MISMATCH are left out with the HELO it gave.
  const probeOnly = (code: string) => !probes && code === "BANNER_MISMATCH";
  const shared = report.problems.filter((problem) => !isHeloCode(problem.code) && !probeOnly(problem.code));
  return {
    ...report,
    helo: null,
    ...(probes ? {} : { smtp: null }),
    problems: shared,
    fixSteps:
      shared.length === report.problems.length
        ? report.fixSteps
        : report.fixSteps.filter((step) => !/\bHELO\b|SMTP greeting/.test(step)),
  };
}

/**
 * Decides one watching channel. Two checks of one IP can finish together (a watch run and a
 * command's check), so the state is written by compare-and-set and only the winner announces;
 * a loser calls this again with what the winner wrote.
 */
export function planWatchNotice(
  jobId: string,
  checked: CheckReport,
  watcher: WatchObservation,
  options: WatchNoticeOptions = {},
): WatchDecision {
  const { channel, record, stored } = watcher;
  const origin = record.origin;
  const report = watchView(record, checked);
  // Not announced yet (no thread): the first check after its announcement sets the baseline.
  if (report === null || report.verdict === "inconclusive" || origin === null) return { action: "none" };
  const ip = report.ip;
  const notice = (change: Change, previousNames: string[], lists: string[] = []): DeliveryJob => {
    const target = record.target === ip ? ip : `${ip} (${record.target})`;
    const message: OutboundMessage = {
      kind: "watch-change",
      target,
      change,
      report,
      previousNames,
      ...(lists.length > 0 ? { lists } : {}),
      // The watch it speaks for, so a run's summary names it (workers/watch-summary-plan.ts).
      watch: record.target,
    };
    return { ...threadReply(jobId, origin, message, `watch|${channel}|${ip}`), watchChannel: channel };
  };
  const lagNotice = (text: string): DeliveryJob => ({
    ...threadReply(jobId, origin, { kind: "notice", text }, `watch-lag|${channel}|${ip}`),
    watchChannel: channel,
  });
  const before = stored.state;
  if (before?.by === jobId) {
    // A re-run of this job (it died after its write won, before the enqueue): the same notice.
    return {
      action: "repeat",
      notice: before.notice
        ? notice(before.notice.change, before.notice.previousNames, before.notice.lists)
        : null,
      ...(before.lagNotice ? { lagNotice: lagNotice(before.lagNotice) } : {}),
    };
  }
  // A newer check already spoke for this channel: this older result has nothing to add.
  if (before?.checkedAt !== undefined && before.checkedAt >= report.checkedAt) return { action: "none" };
  const after = watchStateOf(report, before);
  const changed = watchChangeWithLists(before, after);
  const change = changed?.change ?? null;
  const lists = changed?.lists ?? [];
  // The greeting's change names the greeting it replaced; every other change the PTR names.
  const previousNames =
    change === "greeting-drifted" && before?.greeting ? [before.greeting] : (before?.names ?? []);
  // The history records every change of verdict, PTR names or problem codes (the first run too);
  // the chat hears only of the changes watchChange names.
  const history = historyEntryFor(before, after, report.checkedAt);
  const lag = planWatchLag(before?.lag, report, options.lagAlertMs ?? DEFAULT_LAG_ALERT_MS);
  return {
    action: "write",
    expected: stored.text,
    history,
    state: {
      ...after,
      since: history?.at ?? before?.since ?? report.checkedAt,
      checkedAt: report.checkedAt,
      by: jobId,
      notice: change === null ? null : { change, previousNames, ...(lists.length > 0 ? { lists } : {}) },
      // Only while the servers disagree (a state is kept per watched address: no bytes for none).
      ...(lag.lag === null ? {} : { lag: lag.lag }),
      ...(lag.text === null ? {} : { lagNotice: lag.text }),
    },
    notice: change === null ? null : notice(change, previousNames, lists),
    ...(lag.text === null ? {} : { lagNotice: lagNotice(lag.text) }),
  };
}

// Settling finished checks with the channels watching their IPs, in one place for a single check
// (workers/apply-report.ts: a batch of one) and a watch chunk (workers/watch.ts: up to 256): each
// watching channel's state is written by compare-and-set (history with it, and the servers page's
// facts of the check: src/store/watch-states.ts `facts`), and the notices of the writes that won
// are returned for the caller to enqueue (those of a muted watch are held until its window ends).
// The decisions are workers/watch-notice.ts's.
//
// What else is kept depends on who asked (issue 28: a /16 watch kept ~4 KB an address). A
// person's check (or a chain's) saves its full report as the IP's last report, and a row for each
// watch it speaks for. A watch run keeps per address only its state: the full report only where
// it announced a change (the report a person reading the notice opens), and a row key only where
// it could not tell (a state keeps conclusive results only, and "could not tell" is shown as such).
//
// The Redis work goes out in a few pipelines (saves with who watches and what they saw; rows with
// the compare-and-sets) instead of a read and a write per address one after the other, which took
// 400-600 ms of a 256-address chunk in the lab. Every guarantee is the per-address one: each state
// is its own compare-and-set, whose "by" is the check's job id, and a lost one is decided again on
// its own. Not one script for the whole batch: different addresses' keys may sit in different
// cluster slots.

import type { CheckReport } from "../src/check/types.js";
import type { StoreKeys } from "../src/keys.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import type { RedisClient } from "../src/redis-client.js";
import { holdNotices } from "../src/store/held-notices.js";
import { askedHelo, reportRowKey, saveReportRows } from "../src/store/report-rows.js";
import { saveLastReports } from "../src/store/reports.js";
import { compareAndSetWatchStates, readWatchState, readWatchStatesOf } from "../src/store/watch-states.js";
import { mutedAt, watchersOfMany } from "../src/store/watches.js";
import { type Claim, type FinishedCheck, shareBlockOwners, withFacts } from "./settle-facts.js";

export type { FinishedCheck };

import {
  planWatchNotice,
  type WatchDecision,
  type WatchNoticeOptions,
  type WatchObservation,
  watchView,
} from "./watch-notice.js";

/** Compare-and-set tries per watching channel before leaving it to the next check. */
const MAX_WATCH_WRITES = 5;

/**
 * One job id per address within a chunk: a chunk run again repeats its notices instead of
 * doubling them.
 */
export function chunkAddressJobId(chunkId: string, ip: string): string {
  return `${chunkId}|${ip}`;
}

/** Every channel watching each report's IP, with the state it last saw (in the order of `reports`). */
async function observeAll(
  redis: RedisClient,
  keys: StoreKeys,
  reports: readonly CheckReport[],
): Promise<WatchObservation[][]> {
  const watchers = await watchersOfMany(
    redis,
    keys,
    reports.map((report) => report.ip),
  );
  const lists = reports.map((report) => watchers.get(report.ip) ?? []);
  const pairs = reports.flatMap((report, index) =>
    (lists[index] ?? []).map(({ channel }) => ({ channel, ip: report.ip })),
  );
  const stored = await readWatchStatesOf(redis, keys, pairs);
  let next = 0;
  return lists.map((list) =>
    list.map(({ channel, record }) => ({
      channel,
      record,
      stored: stored[next++] ?? { text: null, state: null },
    })),
  );
}

/**
 * The rows to save: each report as the watches of its IP see it (watchView), once per HELO they
 * check with. A check that says nothing to a watch (a one-off with a HELO the watch does not
 * have, or a bad one) leaves that watch's row as it was, and no row is kept that no watch reads.
 * A watch run's conclusive views are left out: the state written with them carries their facts.
 */
function watchRows(
  reports: readonly CheckReport[],
  observed: readonly WatchObservation[][],
  asker: Asker,
): CheckReport[] {
  const rows = new Map<string, CheckReport>();
  reports.forEach((report, index) => {
    for (const { record } of observed[index] ?? []) {
      const view = watchView(record, report);
      if (view === null || (asker === "watch-run" && view.verdict !== "inconclusive")) continue;
      rows.set(reportRowKey(view.ip, askedHelo(view)), view);
    }
  });
  return [...rows.values()];
}

/**
 * Who asked for the checks being settled: a person or a chain ("check": every report is kept as
 * the IP's last report), or a watch's run (only the reports that announced a change are).
 */
export type Asker = "check" | "watch-run";

/** Whether a decision announces something (a change, or the name servers' lasting disagreement). */
const announces = (decision: WatchDecision): boolean => noticesOf(decision).length > 0;

/**
 * A claim that lost its compare-and-set (another check of the address wrote first): decided again
 * against what the winner wrote, until it wins, has nothing to write, or runs out of tries.
 */
async function retryClaim(
  redis: RedisClient,
  keys: StoreKeys,
  claim: Claim,
  settle: SettleOptions,
): Promise<DeliveryJob[]> {
  const { report, jobId } = claim.check;
  let { watcher } = claim;
  for (let attempt = 1; attempt < MAX_WATCH_WRITES; attempt++) {
    watcher = { ...watcher, stored: await readWatchState(redis, keys, watcher.channel, report.ip) };
    const decision = withFacts(
      planWatchNotice(jobId, report, watcher, settle.notice),
      watcher.record,
      report,
    );
    if (decision.action === "none") return [];
    if (decision.action === "repeat") return noticesOf(decision);
    if (settle.asker === "watch-run" && announces(decision))
      await saveLastReports(redis, keys, [report], settle.reportTtlSeconds);
    const [won] = await compareAndSetWatchStates(redis, keys, [
      {
        channel: watcher.channel,
        ip: report.ip,
        expected: decision.expected,
        state: decision.state,
        change: decision.history,
      },
    ]);
    if (won === true) return noticesOf(decision);
  }
  return [];
}

/** A decision's notices: the change, and the name servers' lasting disagreement or its end. */
function noticesOf(decision: WatchDecision): DeliveryJob[] {
  if (decision.action === "none") return [];
  return [decision.notice, decision.lagNotice ?? null].filter((notice) => notice !== null);
}

/** How a batch is settled: who asked, how long reports and rows are kept, the watch options. */
export interface SettleOptions {
  asker: Asker;
  reportTtlSeconds: number;
  notice?: WatchNoticeOptions;
}

/**
 * Settles `checks` with the channels watching their IPs and returns the notices to enqueue (after
 * this resolves: a job that dies after its writes won finds them when it runs again, and repeats
 * the same notices). The reads (and a person's reports) go out first; the reports a watch run
 * keeps, the rows and the state writes wait for them, in that order on the one connection, so a
 * state is never written before its report is saved.
 */
export async function settleWatchers(
  redis: RedisClient,
  keys: StoreKeys,
  checks: readonly FinishedCheck[],
  settle: SettleOptions,
): Promise<DeliveryJob[]> {
  if (checks.length === 0) return [];
  const { asker, reportTtlSeconds } = settle;
  const reports = checks.map((check) => check.report);
  const [, observed] = await Promise.all([
    asker === "check" ? saveLastReports(redis, keys, reports, reportTtlSeconds) : [],
    observeAll(redis, keys, reports),
  ]);
  const rows = watchRows(reports, observed, asker);
  const decided: Claim[] = checks.flatMap((check, index) =>
    (observed[index] ?? []).map((watcher) => ({
      check,
      watcher,
      decision: withFacts(
        planWatchNotice(check.jobId, check.report, watcher, settle.notice),
        watcher.record,
        check.report,
      ),
    })),
  );
  const claims = asker === "watch-run" ? await shareBlockOwners(redis, keys, decided) : decided;
  const writes = claims.flatMap(({ check, watcher, decision }) =>
    decision.action === "write"
      ? [
          {
            channel: watcher.channel,
            ip: check.report.ip,
            expected: decision.expected,
            state: decision.state,
            change: decision.history,
          },
        ]
      : [],
  );
  const announced =
    asker === "watch-run"
      ? [...new Set(claims.filter((claim) => announces(claim.decision)).map((claim) => claim.check.report))]
      : [];
  // Sent in this order on the one connection: the reports and rows are written before the states.
  const [, , won] = await Promise.all([
    saveLastReports(redis, keys, announced, reportTtlSeconds),
    saveReportRows(redis, keys, rows, reportTtlSeconds),
    compareAndSetWatchStates(redis, keys, writes),
  ]);
  const notices: ClaimNotice[] = [];
  const lost: Claim[] = [];
  let written = 0;
  for (const claim of claims) {
    const { decision } = claim;
    if (decision.action === "repeat") notices.push(...claimed(claim, noticesOf(decision)));
    if (decision.action !== "write") continue;
    // Won: its notices go out, as a re-run's repeat would.
    if (won[written++] === true) notices.push(...claimed(claim, noticesOf(decision)));
    else lost.push(claim);
  }
  const retried = await Promise.all(
    lost.map(async (claim) => claimed(claim, await retryClaim(redis, keys, claim, settle))),
  );
  return releaseOrHold(redis, keys, [...notices, ...retried.flat()]);
}

interface ClaimNotice {
  claim: Claim;
  notice: DeliveryJob;
}

const claimed = (claim: Claim, notices: readonly DeliveryJob[]): ClaimNotice[] =>
  notices.map((notice) => ({ claim, notice }));

/**
 * The change notices of a watch in its maintenance window (`/rdns mute`) wait for its end
 * (src/store/held-notices.ts; workers/watch-mute.ts sums them up); the others go out, the name
 * servers' lasting disagreement too (a window is when a broken zone transfer is worth hearing
 * of). Decided by the check's own time, so a chunk that runs again decides the same.
 */
async function releaseOrHold(
  redis: RedisClient,
  keys: StoreKeys,
  notices: readonly ClaimNotice[],
): Promise<DeliveryJob[]> {
  const muted = (item: ClaimNotice) =>
    item.notice.message.kind === "watch-change" &&
    mutedAt(item.claim.watcher.record, item.claim.check.report.checkedAt);
  await holdNotices(
    redis,
    keys,
    notices.filter(muted).map(({ claim, notice }) => ({
      channel: claim.watcher.channel,
      target: claim.watcher.record.target,
      until: claim.watcher.record.mutedUntil ?? claim.check.report.checkedAt,
      notice,
    })),
  );
  return notices.filter((item) => !muted(item)).map(({ notice }) => notice);
}

/** A watch chunk's reports settled as one batch, each under its own job id (chunkAddressJobId). */
export function settleChunkReports(
  redis: RedisClient,
  keys: StoreKeys,
  chunkId: string,
  reports: readonly CheckReport[],
  reportTtlSeconds: number,
  options: WatchNoticeOptions = {},
): Promise<DeliveryJob[]> {
  return settleWatchers(
    redis,
    keys,
    reports.map((report) => ({ report, jobId: chunkAddressJobId(chunkId, report.ip) })),
    { asker: "watch-run", reportTtlSeconds, notice: options },
  );
}

/**
 * One check settled as the check worker settles it (a batch of one). The servers page's tests and
 * `npm run screenshot` record lab checks through it.
 */
export function claimWatchStates(
  redis: RedisClient,
  keys: StoreKeys,
  jobId: string,
  report: CheckReport,
  reportTtlSeconds = 7 * 24 * 3600,
): Promise<DeliveryJob[]> {
  return settleWatchers(redis, keys, [{ report, jobId }], { asker: "check", reportTtlSeconds });
}

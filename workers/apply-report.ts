// What a check's report leads to in its chain, carried out: save it, answer the chain's threads
// and the channels watching the IP, open or end the chain in the registry, schedule its next
// re-check or poll, and end every other open chain of the IP the report shows cleared. Shared by
// the check worker (workers/check.ts) and the poll (workers/poll.ts), which applies one full
// check to every chain waiting on it. The decisions are workers/check-plan.ts's.
import type { Redis } from "ioredis";
import type { Origin } from "../src/chat/types.js";
import type { CheckReport } from "../src/check/types.js";
import { type StoreKeys, storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { uniqueOrigins } from "../src/queue/dedup.js";
import type { CheckJob, DeliveryJob } from "../src/queue/jobs.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import type { EngineSettings } from "../src/settings.js";
import { adoptCheck } from "../src/store/chain-adoption.js";
import { saveChainResult } from "../src/store/chain-results.js";
import { chainEnded, endChain, openChain, openChainsOf, readChain } from "../src/store/chains.js";
import { chainOrigins, finishCheckWindow } from "../src/store/dedup-window.js";
import { saveLastReport } from "../src/store/reports.js";
import { compareAndSetWatchState, readWatchState } from "../src/store/watch-states.js";
import { watchersOf } from "../src/store/watches.js";
import { planChainClearedElsewhere } from "./chain-plan.js";
import { type CheckPlan, planCheckResult, planWatchNotice, type WatchObservation } from "./check-plan.js";
import { isCleared } from "./recheck.js";

/** Compare-and-set tries per watching channel before leaving it to the next check. */
const MAX_WATCH_WRITES = 5;

export interface ApplyDeps {
  redis: Redis;
  queues: Queues;
  settings: EngineSettings;
}

export interface CheckOutcome {
  verdict: CheckReport["verdict"];
  deliveries: number;
  nextRecheckMs: number | null;
  cleared: boolean;
  /** No DNS check ran (a watch run nobody watches, a re-check or poll of an ended chain): metrics leave it out. */
  skipped?: boolean;
}

export interface ReportInput {
  data: CheckJob;
  jobId: string;
  attempt: number;
  report: CheckReport;
  now: Date;
}

/**
 * Another check of the IP found it cleared: every other open chain of the IP ends with "cleared"
 * in its threads. Each chain is ended in the registry first, and only the caller that ended it
 * tells its threads, so two checks finishing together say it once.
 */
async function clearOtherChains(
  redis: Redis,
  keys: StoreKeys,
  queues: Queues,
  report: CheckReport,
  ownChainId: string,
  now: Date,
): Promise<number> {
  let told = 0;
  for (const chainId of await openChainsOf(redis, keys, report.ip)) {
    if (chainId === ownChainId) continue;
    const chain = await readChain(redis, keys, chainId);
    if (chain === null) continue;
    if ((await endChain(redis, keys, chainId, chain.ip, "cleared")) !== "ended-now") continue;
    if (chain.next !== null && !chain.next.startsWith("poll-"))
      await queues.check.remove(chain.next).catch(() => 0);
    const joined = chain.originsKey === null ? [] : await chainOrigins(redis, chain.originsKey);
    const deliveries = planChainClearedElsewhere(
      chain,
      uniqueOrigins([...chain.origins, ...joined]),
      report,
      now,
    );
    await enqueueDeliveries(queues, deliveries);
    told += deliveries.length;
  }
  return told;
}

/** The chain's threads: the job's own, plus those who joined its window or its chain since. */
export async function chainThreads(redis: Redis, data: CheckJob): Promise<Origin[]> {
  if (data.originsKey === null) return data.origins;
  if (data.reason === "command" || data.reason === "paste") {
    // Closes the window: askers after this answer themselves from the chain's result.
    return uniqueOrigins([
      ...data.origins,
      ...(await finishCheckWindow(redis, data.originsKey, data.chainId)),
    ]);
  }
  if (data.reason === "recheck")
    return uniqueOrigins([...data.origins, ...(await chainOrigins(redis, data.originsKey))]);
  return data.origins;
}

/** Every channel watching `ip`, with the state it last saw (the raw text, for the compare-and-set). */
async function observeWatchers(redis: Redis, keys: StoreKeys, ip: string): Promise<WatchObservation[]> {
  return Promise.all(
    (await watchersOf(redis, keys, ip)).map(async ({ channel, record }) => ({
      channel,
      record,
      stored: await readWatchState(redis, keys, channel, ip),
    })),
  );
}

/**
 * What a check worker does for the watching channels of `report.ip`, alone: plans each channel's
 * state, writes it (history too) by compare-and-set, and returns the notices it would enqueue.
 * The servers page's tests and `npm run screenshot` record lab checks through it.
 */
export async function claimWatchStates(
  redis: Redis,
  keys: StoreKeys,
  jobId: string,
  report: CheckReport,
): Promise<DeliveryJob[]> {
  const watches = (await observeWatchers(redis, keys, report.ip)).map((watcher) => ({
    watcher,
    decision: planWatchNotice(jobId, report, watcher),
  }));
  return claimWatchNotices(redis, keys, jobId, report, watches);
}

/**
 * Carries out the watch decisions: each state is written by compare-and-set; a lost write is
 * decided again against what the winner wrote. Returns the notices to enqueue. Runs before the
 * enqueue: a job that dies after its write won finds its own write when it runs again.
 */
export async function claimWatchNotices(
  redis: Redis,
  keys: StoreKeys,
  jobId: string,
  report: CheckReport,
  watches: CheckPlan["watches"],
): Promise<DeliveryJob[]> {
  const notices: DeliveryJob[] = [];
  for (let { watcher, decision } of watches) {
    for (let attempt = 0; attempt < MAX_WATCH_WRITES && decision.action === "write"; attempt++) {
      const { channel } = watcher;
      if (
        await compareAndSetWatchState(
          redis,
          keys,
          channel,
          report.ip,
          decision.expected,
          decision.state,
          decision.history,
        )
      ) {
        // Won: its notice goes out, as a re-run's repeat would.
        decision = { action: "repeat", notice: decision.notice };
        break;
      }
      watcher = { ...watcher, stored: await readWatchState(redis, keys, channel, report.ip) };
      decision = planWatchNotice(jobId, report, watcher);
    }
    if (decision.action === "repeat" && decision.notice !== null) notices.push(decision.notice);
  }
  return notices;
}

/** Carries out what `report` leads to for the chain (or watch run) of `input.data`. */
export async function applyReport(input: ReportInput, deps: ApplyDeps, log: Logger): Promise<CheckOutcome> {
  const { redis, queues, settings } = deps;
  const keys = storeKeys(settings.prefix);
  const { data, jobId, attempt, report, now } = input;
  await saveLastReport(redis, keys, report, settings.reportTtlSeconds);

  const origins = await chainThreads(redis, data);
  const watchers = await observeWatchers(redis, keys, data.ip);
  const planInput = { job: data, jobId, attempt, report, origins, watchers, now, settings };
  let plan = planCheckResult(planInput);
  const keepMs = settings.recheckMaxMs + 24 * 3_600_000;
  // Asked for in an open chain's thread (Re-check now, `/rdns recheck`) and still failing: that
  // chain goes on, rather than a second chain for the same thread.
  const asked = data.reason === "command" || data.reason === "paste";
  const adoptedChainId =
    asked && plan.next !== null ? await adoptCheck(redis, keys, data, origins, keepMs) : null;
  if (adoptedChainId !== null) plan = planCheckResult({ ...planInput, adoptedChainId });
  // A chain stopped while this re-check asked DNS says nothing more and schedules nothing.
  let chainGoesOn = data.reason !== "recheck" || !(await chainEnded(redis, keys, data.chainId));
  if (chainGoesOn && plan.next !== null) {
    chainGoesOn = await openChain(redis, keys, {
      chainId: data.chainId,
      ip: data.ip,
      helo: data.helo,
      originsKey: data.originsKey,
      origins: data.origins,
      firstFailureAt: plan.next.job.firstFailureAt ?? now.toISOString(),
      rechecks: plan.next.job.recheck,
      job: plan.next.chainJob,
      next: plan.next.jobId,
      now,
      keepMs,
    });
  }
  const next = chainGoesOn ? plan.next : null;
  if (data.reason === "recheck" && chainGoesOn && next === null) {
    await endChain(redis, keys, data.chainId, data.ip, plan.followUp.cleared ? "cleared" : "gave-up");
  }

  if (plan.chainResult !== null) {
    // Askers who arrive after this, within the window, answer themselves from it (src/store/dedup-window.ts).
    await saveChainResult(redis, keys, data.chainId, plan.chainResult.report, plan.chainResult.ttlMs);
  }
  // Every channel watching this IP hears of a change, whatever asked for the check.
  const deliveries = [
    ...(chainGoesOn ? plan.deliveries : []),
    ...(await claimWatchNotices(redis, keys, jobId, report, plan.watches)),
  ];
  // Deliveries, then the next re-check: each has a deterministic id, so a job re-run after a
  // crash repeats neither.
  await enqueueDeliveries(queues, deliveries);
  if (next !== null) {
    await queues.check.add(next.job.reason, next.job, { jobId: next.jobId, delay: next.delayMs });
  }
  const clearedElsewhere = isCleared(report)
    ? await clearOtherChains(redis, keys, queues, report, data.chainId, now)
    : 0;
  log.info(
    {
      verdict: report.verdict,
      deliveries: deliveries.length,
      clearedElsewhere,
      next: next?.delayMs ?? null,
      adoptedBy: adoptedChainId,
    },
    "check done",
  );
  return {
    verdict: report.verdict,
    deliveries: deliveries.length,
    nextRecheckMs: next?.delayMs ?? null,
    cleared: plan.followUp.cleared,
  };
}

// What a check's report leads to, carried out: settle it with the channels watching the IP (a
// batch of one, workers/settle.ts), answer the chain's threads, open or end the chain in the
// registry, schedule its next re-check or poll, and end every other open chain of the IP the
// report shows cleared. Shared by the check worker (workers/check.ts) and the poll
// (workers/poll.ts), which applies one full check to every chain waiting on it. The chain's
// decisions are workers/check-plan.ts's.

import type { Origin } from "../src/chat/types.js";
import type { CheckReport } from "../src/check/types.js";
import { type StoreKeys, storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { uniqueOrigins } from "../src/queue/dedup.js";
import type { CheckJob } from "../src/queue/jobs.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import type { RedisClient } from "../src/redis-client.js";
import type { EngineSettings } from "../src/settings.js";
import { adoptCheck } from "../src/store/chain-adoption.js";
import { saveChainResult } from "../src/store/chain-results.js";
import { chainEnded, endChain, openChain, openChainsOf, readChain } from "../src/store/chains.js";
import { chainOrigins, finishCheckWindow } from "../src/store/dedup-window.js";
import { planChainClearedElsewhere } from "./chain-plan.js";
import { planAdoptedStep, planCheckResult } from "./check-plan.js";
import { isCleared, planFollowUp } from "./recheck.js";
import { settleWatchers } from "./settle.js";

export interface ApplyDeps {
  redis: RedisClient;
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
  redis: RedisClient,
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
export async function chainThreads(redis: RedisClient, data: CheckJob): Promise<Origin[]> {
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

/**
 * The chain that adopted this check takes its next step from it (workers/check-plan.ts
 * `planAdoptedStep`): recorded as the chain's `next` (the step it replaces then asks no DNS:
 * workers/check.ts, workers/poll.ts) and queued. Null when nothing moved.
 */
async function moveAdoptingChain(
  deps: ApplyDeps,
  keys: StoreKeys,
  chainId: string,
  report: CheckReport,
  now: Date,
  keepMs: number,
): Promise<{ delayMs: number } | null> {
  const chain = await readChain(deps.redis, keys, chainId);
  if (chain === null || chain.state !== "open" || chain.job === null) return null;
  const step = planAdoptedStep(chain.job, report, now, deps.settings);
  if (step === null) return null;
  const opened = await openChain(deps.redis, keys, {
    chainId,
    ip: chain.ip,
    helo: chain.helo,
    originsKey: chain.originsKey,
    origins: chain.origins,
    firstFailureAt: step.job.firstFailureAt ?? chain.firstFailureAt,
    rechecks: step.job.recheck,
    job: step.chainJob,
    next: step.jobId,
    now,
    keepMs,
  });
  if (!opened) return null;
  await deps.queues.check.add(step.job.reason, step.job, { jobId: step.jobId, delay: step.delayMs });
  return { delayMs: step.delayMs };
}

/** Carries out what `report` leads to for the chain (or watch run) of `input.data`. */
export async function applyReport(input: ReportInput, deps: ApplyDeps, log: Logger): Promise<CheckOutcome> {
  const { redis, queues, settings } = deps;
  const keys = storeKeys(settings.prefix);
  const { data, jobId, attempt, report, now } = input;
  // Every channel watching this IP is settled, whatever asked for the check (its notices are
  // queued with the chain's deliveries below); the last report is saved with it.
  const notices = await settleWatchers(redis, keys, [{ report, jobId }], {
    asker: "check",
    reportTtlSeconds: settings.reportTtlSeconds,
    notice: settings.authorityLagAlertMs === undefined ? {} : { lagAlertMs: settings.authorityLagAlertMs },
  });

  const origins = await chainThreads(redis, data);
  const keepMs = settings.recheckMaxMs + 24 * 3_600_000;
  // Asked for in an open chain's thread (Re-check now, `/rdns recheck`) and still failing: that
  // chain goes on, rather than a second chain for the same thread. Resolved before the plan, so
  // the plan is made once, for the chain that goes on.
  const followUp = planFollowUp(data, report, now, settings);
  const asked = data.reason === "command" || data.reason === "paste";
  const adoptedChainId =
    asked && followUp.next !== null ? await adoptCheck(redis, keys, data, origins, keepMs) : null;
  const plan = planCheckResult({
    job: data,
    jobId,
    attempt,
    report,
    origins,
    now,
    settings,
    followUp,
    adoptedChainId,
  });
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
  const moved =
    adoptedChainId === null ? null : await moveAdoptingChain(deps, keys, adoptedChainId, report, now, keepMs);
  if (data.reason === "recheck" && chainGoesOn && next === null) {
    await endChain(redis, keys, data.chainId, data.ip, plan.followUp.cleared ? "cleared" : "gave-up");
  }

  if (plan.chainResult !== null) {
    // Askers who arrive after this, within the window, answer themselves from it (src/store/dedup-window.ts).
    await saveChainResult(redis, keys, data.chainId, plan.chainResult.report, plan.chainResult.ttlMs);
  }
  const deliveries = [...(chainGoesOn ? plan.deliveries : []), ...notices];
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
      adoptingChainNext: moved?.delayMs ?? null,
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

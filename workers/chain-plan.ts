// What a chain's threads hear when the chain ends other than by its own re-check: cleared by
// another check of the same IP (a /rdns by anyone, a watch run, a button), or stopped because its
// re-check job failed for good. Pure: workers/check.ts ends the chain in the registry first
// (src/store/chains.ts, atomic) and enqueues these only when it was the one that ended it.
import type { Origin, OutboundMessage } from "../src/chat/types.js";
import type { CheckReport } from "../src/check/types.js";
import { parentUpdate, threadReply } from "../src/queue/deliveries.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import type { ChainRecord } from "../src/store/chains.js";
import { silentResolvers } from "./recheck.js";

/** Seconds since the chain's failure was first seen. */
function elapsedSince(chain: Pick<ChainRecord, "firstFailureAt" | "openedAt">, now: Date): number {
  const since = Date.parse(chain.firstFailureAt || chain.openedAt);
  return Number.isNaN(since) ? 0 : Math.max(0, Math.round((now.getTime() - since) / 1000));
}

/**
 * Another check found the IP cleared: "cleared" in each of this chain's threads, and the verdict
 * on each parent. Delivery ids derive from the chain, so the chain's threads hear it once even if
 * this is planned twice.
 */
export function planChainClearedElsewhere(
  chain: Pick<ChainRecord, "chainId" | "firstFailureAt" | "openedAt" | "rechecks">,
  threads: readonly Origin[],
  report: CheckReport,
  now: Date,
): DeliveryJob[] {
  const silent = silentResolvers(report);
  const message: OutboundMessage = {
    kind: "cleared",
    report,
    elapsedSeconds: elapsedSince(chain, now),
    rechecks: chain.rechecks,
    ...(silent.length > 0 ? { silentResolvers: silent } : {}),
  };
  const source = `chain-end-${chain.chainId}`;
  return threads.flatMap((origin) => [
    ...parentUpdate(source, origin, report),
    threadReply(source, origin, message, "cleared"),
  ]);
}

/** Plain words for why a re-check job could not go on (BullMQ's reasons are for the log). */
export function failedRecheckWords(reason: string, attempts: number): string {
  if (/stalled/i.test(reason)) return "the worker running it stopped too many times in a row";
  if (/inconclusive/i.test(reason))
    return `DNS did not give an answer in ${attempts} ${attempts === 1 ? "try" : "tries"} (timeouts or SERVFAIL)`;
  const short = reason.length > 200 ? `${reason.slice(0, 197)}...` : reason;
  return `it failed ${attempts} ${attempts === 1 ? "time" : "times"} in a row (${short})`;
}

/** A re-check job failed for good: the chain's threads are told once that re-checking stopped, and why. */
export function planChainFailed(
  chain: Pick<ChainRecord, "chainId" | "ip">,
  threads: readonly Origin[],
  reason: string,
  attempts: number,
): DeliveryJob[] {
  const text =
    `Re-checking ${chain.ip} has stopped: ${failedRecheckWords(reason, attempts)}. ` +
    `Nothing more will be said here; run /rdns ${chain.ip} to check again.`;
  const message: OutboundMessage = { kind: "notice", text };
  return threads.map((origin) => threadReply(`chain-end-${chain.chainId}`, origin, message, "failed"));
}

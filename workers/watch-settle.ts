// A chunk's reports settled as one batch: each address is settled as a single check settles it
// (last report saved, each watching channel's state by compare-and-set, a notice on a change),
// but the chunk's Redis work goes out in a few pipelines (saves; who watches and what they saw;
// the compare-and-sets) instead of a read and a write per address, one after the other, which
// took 400-600 ms of a 256-address chunk in the lab (issue 13). Every guarantee is the per-address
// one: each state is still its own compare-and-set, whose "by" is the address's job id, and a
// lost one is decided again on its own. Not one script for the whole chunk: the keys of different
// addresses may sit in different cluster slots.
import type { Redis } from "ioredis";
import type { CheckReport } from "../src/check/types.js";
import type { StoreKeys } from "../src/keys.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import { saveLastReports } from "../src/store/reports.js";
import { compareAndSetWatchStates, readWatchState, readWatchStatesOf } from "../src/store/watch-states.js";
import { watchersOfMany } from "../src/store/watches.js";
import { claimWatchNotices } from "./apply-report.js";
import { planWatchNotice, type WatchDecision, type WatchObservation } from "./check-plan.js";

/**
 * One job id per address within the chunk: the compare-and-set's "by" and the notice's delivery
 * id derive from it, so a chunk run again repeats its notices instead of doubling them.
 */
export function chunkAddressJobId(chunkId: string, ip: string): string {
  return `${chunkId}|${ip}`;
}

/** Every channel watching each report's IP, with the state it last saw (in the order of `reports`). */
async function observeAll(
  redis: Redis,
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

/** One watching channel of one address, and what this chunk decided for it. */
interface Claim {
  report: CheckReport;
  jobId: string;
  watcher: WatchObservation;
  decision: WatchDecision;
}

/**
 * Saves each report as its IP's last report, then writes each watching channel's state by
 * compare-and-set and returns the notices to enqueue (after this resolves: a chunk that dies
 * after its writes won finds them when it runs again, and repeats the same notices). The saves
 * and the reads go out together; the writes wait for both, so a state is never written before
 * its report is saved, as in a single check (workers/apply-report.ts).
 */
export async function settleChunkReports(
  redis: Redis,
  keys: StoreKeys,
  chunkId: string,
  reports: readonly CheckReport[],
  reportTtlSeconds: number,
): Promise<DeliveryJob[]> {
  if (reports.length === 0) return [];
  const [, observed] = await Promise.all([
    saveLastReports(redis, keys, reports, reportTtlSeconds),
    observeAll(redis, keys, reports),
  ]);
  const claims: Claim[] = reports.flatMap((report, index) => {
    const jobId = chunkAddressJobId(chunkId, report.ip);
    return (observed[index] ?? []).map((watcher) => ({
      report,
      jobId,
      watcher,
      decision: planWatchNotice(jobId, report, watcher),
    }));
  });
  // Addresses are independent (one hash field and one history list each): every first
  // compare-and-set goes out in one pipeline, and each wins or loses on its own.
  const writes = claims.flatMap(({ report, watcher, decision }) =>
    decision.action === "write"
      ? [
          {
            channel: watcher.channel,
            ip: report.ip,
            expected: decision.expected,
            state: decision.state,
            change: decision.history,
          },
        ]
      : [],
  );
  const won = await compareAndSetWatchStates(redis, keys, writes);
  const notices: DeliveryJob[] = [];
  const lost: Claim[] = [];
  let written = 0;
  for (const claim of claims) {
    const { decision } = claim;
    if (decision.action === "repeat" && decision.notice !== null) notices.push(decision.notice);
    if (decision.action !== "write") continue;
    // Won: its notice goes out, as a re-run's repeat would.
    if (won[written++] === true) {
      if (decision.notice !== null) notices.push(decision.notice);
    } else lost.push(claim);
  }
  // Lost (another check of the address wrote first): decided again against what the winner
  // wrote, address by address, as a single check does.
  const retried = await Promise.all(
    lost.map(async ({ report, jobId, watcher }) => {
      const stored = await readWatchState(redis, keys, watcher.channel, report.ip);
      const again = { ...watcher, stored };
      const decision = planWatchNotice(jobId, report, again);
      return claimWatchNotices(redis, keys, jobId, report, [{ watcher: again, decision }]);
    }),
  );
  return [...notices, ...retried.flat()];
}

// A poll of the authority (issue 10 item 1), shared by every open chain of one IP and HELO that
// waits on it: one or two questions to the authoritative servers (src/check/poll.ts). While the
// fix is not in, the next poll goes on the IP's slot grid (jittered, workers/poll-plan.ts); when
// it is (or a safety-net full check or the chain's deadline is due), one full check runs and its
// report is applied to each waiting chain (workers/apply-report.ts), after each chain's threads
// heard once what the authority now serves and when each resolver lets go of the old answer.
import type { Job } from "bullmq";
import type { PollResult, PollTarget } from "../src/check/poll.js";
import type { CheckOptions, CheckReport } from "../src/check/types.js";
import { storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { chainOrigins, uniqueOrigins } from "../src/queue/dedup.js";
import { threadReply } from "../src/queue/deliveries.js";
import { pollJobId, recheckJobId } from "../src/queue/ids.js";
import type { CheckJob } from "../src/queue/jobs.js";
import { enqueueDeliveries } from "../src/queue/queues.js";
import { type ChainRecord, openChain, openChainsOf, readChain } from "../src/store/chains.js";
import { type ApplyDeps, applyReport, type CheckOutcome } from "./apply-report.js";
import { fixedNoticeText, fullCheckDue, nextPollSlot } from "./poll-plan.js";

export type PollRunner = (target: PollTarget) => Promise<PollResult>;

export interface PollDeps extends ApplyDeps {
  runPoll: PollRunner;
  runCheck: (options: CheckOptions) => Promise<CheckReport>;
  now?: () => Date;
}

type Waiting = ChainRecord & { job: CheckJob };

/** The open chains of this IP and HELO whose next step is this very poll. */
async function waitingChains(deps: PollDeps, data: CheckJob, pollId: string): Promise<Waiting[]> {
  const keys = storeKeys(deps.settings.prefix);
  const chains = await Promise.all(
    (await openChainsOf(deps.redis, keys, data.ip)).map((id) => readChain(deps.redis, keys, id)),
  );
  return chains.filter(
    (chain): chain is Waiting =>
      chain !== null &&
      chain.state === "open" &&
      chain.job !== null &&
      chain.helo === data.helo &&
      chain.next === pollId,
  );
}

const NOTHING: CheckOutcome = { verdict: "inconclusive", deliveries: 0, nextRecheckMs: null, cleared: false };
const SKIPPED: CheckOutcome = { ...NOTHING, skipped: true };

export async function runPollJob(job: Job<CheckJob>, deps: PollDeps, log: Logger): Promise<CheckOutcome> {
  const { redis, queues, settings } = deps;
  const data = job.data;
  const poll = data.poll;
  const pollId = job.id ?? "";
  if (poll === undefined) return NOTHING;
  const chains = await waitingChains(deps, data, pollId);
  // Every chain that waited on it was stopped or ended: no DNS.
  if (chains.length === 0) {
    log.info("poll with no open chain skipped");
    return SKIPPED;
  }
  const result = await deps.runPoll(poll.target);
  const now = deps.now?.() ?? new Date();
  const due = fullCheckDue(
    poll.target,
    result,
    chains.map((chain) => ({
      firstFailureAt: chain.job.firstFailureAt ?? chain.firstFailureAt,
      stillFailingSent: chain.job.stillFailingSent,
    })),
    Date.parse(poll.lastFullAt),
    now.getTime(),
    settings,
  );
  log.info({ status: result.status, questions: result.questions, due, chains: chains.length }, "poll");
  if (due === null) return pollAgain(deps, data, chains, now, poll.lastFullAt);

  const report = await deps.runCheck({ ip: data.ip, helo: data.helo, ...settings.check });
  // DNS gave no answer: poll on, and count this as the full check (not one on every poll).
  if (report.verdict === "inconclusive") return pollAgain(deps, data, chains, now, now.toISOString());
  if (due === "fixed") {
    // Once per chain (the delivery id derives from the chain): what the authority serves now,
    // who already serves it, and when each resolver still holding the old answer lets go.
    const message = { kind: "notice" as const, text: fixedNoticeText(report, now) };
    for (const chain of chains) {
      const joined = chain.originsKey === null ? [] : await chainOrigins(redis, chain.originsKey);
      await enqueueDeliveries(
        queues,
        uniqueOrigins([...chain.origins, ...joined]).map((origin) =>
          threadReply(`fixed-${chain.chainId}`, origin, message, "fixed"),
        ),
      );
    }
  }
  let outcome = NOTHING;
  for (const chain of chains) {
    const chainJob = chain.job;
    outcome = await applyReport(
      { data: chainJob, jobId: recheckJobId(chain.chainId, chainJob.recheck), attempt: 1, report, now },
      deps,
      log,
    );
  }
  return outcome;
}

/** Nothing to do yet: the next poll on the IP's slot grid, for every chain still waiting. */
async function pollAgain(
  deps: PollDeps,
  data: CheckJob,
  chains: Waiting[],
  now: Date,
  lastFullAt: string,
): Promise<CheckOutcome> {
  const keys = storeKeys(deps.settings.prefix);
  const slot = nextPollSlot(data.ip, now.getTime(), deps.settings.recheckPollMs);
  const nextId = pollJobId(data.ip, data.helo, slot.slot);
  let open = 0;
  for (const chain of chains) {
    const kept = await openChain(deps.redis, keys, {
      chainId: chain.chainId,
      ip: chain.ip,
      helo: chain.helo,
      originsKey: chain.originsKey,
      origins: chain.origins,
      firstFailureAt: chain.firstFailureAt,
      rechecks: chain.rechecks,
      job: chain.job,
      next: nextId,
      now,
      keepMs: deps.settings.recheckMaxMs + 24 * 3_600_000,
    });
    if (kept) open++;
  }
  if (open > 0 && data.poll !== undefined) {
    await deps.queues.check.add(
      "poll",
      { ...data, poll: { ...data.poll, lastFullAt } },
      { jobId: nextId, delay: slot.delayMs },
    );
  }
  return { ...NOTHING, nextRecheckMs: open > 0 ? slot.delayMs : null };
}

// A poll of the authority (issue 10 item 1), shared by every open chain of one IP and HELO that
// waits on it: one or two questions to the authoritative servers (src/check/poll.ts). While the
// fix is not in, the next poll goes on the IP's slot grid (jittered, workers/poll-plan.ts). When
// it is, no resolver is asked: each chain's threads hear once what the authority now serves and
// when each resolver lets go of the old answer, predicted from the chain's last full check
// (workers/poll-fix-plan.ts), and one confirmation (this same job kind, with `poll.confirm`)
// asks each of those resolvers once at that time (src/check/confirm.ts). A safety-net full
// check, a moved answer or the chain's deadline still run a full check. Reports are applied to
// each waiting chain by workers/apply-report.ts.
import type { Job } from "bullmq";
import { systemResolvers } from "../src/check/check-servers.js";
import { type ConfirmResult, confirmFix } from "../src/check/confirm.js";
import { parseIp } from "../src/check/ip.js";
import type { PollResult, PollTarget } from "../src/check/poll.js";
import type { CheckOptions, CheckReport } from "../src/check/types.js";
import { storeKeys } from "../src/keys.js";
import type { Logger } from "../src/log.js";
import { uniqueOrigins } from "../src/queue/dedup.js";
import { threadReply } from "../src/queue/deliveries.js";
import { pollJobId, recheckJobId } from "../src/queue/ids.js";
import type { CheckJob, FixConfirm } from "../src/queue/jobs.js";
import { enqueueDeliveries } from "../src/queue/queues.js";
import { type ChainRecord, openChain, openChainsOf, readChain } from "../src/store/chains.js";
import { chainOrigins } from "../src/store/dedup-window.js";
import { type ApplyDeps, applyReport, type CheckOutcome } from "./apply-report.js";
import { fixSeenNoticeText, planFixSeen } from "./poll-fix-plan.js";
import { fullCheckDue, nextPollSlot } from "./poll-plan.js";

export type PollRunner = (target: PollTarget) => Promise<PollResult>;

/** The one look at the resolvers after the fix was seen (src/check/confirm.ts confirmFix). */
export type ConfirmRunner = (input: {
  ip: string;
  helo: string | null;
  target: PollTarget;
  resolvers: string[];
}) => Promise<ConfirmResult>;

export interface PollDeps extends ApplyDeps {
  runPoll: PollRunner;
  runCheck: (options: CheckOptions) => Promise<CheckReport>;
  /** Defaults to confirmFix with the settings' servers and the real DNS client. */
  runConfirm?: ConfirmRunner;
  now?: () => Date;
}

/** The configured resolvers, or the system's when none are (as the full check asks). */
function configuredResolvers(deps: PollDeps): string[] {
  const listed = deps.settings.check.resolvers;
  return listed.length > 0 ? listed : systemResolvers();
}

function defaultConfirm(deps: PollDeps): ConfirmRunner {
  const check = deps.settings.check;
  return (input) =>
    confirmFix({
      ...input,
      allResolvers: configuredResolvers(deps),
      authorities: check.authorities,
      timeoutMs: check.timeoutMs,
      ...(check.deadlineMs === undefined ? {} : { deadlineMs: check.deadlineMs }),
      ...(check.showPrivateAddresses ? { showPrivateAddresses: true } : {}),
    });
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
  if (poll.confirm !== undefined) return runConfirmation(deps, data, poll.confirm, chains, log);
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
    deps.settings,
  );
  log.info({ status: result.status, questions: result.questions, due, chains: chains.length }, "poll");
  // Each chain waiting on the poll counts its questions (shared polls in full).
  const polled = chains.map((chain) => withQuestions(chain, result.questions));
  if (due === null) return pollAgain(deps, data, polled, now, poll.lastFullAt);
  if (due === "fixed") return fixSeen(deps, data, pollId, result, polled, now, log);

  let questions = 0;
  const report = await deps.runCheck({
    ip: data.ip,
    helo: data.helo,
    ...deps.settings.check,
    onQuestion: () => questions++,
  });
  const checked = polled.map((chain) => withQuestions(chain, questions));
  // DNS gave no answer: poll on, and count this as the full check (not one on every poll).
  if (report.verdict === "inconclusive") return pollAgain(deps, data, checked, now, now.toISOString());
  return applyToChains(deps, checked, report, now, log);
}

function withQuestions(chain: Waiting, questions: number): Waiting {
  return { ...chain, job: { ...chain.job, questions: (chain.job.questions ?? 0) + questions } };
}

/** One report, applied to every chain that waited on this job (each with its own state). */
async function applyToChains(
  deps: PollDeps,
  chains: Waiting[],
  report: CheckReport,
  now: Date,
  log: Logger,
): Promise<CheckOutcome> {
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

/**
 * The poll saw the fix: no resolver is asked now. Each chain's threads hear once (the delivery
 * id derives from the chain) what the authority serves and when each resolver lets go, predicted
 * from the last full check; then one confirmation job, shared by the chains, at that time.
 */
async function fixSeen(
  deps: PollDeps,
  data: CheckJob,
  pollId: string,
  result: PollResult,
  chains: Waiting[],
  now: Date,
  log: Logger,
): Promise<CheckOutcome> {
  const poll = data.poll;
  if (poll === undefined) return NOTHING;
  const keys = storeKeys(deps.settings.prefix);
  const plan = planFixSeen(
    poll.target,
    result,
    poll.seen ?? [],
    configuredResolvers(deps),
    now.getTime(),
    deps.settings.recheckMarginMs,
  );
  const text = fixSeenNoticeText(parseIp(data.ip).reverseName, poll.target, result, plan, now);
  const confirmId = `${pollId}-fix`;
  let open = 0;
  for (const chain of chains) {
    const message = {
      kind: "notice" as const,
      text,
      chain: { ip: data.ip, helo: data.helo, chainId: chain.chainId },
    };
    const joined = chain.originsKey === null ? [] : await chainOrigins(deps.redis, chain.originsKey);
    await enqueueDeliveries(
      deps.queues,
      uniqueOrigins([...chain.origins, ...joined]).map((origin) =>
        threadReply(`fixed-${chain.chainId}`, origin, message, "fixed"),
      ),
    );
    const kept = await openChain(deps.redis, keys, {
      ...chainFields(chain),
      // A later fix-seen of the same chain keeps the first instant.
      job: { ...chain.job, fixSeenAt: chain.job.fixSeenAt ?? now.toISOString() },
      next: confirmId,
      now,
      keepMs: deps.settings.recheckMaxMs + 24 * 3_600_000,
    });
    if (kept) open++;
  }
  const delayMs = Math.max(0, plan.confirmAt.getTime() - now.getTime());
  if (open > 0) {
    const confirm: FixConfirm = { resolvers: plan.confirm, fixSeenAt: now.toISOString() };
    await deps.queues.check.add(
      "poll",
      { ...data, poll: { ...poll, confirm } },
      { jobId: confirmId, delay: delayMs },
    );
  }
  log.info({ confirm: plan.confirm, delayMs }, "fix seen at the authority");
  return { ...NOTHING, nextRecheckMs: open > 0 ? delayMs : null };
}

/** The one look at the resolvers: its report goes through the chains like a full check's. */
async function runConfirmation(
  deps: PollDeps,
  data: CheckJob,
  confirm: FixConfirm,
  chains: Waiting[],
  log: Logger,
): Promise<CheckOutcome> {
  const poll = data.poll;
  if (poll === undefined) return NOTHING;
  const run = deps.runConfirm ?? defaultConfirm(deps);
  // A broken pair's question goes to every resolver when none is named (none was timed).
  const resolvers =
    poll.target.forward && confirm.resolvers.length === 0 ? configuredResolvers(deps) : confirm.resolvers;
  const result = await run({ ip: data.ip, helo: data.helo, target: poll.target, resolvers });
  const now = deps.now?.() ?? new Date();
  log.info({ verdict: result.report.verdict, questions: result.byServer }, "fix confirmation");
  return applyToChains(
    deps,
    chains.map((chain) => withQuestions(chain, result.questions)),
    result.report,
    now,
    log,
  );
}

function chainFields(chain: Waiting) {
  return {
    chainId: chain.chainId,
    ip: chain.ip,
    helo: chain.helo,
    originsKey: chain.originsKey,
    origins: chain.origins,
    firstFailureAt: chain.firstFailureAt,
    rechecks: chain.rechecks,
  };
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
      ...chainFields(chain),
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

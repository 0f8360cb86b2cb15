// Asking for a check from a chat thread: join the de-duplication window for this IP and HELO
// (src/store/dedup-window.ts) and enqueue the check only when this asker opened the window.

import type { Origin, OutboundMessage } from "../chat/types.js";
import type { CheckReport } from "../check/types.js";
import { uniqueOrigins } from "../queue/dedup.js";
import { parentNotice, resultDeliveries, threadReply } from "../queue/deliveries.js";
import { checkJobId } from "../queue/ids.js";
import type { CheckReason, DeliveryJob } from "../queue/jobs.js";
import { newCheckJob } from "../queue/jobs.js";
import { enqueueDeliveries } from "../queue/queues.js";
import { waitForReplicas } from "../queue/replica-wait.js";
import { joinAdopter } from "../store/chain-adoption.js";
import { readChainResult } from "../store/chain-results.js";
import { readChain } from "../store/chains.js";
import { abandonCheckWindow, joinCheckWindow } from "../store/dedup-window.js";
import type { AppContext } from "./context.js";

const HOUR = 3_600_000;

export interface CheckRequest {
  ip: string;
  helo: string | null;
  origin: Origin;
  reason: Extract<CheckReason, "command" | "paste">;
  /**
   * A check now, not an answer kept from one that just finished (the "Re-check now" button):
   * a finished window is re-opened for a new check; a running one is still joined.
   */
  fresh?: boolean;
  /** Also probe the IP's SMTP port (`/rdns probe`): a window of its own, apart from plain checks. */
  probe?: boolean;
}

/**
 * Thrown when the check could not be queued: nothing was checked. `told` says whether the asker's
 * own thread was told so (a delivery could still be queued); when not, the command says it.
 */
export class CheckNotQueuedError extends Error {
  override name = "CheckNotQueuedError";
  constructor(
    readonly ip: string,
    readonly told: boolean,
    options: { cause: unknown },
  ) {
    super(`the check of ${ip} could not be queued`, options);
  }
}

/**
 * Closes a window whose job was never queued and tells everyone who had joined it, this asker
 * included, that nothing was checked (best effort: the queue that failed may refuse this too).
 * Returns whether the notices were queued.
 */
async function abandonWindow(ctx: AppContext, request: CheckRequest, dedupKey: string, chainId: string) {
  const joined = await abandonCheckWindow(ctx.redis, dedupKey, chainId);
  const message: OutboundMessage = { kind: "not-queued", ip: request.ip };
  await enqueueDeliveries(
    ctx.queues,
    uniqueOrigins([request.origin, ...joined]).flatMap((origin) => [
      ...parentNotice(chainId, origin, message),
      threadReply(chainId, origin, message, "not-queued"),
    ]),
  );
}

/**
 * An answer kept from a check that just finished says so, with its real age: whoever asks again
 * must not take it for a new look (the verdict and the report carry "checked 7 s ago").
 */
function saidReused(jobs: DeliveryJob[], report: CheckReport, now = Date.now()): DeliveryJob[] {
  const ageMs = now - Date.parse(report.checkedAt);
  if (!Number.isFinite(ageMs)) return jobs;
  const reusedSeconds = Math.max(0, Math.round(ageMs / 1000));
  return jobs.map((job) =>
    job.message.kind === "verdict" || job.message.kind === "report"
      ? { ...job, message: { ...job.message, reusedSeconds } }
      : job,
  );
}

/** Re-opening attempts before giving up: each one lost means another asker re-opened first. */
const MAX_REOPEN = 3;

/**
 * Returns how the request was served: a new check, joined a running one, or answered from a
 * finished one. What it wrote (the asker on the chain's origin list, the check job or the
 * deliveries) is on a replica before the asker is told anything (waitForReplicas), so a failover
 * right after cannot lose the request.
 */
export async function requestCheck(
  ctx: AppContext,
  request: CheckRequest,
): Promise<"new" | "joined" | "answered" | "rerun"> {
  const served = await serveCheck(ctx, request);
  await waitForReplicas(ctx.redis, ctx.keys.replicaWait());
  return served;
}

async function serveCheck(
  ctx: AppContext,
  request: CheckRequest,
): Promise<"new" | "joined" | "answered" | "rerun"> {
  const { redis, queues, settings, keys } = ctx;
  const dedupKey = keys.dedup(request.ip, request.helo, request.probe === true);
  const join = (reopenChainId?: string) =>
    joinCheckWindow(
      redis,
      dedupKey,
      checkJobId(request.ip),
      request.origin,
      settings.dedupWindowMs,
      // The chain's origins must outlive its re-checks.
      settings.recheckMaxMs + 24 * HOUR,
      reopenChainId,
    );
  let joined = await join();
  let reopened = false;
  for (let attempt = 0; joined.state === "done"; attempt++) {
    const report = request.fresh === true ? null : await readChainResult(redis, keys, joined.chainId);
    if (report !== null) {
      const chain = await readChain(redis, keys, joined.chainId);
      // A check adopted by an earlier chain (src/store/chain-adoption.ts) opened none: its
      // late askers join the chain that adopted it.
      const openChainId =
        chain === null
          ? await joinAdopter(redis, keys, joined.chainId, request.origin, settings.recheckMaxMs + 24 * HOUR)
          : chain.state === "open"
            ? joined.chainId
            : null;
      await enqueueDeliveries(
        queues,
        saidReused(resultDeliveries(joined.chainId, report, request.origin, openChainId), report),
      );
      return "answered";
    }
    if (attempt >= MAX_REOPEN) throw new Error(`the check window for ${request.ip} kept changing; try again`);
    // The window's check ended without an answer to share (DNS kept failing): ask again, in a
    // re-opened window (atomically, in Lua) so askers after this one join the new check.
    joined = await join(joined.chainId);
    reopened = true;
  }
  if (joined.state === "joined") return "joined";
  const job = newCheckJob({
    ...request,
    origins: [request.origin],
    originsKey: joined.originsKey,
    chainId: joined.chainId,
  });
  try {
    await queues.check.add(request.reason, job, { jobId: joined.chainId });
  } catch (error) {
    const told = await abandonWindow(ctx, request, dedupKey, joined.chainId).then(
      () => true,
      () => false,
    );
    throw new CheckNotQueuedError(request.ip, told, { cause: error });
  }
  return reopened ? "rerun" : "new";
}

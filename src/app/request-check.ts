// Asking for a check from a chat thread: join the de-duplication window for this IP and HELO
// (src/queue/dedup.ts) and enqueue the check only when this asker opened the window.

import type { CheckReport } from "../check/types.js";
import type { Origin } from "../platforms/types.js";
import { joinCheckWindow } from "../queue/dedup.js";
import { resultDeliveries } from "../queue/deliveries.js";
import { checkJobId } from "../queue/ids.js";
import type { CheckReason } from "../queue/jobs.js";
import { newCheckJob } from "../queue/jobs.js";
import { enqueueDeliveries } from "../queue/queues.js";
import type { AppContext } from "./context.js";

const HOUR = 3_600_000;

export interface CheckRequest {
  ip: string;
  helo: string | null;
  origin: Origin;
  reason: Extract<CheckReason, "command" | "paste">;
}

/** Returns how the request was served: a new check, joined a running one, or answered from a finished one. */
export async function requestCheck(
  ctx: AppContext,
  request: CheckRequest,
): Promise<"new" | "joined" | "answered" | "rerun"> {
  const { redis, queues, settings, keys } = ctx;
  const created = Date.now();
  const join = await joinCheckWindow(
    redis,
    keys.dedup(request.ip, request.helo),
    checkJobId(request.ip, request.helo, created),
    request.origin,
    settings.dedupWindowMs,
    // The chain's origins must outlive its re-checks.
    settings.recheckMaxMs + 24 * HOUR,
  );
  if (join.state === "joined") return "joined";
  if (join.state === "done") {
    const stored = await redis.get(keys.chainResult(join.chainId));
    if (stored !== null) {
      const report = JSON.parse(stored) as CheckReport;
      await enqueueDeliveries(queues, resultDeliveries(join.chainId, report, request.origin));
      return "answered";
    }
    // The window's check ended without an answer to share (DNS kept failing): ask again.
    const chainId = checkJobId(request.ip, request.helo, created + 1);
    const job = newCheckJob({ ...request, origins: [request.origin], originsKey: null, chainId });
    await queues.check.add(request.reason, job, { jobId: chainId });
    return "rerun";
  }
  const job = newCheckJob({
    ...request,
    origins: [request.origin],
    originsKey: join.originsKey,
    chainId: join.chainId,
  });
  await queues.check.add(request.reason, job, { jobId: join.chainId });
  return "new";
}

// What a result turns into: delivery jobs, each with an id derived from the check that produced
// it and where it goes (src/queue/ids.ts), so enqueueing the same delivery twice is a no-op.
// Every job is made here, and each carries its message's reports as the views its platform
// renders (src/render/views.ts), not the whole report.

import type { Origin, OutboundMessage } from "../chat/types.js";
import type { CheckReport } from "../check/types.js";
import { deliveredMessage } from "../render/views.js";
import { deliveryId } from "./ids.js";
import type { DeliveryJob } from "./jobs.js";

/** One message into an origin's thread. `what` names the message within the source job. */
export function threadReply(
  sourceJobId: string,
  origin: Origin,
  message: OutboundMessage,
  what: string,
): DeliveryJob {
  return {
    deliveryId: deliveryId(sourceJobId, `${origin.platform}|reply|${origin.thread}`, what),
    platform: origin.platform,
    target: { op: "reply", thread: origin.thread },
    message: deliveredMessage(origin.platform, message),
  };
}

/** Replace the parent message (the "checking..." line) with the verdict; none when there is no parent. */
export function parentUpdate(
  sourceJobId: string,
  origin: Origin,
  report: CheckReport,
  chainId: string | null = null,
): DeliveryJob[] {
  if (origin.parent === null) return [];
  return [
    {
      deliveryId: deliveryId(sourceJobId, `${origin.platform}|update|${origin.parent}`, "verdict"),
      platform: origin.platform,
      target: { op: "update", target: origin.parent },
      message: deliveredMessage(origin.platform, { kind: "verdict", report, chainId }),
    },
  ];
}

/**
 * Replace the parent message with a notice instead of a verdict (a check that failed for good).
 * Same id as parentUpdate: a job updates its parent once, whichever way it ended.
 */
export function parentNotice(sourceJobId: string, origin: Origin, message: OutboundMessage): DeliveryJob[] {
  if (origin.parent === null) return [];
  return [
    {
      deliveryId: deliveryId(sourceJobId, `${origin.platform}|update|${origin.parent}`, "verdict"),
      platform: origin.platform,
      target: { op: "update", target: origin.parent },
      message: deliveredMessage(origin.platform, message),
    },
  ];
}

/** A check's answer to one asker: the full report in the thread, the verdict on the parent. */
export function resultDeliveries(
  sourceJobId: string,
  report: CheckReport,
  origin: Origin,
  /** The open re-check chain of this result, for the buttons; null when nothing will be re-checked. */
  chainId: string | null = null,
): DeliveryJob[] {
  return [
    ...parentUpdate(sourceJobId, origin, report, chainId),
    threadReply(
      sourceJobId,
      origin,
      { kind: "report", report, chainId, ...(origin.focusList ? { focusList: origin.focusList } : {}) },
      "report",
    ),
  ];
}

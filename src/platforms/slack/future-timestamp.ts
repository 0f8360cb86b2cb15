// Slack signs `v0:timestamp:body` and asks receivers to refuse timestamps more than five minutes
// away from their clock ("Verifying requests from Slack": "If the timestamp is more than five
// minutes from local time, it could be a replay attack"). Bolt's HTTPReceiver refuses only the
// past ones; a request stamped in the future stays replayable for as long as its stamp is ahead,
// so this refuses it the same way (401, nothing handled) before Bolt reads it.
import type { HTTPReceiver } from "@slack/bolt";
import type { Logger } from "../../log.js";

/** Slack's allowed skew, either way. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** Whether the x-slack-request-timestamp header lies more than five minutes ahead of `nowMs`. */
export function isFromTheFuture(header: string | string[] | undefined, nowMs: number): boolean {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) return false; // Bolt refuses these itself
  return Number(text) > Math.floor(nowMs / 1000) + MAX_SKEW_SECONDS;
}

/** Wraps the receiver's request listener (the one its server calls) with the future check. */
export function refuseFutureRequests(
  receiver: HTTPReceiver,
  logger: Pick<Logger, "warn">,
  now: () => number = Date.now,
): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (isFromTheFuture(req.headers["x-slack-request-timestamp"], now())) {
      logger.warn(
        { timestamp: req.headers["x-slack-request-timestamp"] },
        "refused a Slack request stamped more than 5 minutes in the future",
      );
      res.writeHead(401).end();
      return;
    }
    return inner(req, res);
  };
}

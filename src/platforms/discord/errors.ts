// Discord failures as the delivery worker's retry policy (DeliveryErrorHints in ../types.ts):
// short rate limits are waited out by discord.js itself, per route; a long one is thrown with
// `retryAfterMs` so the job goes back to the queue instead of holding its lock; errors no retry
// can fix (unknown channel or message, missing access, bad token, a body Discord refuses) are
// `permanent`. Everything else (5xx, network, closed connections) is thrown as is and retried.
import {
  DiscordAPIError,
  HTTPError,
  type RateLimitData,
  RateLimitError,
  RESTJSONErrorCodes,
} from "discord.js";
import type { DeliveryErrorHints } from "../../chat/types.js";

/** Longer than this, a rate limit is handed back to the queue (BullMQ's lock is 30 s by default). */
export const LONGEST_INLINE_WAIT_MS = 10_000;

export function rejectLongRateLimits(limit: RateLimitData): boolean {
  return Math.max(limit.retryAfter, limit.timeToReset) > LONGEST_INLINE_WAIT_MS;
}

const PERMANENT_CODES: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser,
  RESTJSONErrorCodes.InvalidFormBodyOrContentType,
  RESTJSONErrorCodes.ThreadLocked,
]);

// The channel is gone (10003) or the bot may no longer see it (50001).
const CHANNEL_GONE_CODES: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
]);

/** Adds the hints to the error (same object, same stack) and returns it for `throw`. */
export function withDeliveryHints(error: unknown): unknown {
  if (error instanceof RateLimitError) {
    return Object.assign(error, {
      retryAfterMs: Math.max(error.retryAfter, error.timeToReset),
    } satisfies DeliveryErrorHints);
  }
  if (error instanceof DiscordAPIError) {
    const permanent =
      PERMANENT_CODES.has(Number(error.code)) ||
      error.status === 401 ||
      error.status === 403 ||
      error.status === 404;
    const channelGone = CHANNEL_GONE_CODES.has(Number(error.code));
    return Object.assign(error, { permanent, channelGone } satisfies DeliveryErrorHints);
  }
  if (error instanceof HTTPError && error.status === 401) {
    return Object.assign(error, { permanent: true } satisfies DeliveryErrorHints);
  }
  return error;
}

/** Runs one Discord call, rethrowing its failure with delivery hints. */
export async function hinted<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw withDeliveryHints(error);
  }
}

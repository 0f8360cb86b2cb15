// For the few calls made while a person waits (the parent message of a /rdns, an ephemeral
// answer): a 429 is waited out for this one call only, up to a bound; anything longer is raised.
// Deliveries do not use this: they re-queue themselves (see outbound.ts), except for a status
// table's file upload, which comes after its message is posted (attachCut in outbound.ts).
import { RateLimitedError } from "../../chat/types.js";

export async function withRateLimitWait<T>(
  call: () => Promise<T>,
  maxWaitMs = 30_000,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RateLimitedError) || attempt >= attempts || error.retryAfterMs > maxWaitMs)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs));
    }
  }
}

// The one error boundary's words: whatever fails while handling a request, the asker reads one
// sentence with a reference, and the log line about it carries the same reference, so an
// operator can find the cause from a user's screenshot. When the cause is that the queue (Redis)
// cannot be reached, the sentence says so: nothing was started, so nothing was lost, and asking
// again once it is back is all there is to do.
import { randomBytes } from "node:crypto";
import type { OutboundMessage } from "../chat/types.js";

/** Eight hex characters: enough to find one log line, short enough to read out. */
export function newReference(): string {
  return randomBytes(4).toString("hex");
}

/**
 * ioredis's words for a connection that is down: a command given up after its retries
 * (MaxRetriesPerRequestError), a closed connection, a refused one, an offline queue turned off,
 * a command that waited 30 s for a primary (commandTimeout, src/queue/connection.ts).
 */
const UNREACHABLE =
  /max retries per request|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Stream isn't writeable|Command timed out/i;

/** Whether `error` (or its cause) comes from Redis being unreachable, or the connection is not up now. */
export function isQueueUnreachable(error: unknown, redisStatus: string): boolean {
  if (redisStatus !== "ready") return true;
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (cause.name === "MaxRetriesPerRequestError" || UNREACHABLE.test(cause.message)) return true;
    cause = cause.cause;
  }
  return false;
}

export function failureNotice(reference: string, queueUnreachable = false): OutboundMessage {
  return {
    kind: "notice",
    text: queueUnreachable
      ? `Sorry, the bot cannot reach its queue (Redis) right now, so nothing was started and nothing was lost; please ask again in a minute (reference ${reference}).`
      : `Sorry, that failed on our side (reference ${reference}); please try again in a minute.`,
  };
}

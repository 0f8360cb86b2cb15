// The one error boundary's words: whatever fails while handling a request, the asker reads one
// sentence with a reference, and the log line about it carries the same reference, so an
// operator can find the cause from a user's screenshot. When the cause is that the queue (Redis)
// cannot be reached, the sentence says so: nothing was started, so nothing was lost, and asking
// again once it is back is all there is to do. When the cause is that Redis is full (at
// `maxmemory` under `noeviction`, it refuses every write with an OOM error), the sentence says
// that instead: asking again helps only once an operator has freed memory.
import { randomBytes } from "node:crypto";
import type { OutboundMessage } from "../chat/types.js";

/** Eight hex characters: enough to find one log line, short enough to read out. */
export function newReference(): string {
  return randomBytes(4).toString("hex");
}

/**
 * ioredis's words for a connection that is down: a command given up after its retries
 * (MaxRetriesPerRequestError), a closed connection, a refused one, an offline queue turned off.
 */
const UNREACHABLE =
  /max retries per request|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Stream isn't writeable/i;

/** Whether `error` (or its cause) comes from Redis being unreachable, or the connection is not up now. */
export function isQueueUnreachable(error: unknown, redisStatus: string): boolean {
  if (redisStatus !== "ready") return true;
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (cause.name === "MaxRetriesPerRequestError" || UNREACHABLE.test(cause.message)) return true;
    cause = cause.cause;
  }
  return false;
}

/**
 * Redis's refusal of a write at `maxmemory` when nothing can be evicted: "OOM command not allowed
 * when used memory > 'maxmemory'." (server.c, shared.oomerr). A Lua script carries it in its own
 * error's message; a MULTI whose queued write was refused fails with EXECABORT and ioredis keeps
 * the refusal in `previousErrors`.
 */
const OOM = /\bOOM command not allowed\b/;

/** Whether `error` (or its cause, or a refused transaction's queued command) is Redis being full. */
export function isStorageFull(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (OOM.test(cause.message)) return true;
    const previous = (cause as { previousErrors?: unknown }).previousErrors;
    if (Array.isArray(previous) && previous.some((item) => item instanceof Error && OOM.test(item.message)))
      return true;
    cause = cause.cause;
  }
  return false;
}

/** What went wrong on our side, as far as the asker needs to know it. */
export type FailureCause = "other" | "queue-unreachable" | "storage-full";

export function failureCause(error: unknown, redisStatus: string): FailureCause {
  // Full first: a full Redis still answers, so the connection's status says nothing about it.
  if (isStorageFull(error)) return "storage-full";
  return isQueueUnreachable(error, redisStatus) ? "queue-unreachable" : "other";
}

/** The sentence for a request that could not be saved because Redis is full. */
export function storageFullText(reference: string): string {
  return `Sorry, the bot's storage (Redis) is full, so this could not be saved and nothing was started; an operator has to free memory, then please ask again (reference ${reference}).`;
}

export function failureNotice(reference: string, cause: FailureCause | boolean = "other"): OutboundMessage {
  const which = cause === true ? "queue-unreachable" : cause === false ? "other" : cause;
  return {
    kind: "notice",
    text:
      which === "storage-full"
        ? storageFullText(reference)
        : which === "queue-unreachable"
          ? `Sorry, the bot cannot reach its queue (Redis) right now, so nothing was started and nothing was lost; please ask again in a minute (reference ${reference}).`
          : `Sorry, that failed on our side (reference ${reference}); please try again in a minute.`,
  };
}

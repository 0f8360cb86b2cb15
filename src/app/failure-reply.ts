// The one error boundary's words: whatever fails while handling a request, the asker reads one
// sentence with a reference, and the log line about it carries the same reference, so an
// operator can find the cause from a user's screenshot.
import { randomBytes } from "node:crypto";
import type { OutboundMessage } from "../chat/types.js";

/** Eight hex characters: enough to find one log line, short enough to read out. */
export function newReference(): string {
  return randomBytes(4).toString("hex");
}

export function failureNotice(reference: string): OutboundMessage {
  return {
    kind: "notice",
    text: `Sorry, that failed on our side (reference ${reference}); please try again in a minute.`,
  };
}

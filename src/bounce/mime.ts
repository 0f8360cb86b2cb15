// Whole messages (.eml): the MIME walker (mime-walk.ts) hands back the human-readable part(s),
// the message/delivery-status part (RFC 3464) and the returned message or its headers, plus the
// envelope facts that say whether the message is a bounce at all.
import { decodeWords, walkMessage } from "./mime-walk.js";

export interface MessageParts {
  /** The human-readable part(s), decoded. */
  text: string;
  /** The message/delivery-status part(s), decoded (may be empty). */
  deliveryStatus: string;
  /** Header block of the returned message (message/rfc822 or text/rfc822-headers), when attached. */
  returnedHeaders: string;
  subject: string | null;
  from: string | null;
  /** Exim's X-Failed-Recipients header, when present. */
  failedRecipients: string | null;
  /** Auto-Submitted (RFC 3834), X-Autoreply and the like: "auto-replied" marks vacation notices. */
  autoReply: boolean;
  /** multipart/report's report-type (RFC 6522): delivery-status, feedback-report (RFC 5965) ... */
  reportType: string | null;
  /** Whole attached messages (message/rfc822): a forwarded bounce is one. */
  attachedMessages: string[];
}

const MESSAGE_HEADER =
  /^(received|return-path|from|to|subject|date|message-id|mime-version|content-type|delivered-to|x-failed-recipients|auto-submitted):/i;
const ANY_HEADER = /^[A-Za-z][A-Za-z0-9-]{0,76}:/;

/**
 * True when the text starts with an RFC 5322 header block that names at least one message header
 * (so a pasted DSN field block such as `Reporting-MTA: dns; ...` is not taken for a message).
 */
export function looksLikeMessage(lines: string[]): boolean {
  let start = 0;
  while (start < lines.length && (lines[start] ?? "").trim() === "") start++;
  let sawMessageHeader = false;
  for (let i = start; i < Math.min(lines.length, start + 200); i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") return sawMessageHeader && i > start;
    if (/^[ \t]/.test(line)) {
      if (i === start) return false;
      continue;
    }
    if (!ANY_HEADER.test(line)) return false;
    if (MESSAGE_HEADER.test(line)) sawMessageHeader = true;
  }
  return false;
}

export function readMessage(raw: string): MessageParts | null {
  const walked = walkMessage(raw);
  if (walked === null) return null;
  const header = (name: string) => {
    const value = walked.headers.get(name);
    return value === undefined || value.trim() === "" ? null : decodeWords(value.trim());
  };
  const autoSubmitted = header("auto-submitted");
  return {
    text: walked.text,
    deliveryStatus: walked.deliveryStatus,
    returnedHeaders: walked.returnedHeaders,
    subject: header("subject"),
    from: header("from"),
    failedRecipients: header("x-failed-recipients"),
    autoReply:
      (autoSubmitted !== null && /auto-replied/i.test(autoSubmitted)) ||
      header("x-autoreply") !== null ||
      header("x-autorespond") !== null ||
      /^auto[_-]reply$/i.test(header("precedence") ?? ""),
    reportType:
      walked.contentType.type === "multipart/report"
        ? (walked.contentType.params.get("report-type")?.toLowerCase() ?? null)
        : null,
    attachedMessages: walked.attachedMessages,
  };
}

const ADDRESS = /<?([^\s<>@,;:"]{1,64}@[A-Za-z0-9.-]{1,253})>?/;

/**
 * The original recipient when the report names none: X-Failed-Recipients (Exim), else the To:
 * of the returned message's headers (RFC 6522 text/rfc822-headers or the message/rfc822 part).
 */
export function fallbackRecipient(parts: MessageParts): string | null {
  const failed = parts.failedRecipients === null ? null : ADDRESS.exec(parts.failedRecipients)?.[1];
  if (failed) return failed;
  const to = /^to:[ \t]*(.{0,1000})$/im.exec(parts.returnedHeaders)?.[1];
  return to === undefined ? null : (ADDRESS.exec(to)?.[1] ?? null);
}

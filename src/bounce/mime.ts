// Whole messages (.eml) go through mailparser: it decodes transfer encodings and charsets, walks
// multipart/report (RFC 6522) and hands back the message/delivery-status part (RFC 3464) and the
// returned message or headers as attachments, which a hand-written splitter would get wrong.
import { simpleParser } from "mailparser";

export interface MessageParts {
  /** The human-readable part(s), decoded. */
  text: string;
  /** The message/delivery-status part(s), decoded (may be empty). */
  deliveryStatus: string;
  /** Header block of the returned message (message/rfc822 or text/rfc822-headers), when attached. */
  returnedHeaders: string;
  subject: string | null;
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

export async function readMessage(raw: string): Promise<MessageParts> {
  const parsed = await simpleParser(raw, {
    keepDeliveryStatus: true,
    skipImageLinks: true,
    skipTextLinks: true,
    skipTextToHtml: true,
  });
  const dsn: string[] = [];
  const returned: string[] = [];
  for (const attachment of parsed.attachments) {
    const type = attachment.contentType.toLowerCase();
    const content = attachment.content.toString("utf8");
    if (type === "message/delivery-status" || type === "message/global-delivery-status") dsn.push(content);
    else if (type === "message/rfc822" || type === "text/rfc822-headers" || type === "message/global") {
      returned.push(headerBlock(content));
    }
  }
  return {
    text: parsed.text ?? "",
    deliveryStatus: dsn.join("\n\n"),
    returnedHeaders: returned.join("\n\n"),
    subject: parsed.subject ?? null,
  };
}

function headerBlock(message: string): string {
  const end = message.search(/\r?\n\r?\n/);
  return end < 0 ? message : message.slice(0, end);
}

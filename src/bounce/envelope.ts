// Whether a message is a bounce by its envelope (its sender, subject, report type), and its own
// words when it carries no reply. Split from read-bounce.ts, which reads the text.
import type { MessageParts } from "./mime.js";

// A message is a bounce by its envelope when a mail system sent it as one: RFC 6522's
// report-type=delivery-status, the MAILER-DAEMON / postmaster sender that RFC 5321 4.5.5 bounces
// come from, Exim's X-Failed-Recipients, or a non-delivery subject. Such a message is read even
// when no reply code survived (queue expiry, unknown host, a list's refusal).
const BOUNCE_SENDER = /mailer[-_]?daemon|postmaster|mail delivery (?:subsystem|system)|mail administrator/i;
const BOUNCE_SUBJECT =
  /undeliver|delivery status notification|returned mail|mail delivery (?:failed|failure|problem)|delivery (?:failure|failed|problem|notification)|failure notice|non[- ]?deliver|could not be delivered|not delivered|returned to sender|delivery has failed|mail system error|address not found|message not delivered|nicht zustellbar|non remis|no entregado|non recapitato|onbestelbaar|не доставлено|エラー|不能/i;

export function bounceByEnvelope(message: MessageParts): boolean {
  if (message.reportType === "delivery-status") return true;
  if (message.reportType !== null) return false; // feedback-report (RFC 5965) and others
  if (message.failedRecipients !== null) return true;
  const from = message.from ?? "";
  const subject = message.subject ?? "";
  if (BOUNCE_SENDER.test(from))
    return !/out of (?:the )?office|vacation|auto(?:matic)?[- ]?reply/i.test(subject);
  return !message.autoReply && BOUNCE_SUBJECT.test(subject);
}

/** Not a failure: an abuse report (RFC 5965) or an auto-reply (RFC 3834) that no mail system sent. */
export function notABounce(message: MessageParts | null): boolean {
  if (message === null) return false;
  if (message.reportType !== null && message.reportType !== "delivery-status") return true;
  return message.autoReply && !bounceByEnvelope(message);
}

/** The bounce's own words when it carries no reply: its first paragraphs, up to a few hundred characters. */
export function envelopeDiagnostic(lines: string[]): string | null {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === "" || /^-{3,}|^\*{2,}\s*$/.test(trimmed)) continue;
    kept.push(trimmed);
    length += trimmed.length + 1;
    if (length > 1200 || kept.length >= 20) break;
  }
  return kept.length === 0 ? null : kept.join(" ");
}

// One finding built from a reply: its codes, the refused client's address and HELO, the receiver,
// the category; and the small readers of recipients and replies read-bounce.ts takes them from.
import { addressesIn, extractHelo, extractRefusedAddress } from "./address.js";
import type { TextBlock } from "./blocks.js";
import { categorise } from "./categorise.js";
import { readCodes } from "./codes.js";
import type { RecipientStatus } from "./dsn.js";
import { logRecipient } from "./logs.js";
import { withoutControls } from "./normalise.js";
import { detectReceiver } from "./receiver.js";
import type { BounceFinding } from "./types.js";

/**
 * The recipient a free-text block starts with: Postfix `<a@b>: host ...`, Exim's indented
 * `  a@b` line, Sendmail's `<a@b>` before `(reason: ...)`; or a log line's `to=<a@b>`.
 */
export function blockRecipient(block: TextBlock): string | null {
  return lineRecipient(block.lines[0] ?? "");
}

export function lineRecipient(line: string): string | null {
  const first = /^\s{0,8}<?([^\s<>@()]{1,64}@[A-Za-z0-9.-]{1,253}[A-Za-z0-9])>?:?(?:\s|$)/.exec(line);
  const found = first?.[1] ?? logRecipient(line);
  return found === null ? null : withoutControls(found);
}

export function recipientIn(block: TextBlock, recipient: string | null): boolean {
  return recipient !== null && block.lower.includes(recipient.toLowerCase());
}

/**
 * A DSN's Diagnostic-Code is sometimes only the reply's first line (Sendmail); when a block of the
 * human part holds the same reply at more length, read that instead.
 */
export function richerDiagnostic(diagnostic: string, blocks: TextBlock[]): string {
  const probe = diagnostic.slice(0, 60).toLowerCase();
  let best = diagnostic;
  for (const block of blocks) {
    const at = block.lower.indexOf(probe);
    if (at < 0) continue;
    const candidate = block.text.slice(at);
    if (candidate.length > best.length) best = candidate;
  }
  return best;
}

/**
 * Exchange and Outlook NDRs quote the receiver's reply: `Remote Server returned '550 5.7.1 ...'`.
 * The quoted reply is the diagnostic; the text around it stays as context.
 */
export function focusReply(text: string): string {
  const match = /\bremote server returned '/i.exec(text);
  if (match === null) return text;
  const start = match.index + match[0].length;
  const end = text.lastIndexOf("'");
  return end > start ? text.slice(start, end) : text.slice(start);
}

export function build(
  file: string | null,
  diagnostic: string,
  context: string | null,
  dsn: RecipientStatus | null,
  reportingMta: string | null,
): BounceFinding {
  const codes = readCodes(diagnostic);
  const status = dsn?.status ?? null;
  const enhancedCode =
    codes.enhancedCode ?? (status !== null && /^[45]\.\d{1,3}\.\d{1,3}$/.test(status) ? status : null);
  const exclude = addressesIn(dsn?.remoteMta ?? null);
  // The surrounding text (an Exim or Sendmail human part) names many hosts: from it, only an
  // address the receiver names as the client is taken.
  const ip =
    extractRefusedAddress(diagnostic, exclude) ??
    (context === null ? null : extractRefusedAddress(context, exclude, true));
  const { category, rdnsRelated } = categorise(diagnostic, enhancedCode);
  return {
    file,
    ip,
    helo: extractHelo(diagnostic) ?? (context === null ? null : extractHelo(context)),
    receiver: detectReceiver(
      dsn?.remoteMta ?? null,
      context === null ? diagnostic : `${context} ${diagnostic}`,
      reportingMta,
    ),
    smtpCode: codes.smtpCode,
    enhancedCode,
    category,
    rdnsRelated,
    diagnostic: withoutControls(diagnostic),
    recipient:
      dsn?.finalRecipient === undefined || dsn.finalRecipient === null
        ? null
        : withoutControls(dsn.finalRecipient),
    explanation: "",
  };
}

// readBounce: pasted text or a whole .eml -> one finding per distinct failure. Pure: no I/O.
import { addressesIn, extractHelo, extractRefusedAddress } from "./address.js";
import { cutReturnedCopy, findReplyBlocks, type TextBlock } from "./blocks.js";
import { categorise } from "./categorise.js";
import { readCodes } from "./codes.js";
import { parseDeliveryStatus, type RecipientStatus } from "./dsn.js";
import { MAX_FINDINGS, MAX_LINES } from "./limits.js";
import { looksLikeMessage, type MessageParts, readMessage } from "./mime.js";
import { decodeInput, splitLines, splitLinesBounded, unmanglePaste } from "./normalise.js";
import { detectReceiver } from "./receiver.js";
import type { BounceFinding, BounceReading } from "./types.js";
import { unwrapReply } from "./unwrap.js";

export interface ReadBounceOptions {
  /** Input name carried into each finding (file path, "-" for stdin, a chat message id). */
  file?: string | null;
}

const FAILED_ACTIONS = new Set(["failed", "delayed"]);

async function messageParts(text: string, lines: string[]): Promise<MessageParts | null> {
  // An mbox separator line (`From sender date`) may precede a saved message.
  const mbox = /^From \S+ /.test(lines[0] ?? "");
  if (!looksLikeMessage(mbox ? lines.slice(1) : lines)) return null;
  try {
    return await readMessage(mbox ? text.slice(text.indexOf("\n") + 1) : text);
  } catch {
    return null; // Not MIME after all: read it as plain text.
  }
}

function recipientIn(block: TextBlock, recipient: string | null): boolean {
  return recipient !== null && block.text.toLowerCase().includes(recipient.toLowerCase());
}

/**
 * A DSN's Diagnostic-Code is sometimes only the reply's first line (Sendmail); when a block of the
 * human part holds the same reply at more length, read that instead.
 */
function richerDiagnostic(diagnostic: string, blocks: TextBlock[]): string {
  const probe = diagnostic.slice(0, 60).toLowerCase();
  let best = diagnostic;
  for (const block of blocks) {
    const at = block.text.toLowerCase().indexOf(probe);
    if (at < 0) continue;
    const candidate = block.text.slice(at);
    if (candidate.length > best.length) best = candidate;
  }
  return best;
}

function build(
  file: string | null,
  diagnostic: string,
  context: string | null,
  dsn: RecipientStatus | null,
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
    ),
    smtpCode: codes.smtpCode,
    enhancedCode,
    category,
    rdnsRelated,
    diagnostic,
    recipient: dsn?.finalRecipient ?? null,
  };
}

/** Reads a bounce. Never throws for any input; resolves with no findings when there is no bounce. */
export async function readBounce(
  input: string | Buffer,
  options: ReadBounceOptions = {},
): Promise<BounceReading> {
  const file = options.file ?? null;
  const decoded = decodeInput(input);
  const head = splitLinesBounded(decoded.text, 201).lines;
  const message = await messageParts(decoded.text, head);
  // Past MAX_LINES the input is cut like past MAX_INPUT_BYTES: reported as truncated.
  const split = splitLinesBounded(message === null ? decoded.text : message.text, MAX_LINES);
  const truncated = decoded.truncated || split.cut;
  const bodyLines = unmanglePaste(split.lines);
  const dsnLines =
    message === null || message.deliveryStatus === "" ? bodyLines : splitLines(message.deliveryStatus);
  const status = parseDeliveryStatus(dsnLines);
  const blocks = findReplyBlocks(cutReturnedCopy(bodyLines));

  const findings: BounceFinding[] = [];
  const seen = new Set<string>();
  const add = (finding: BounceFinding) => {
    // Several recipients failing the same way are one finding; failing differently, several.
    // (A Sendmail bounce also states one reply twice: in its summary and in the transcript.)
    const key = [finding.smtpCode, finding.enhancedCode, finding.ip, finding.category, finding.receiver].join(
      "|",
    );
    if (seen.has(key) || findings.length >= MAX_FINDINGS) return;
    seen.add(key);
    findings.push(finding);
  };

  const failed = status.recipients.filter((r) => r.action === null || FAILED_ACTIONS.has(r.action));
  // A DSN that reports only successful deliveries (RFC 3464 `delivered`, `relayed`, `expanded`) is no bounce.
  if (status.recipients.length > 0 && failed.length === 0) {
    return { findings, truncated, bytesRead: decoded.bytesRead };
  }
  for (const recipient of failed) {
    const block = blocks.find((b) => recipientIn(b, recipient.finalRecipient)) ?? blocks[0] ?? null;
    if (recipient.diagnosticCode !== null) {
      const diagnostic = richerDiagnostic(unwrapReply([recipient.diagnosticCode]), blocks);
      add(build(file, diagnostic, block?.text ?? null, recipient));
    } else if (block !== null) {
      add(build(file, block.text, null, recipient));
    } else if (recipient.status !== null && /^[45]\./.test(recipient.status)) {
      // A failed DSN group with a status but no reply (queue expiry, unknown host).
      add(build(file, `Status: ${recipient.status}`, null, recipient));
    }
  }
  if (findings.length === 0) {
    for (const block of blocks) {
      if (findings.length >= MAX_FINDINGS) break;
      add(build(file, block.text, null, null));
    }
  }
  return { findings, truncated, bytesRead: decoded.bytesRead };
}

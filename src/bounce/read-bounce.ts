// readBounce: pasted text or a whole .eml -> one finding per distinct failure. Pure: no I/O.

import { addressesIn, extractRefusedAddress } from "./address.js";
import { blocklistNamed } from "./blocklist-named.js";
import { cutReturnedCopy, findReplyBlocks, type TextBlock } from "./blocks.js";
import {
  blockRecipient,
  build,
  focusReply,
  lineRecipient,
  recipientIn,
  richerDiagnostic,
} from "./build-finding.js";
import { type DeliveryStatus, parseDeliveryStatus, type RecipientStatus } from "./dsn.js";
import { bounceByEnvelope, envelopeDiagnostic, notABounce } from "./envelope.js";
import { explainFinding } from "./explain.js";
import { jsonToDsn, tableToDsn } from "./exports.js";
import { FULL_READ_BYTES, MAX_FINDINGS, MAX_INPUT_BYTES, MAX_LINES, MAX_RECIPIENTS } from "./limits.js";
import { filterLogLines, looksLikeLog } from "./logs.js";
import { messageTraceFindings } from "./message-trace.js";
import { fallbackRecipient, looksLikeMessage, type MessageParts, readMessage } from "./mime.js";
import {
  decodeInput,
  lineIterator,
  splitLines,
  splitLinesBounded,
  unmanglePaste,
  withoutControls,
} from "./normalise.js";
import { noticeByWords } from "./notice-words.js";
import { receiverLogFindings, withoutRefusals } from "./receiver-findings.js";
import type { BounceFinding, BounceReading } from "./types.js";
import { unwrapReply } from "./unwrap.js";

export interface ReadBounceOptions {
  /** Input name carried into each finding (file path, "-" for stdin, a chat message id). */
  file?: string | null;
  /** Bytes read at most (BOUNCE_MAX_BYTES); the rest is cut and the reading says so. */
  maxBytes?: number;
}

const FAILED_ACTIONS = new Set(["failed", "delayed"]);

function messageParts(text: string, lines: string[]): MessageParts | null {
  // An mbox separator line (`From sender date`) may precede a saved message.
  const mbox = /^From \S+ /.test(lines[0] ?? "");
  if (!looksLikeMessage(mbox ? lines.slice(1) : lines)) return null;
  return readMessage(mbox ? text.slice(text.indexOf("\n") + 1) : text);
}

/** Reads a bounce. Never throws for any input; resolves with no findings when there is no bounce. */
export async function readBounce(
  input: string | Buffer,
  options: ReadBounceOptions = {},
): Promise<BounceReading> {
  const decoded = decodeInput(input, options.maxBytes ?? MAX_INPUT_BYTES);
  const { findings, cut } = await readText(decoded.text, options.file ?? null, 1);
  for (const finding of findings) {
    finding.explanation = explainFinding(finding);
    finding.blocklist = blocklistNamed(finding);
  }
  return { findings, truncated: decoded.truncated || cut, bytesRead: decoded.bytesRead };
}

interface Reading {
  findings: BounceFinding[];
  cut: boolean;
}

/** What a text holds once its shape is known: the DSN groups, the reply blocks and the lines. */
interface TextParts {
  message: MessageParts | null;
  asLog: boolean;
  cut: boolean;
  /** The human-readable lines, the returned copy of the sender's mail cut off. */
  bodyLines: string[];
  status: DeliveryStatus;
  blocks: TextBlock[];
  /** Refusals a receiver's log names the client in (a partner's Postfix, Exim, ...). */
  receiverSide: BounceFinding[];
}

/**
 * The text's parts, or its findings when its shape alone answers (an exported message trace, a
 * receiver's log pasted as such).
 */
function readParts(
  text: string,
  file: string | null,
  parsed: MessageParts | null,
  head: string[],
): TextParts | Reading {
  // Broken MIME (a boundary the body never uses) leaves the walker nothing: read the raw text.
  const empty =
    parsed !== null &&
    parsed.text.trim() === "" &&
    parsed.deliveryStatus === "" &&
    parsed.attachedMessages.length === 0;
  const message = empty ? null : parsed;
  // A Microsoft 365 trace or Exchange tracking log the receiver exported: the client is a field.
  const traced = message === null ? messageTraceFindings(text, file) : [];
  if (traced.length > 0) return { findings: traced, cut: false };
  // A sending service's JSON event or CSV/TSV export is turned into DSN groups.
  const exported = message === null ? (jsonToDsn(text) ?? tableToDsn(lineIterator(text))) : null;
  // A receiver's own log (a partner's Postfix, Exim, Sendmail or Exchange): its refusals name the
  // client, which is the sender; read before the text is taken as a sender's bounce.
  if (message === null && exported === null) {
    const receiverSide = receiverLogFindings(text, file);
    if (receiverSide.length > 0) return { findings: receiverSide, cut: false };
  }
  // Past MAX_LINES the input is cut like past the byte limit: reported as truncated. A log, or
  // any plain text too long to read whole, keeps only the lines that matter.
  const asLog =
    message === null && exported === null && (looksLikeLog(head) || text.length > FULL_READ_BYTES);
  const split = asLog
    ? filterLogLines(lineIterator(text), MAX_LINES)
    : splitLinesBounded(message === null ? text : message.text, MAX_LINES);
  // The returned copy of the message is the sender's own mail: cut it before any other work
  // (a quoted paste is cut again after its quoting is removed).
  const bodyLines = exported === null ? unmanglePaste(cutReturnedCopy(split.lines)) : [];
  const dsnLines =
    exported !== null
      ? splitLines(exported)
      : message === null || message.deliveryStatus === ""
        ? bodyLines
        : splitLines(message.deliveryStatus);
  // A receiver's log mailed as a message body: its refusals read from their fields, like a paste.
  const receiverSide = message !== null && exported === null ? receiverLogFindings(message.text, file) : [];
  const blocks = withoutRefusals(findReplyBlocks(cutReturnedCopy(bodyLines)), receiverSide.length > 0);
  return {
    message,
    asLog,
    cut: split.cut,
    bodyLines,
    status: parseDeliveryStatus(dsnLines),
    blocks,
    receiverSide,
  };
}

/** Findings without repeats, at most MAX_FINDINGS. */
class FindingList {
  readonly items: BounceFinding[] = [];
  private readonly seen = new Set<string>();

  get full(): boolean {
    return this.items.length >= MAX_FINDINGS;
  }

  add(finding: BounceFinding): void {
    // Several recipients failing the same way are one finding; failing differently, several.
    // (A Sendmail bounce also states one reply twice: in its summary and in the transcript.)
    const key = [finding.smtpCode, finding.enhancedCode, finding.ip, finding.category, finding.receiver].join(
      "|",
    );
    if (this.seen.has(key) || this.full) return;
    this.seen.add(key);
    this.items.push(finding);
  }
}

/** The failed DSN groups' findings, else one per reply block, with a receiver log's refusals first. */
function replyFindings(
  parts: TextParts,
  failed: RecipientStatus[],
  file: string | null,
  list: FindingList,
): void {
  const { blocks, status } = parts;
  // A mass bounce lists many recipients failing alike: the first MAX_RECIPIENTS are enough.
  for (const recipient of failed.slice(0, MAX_RECIPIENTS)) {
    if (list.full) break;
    const block = blocks.find((b) => recipientIn(b, recipient.finalRecipient)) ?? blocks[0] ?? null;
    if (recipient.diagnosticCode !== null) {
      const diagnostic = richerDiagnostic(unwrapReply([recipient.diagnosticCode]), blocks);
      list.add(build(file, diagnostic, block?.text ?? null, recipient, status.reportingMta));
    } else if (block !== null) {
      list.add(build(file, focusReply(block.text), block.text, recipient, status.reportingMta));
    } else if (recipient.status !== null && /^[45]\./.test(recipient.status)) {
      // A failed DSN group with a status but no reply (queue expiry, unknown host).
      list.add(build(file, `Status: ${recipient.status}`, null, recipient, status.reportingMta));
    }
  }
  if (list.items.length === 0) {
    for (const block of blocks) {
      if (list.full) break;
      const finding = build(file, focusReply(block.text), block.text, null, status.reportingMta);
      finding.recipient = blockRecipient(block);
      list.add(finding);
    }
  }
  const { receiverSide } = parts;
  if (receiverSide.length > 0) list.items.unshift(...receiverSide.slice(0, MAX_FINDINGS - list.items.length));
}

/** When no reply was found: a bounce by its envelope, or a pasted notice, in its own words. */
function wordedFindings(parts: TextParts, file: string | null, list: FindingList): void {
  const { message, bodyLines, status } = parts;
  // A bounce by its envelope with no reply in it: its own words are the diagnostic.
  if (list.items.length === 0 && message !== null && bounceByEnvelope(message)) {
    const diagnostic = envelopeDiagnostic(cutReturnedCopy(bodyLines));
    const recipient = status.recipients[0] ?? null;
    if (diagnostic !== null) {
      const finding = build(file, diagnostic, null, recipient, status.reportingMta);
      // Prose names many hosts (the reporting MTA, the MX it tried): only a named client counts.
      finding.ip = extractRefusedAddress(diagnostic, addressesIn(recipient?.remoteMta ?? null), true);
      list.add(finding);
    }
  }
  // A pasted notice without headers or codes that says in its opening words what it is.
  const notice =
    list.items.length === 0 && message === null && !parts.asLog ? noticeByWords(bodyLines) : null;
  const noticeText = notice === null ? null : envelopeDiagnostic(notice);
  if (notice !== null && noticeText !== null) {
    const finding = build(file, noticeText, null, null, status.reportingMta);
    finding.ip = extractRefusedAddress(noticeText, new Set(), true);
    finding.recipient = lineRecipient(notice[0] ?? "");
    list.add(finding);
  }
}

/**
 * Reads one text (a message or a paste). `nesting` is how many attached messages may still be
 * opened: a bounce forwarded as a message/rfc822 attachment is read when the outer text holds none.
 */
async function readText(text: string, file: string | null, nesting: number, plain = false): Promise<Reading> {
  const head = splitLinesBounded(text, 201).lines;
  const parsed = plain ? null : messageParts(text, head);
  if (notABounce(parsed)) return { findings: [], cut: false };
  const parts = readParts(text, file, parsed, head);
  if ("findings" in parts) return parts;
  const { message, status } = parts;
  const list = new FindingList();
  const failed = status.recipients.filter((r) => r.action === null || FAILED_ACTIONS.has(r.action));
  // A DSN that reports only successful deliveries (RFC 3464 `delivered`, `relayed`, `expanded`) is no bounce.
  if (status.recipients.length > 0 && failed.length === 0) return { findings: [], cut: parts.cut };
  replyFindings(parts, failed, file, list);
  if (list.items.length === 0 && nesting > 0 && message !== null && message.attachedMessages.length > 0) {
    const inner = await readText(message.attachedMessages[0] ?? "", file, nesting - 1);
    if (inner.findings.length > 0) return inner;
  }
  wordedFindings(parts, file, list);
  // Broken MIME can hide the report from the walker (a part it does not see): read the raw text.
  if (list.items.length === 0 && message !== null) return readText(text, file, nesting, true);
  // One failed recipient and none named by the report: the returned headers say who it was.
  const only = list.items.length === 1 ? list.items[0] : undefined;
  if (only !== undefined && only.recipient === null && message !== null) {
    const recipient = fallbackRecipient(message);
    if (recipient !== null) only.recipient = withoutControls(recipient);
  }
  return { findings: list.items, cut: parts.cut };
}

// Free text (a DSN's human part, an Exim or qmail bounce, a paste): the reply sits in a block of
// consecutive non-blank lines, often wrapped and indented. Each block that carries an SMTP reply
// code or a receiver's known wording is a candidate diagnostic.
import { linesCarryReply } from "./codes.js";
import { MAX_BLOCKS, MAX_REPLY_LINES } from "./limits.js";
import { startsLogRecord } from "./logs.js";
import { unwrapReply } from "./unwrap.js";

// Where the bounce stops and the returned copy of the message starts (Exim, qmail, Sendmail,
// Exchange, Postfix wordings). Text after it is the sender's own mail, not the receiver's reply.
const RETURNED_COPY =
  /^\s*-{0,}\s*(?:this is a copy of the message|below this line is a copy of the message|original message (?:follows|headers follow)|the original message (?:follows|headers|is attached)|undelivered message headers|returned message|original message headers|text of the message follows|unsent message below|message headers follow|a copy of the original message)/i;
// The returned message's MIME part, when a broken multipart is read as plain text.
const RETURNED_PART = /^content-type:\s*(?:message\/rfc822|text\/rfc822-headers|message\/global)\b/i;
const BANNER = /^\s*-{3,}[^-]{0,100}-{3,}\s*$/;
const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]{0,76}:(?:[ \t]|$)/;
const MESSAGE_START = /^(?:return-path|received|message-id|dkim-signature|x-received):/i;

// Wordings that identify a refusal or failure even when no code survived the copy and paste, or
// the reporting MTA gave none (expired queue, unknown host, full mailbox).
const KNOWN_WORDING =
  /does not have a ptr record|must have a reverse dns|cannot find your (?:reverse )?hostname|fix reverse dns|bad dns ptr|client host rejected|access denied|banned sending ip|ip name lookup failed|temporarily deferred|message (?:was )?(?:rejected|blocked)|user unknown|unknown (?:user|recipient)|no such user|mailbox (?:is )?(?:full|unavailable)|over quota|quota exceeded|retry timeout exceeded|host not found|host unknown|unrouteable address|no mx (?:record )?found|envelope expired|connection (?:timed out|refused)|address (?:not found|couldn't be found)|account (?:is )?(?:disabled|locked)|not listed in|does not exist/i;

export interface TextBlock {
  lines: string[];
  text: string;
  /** `text` in lower case, computed once for the look-ups across recipients. */
  lower: string;
  /** True when the block carries an SMTP reply or enhanced status code. */
  coded: boolean;
}

/** Lines before the returned copy of the original message. */
export function cutReturnedCopy(lines: string[]): string[] {
  let seenProse = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (RETURNED_COPY.test(line) || RETURNED_PART.test(line)) return lines.slice(0, i);
    // A header block after some prose is the returned message's own header (non-MIME bounces).
    const previous = lines[i - 1] ?? "";
    if (seenProse && previous.trim() === "" && MESSAGE_START.test(line)) return lines.slice(0, i);
    if (line.trim() !== "" && !HEADER_LINE.test(line)) seenProse = true;
  }
  return lines;
}

// Notices that label the receiver's reply like a field (`Reason: 550 5.4.1 ...` from Symantec
// Email Security.cloud, `Error: 550 ...`, `Remote server said: 550 ...`): the reply is prose.
const REPLY_FIELD =
  /^(?:reason|error|remote (?:server|host) (?:said|replied)|smtp (?:error|response)):\s*[45]\d\d\b/i;

function isFieldBlock(lines: string[]): boolean {
  return (
    HEADER_LINE.test(lines[0] ?? "") &&
    !REPLY_FIELD.test(lines[0] ?? "") &&
    lines.every((line) => HEADER_LINE.test(line) || /^[ \t]/.test(line))
  );
}

/**
 * Blocks that look like a receiver's reply, unwrapped to one line each. Blocks with a reply code
 * come first as they are; blocks with only known wording are returned when no block has a code.
 */
export function findReplyBlocks(lines: string[]): TextBlock[] {
  const blocks: TextBlock[] = [];
  let current: string[] = [];
  let codedCount = 0;
  const flush = () => {
    if (current.length > 0 && !isFieldBlock(current)) {
      const coded = linesCarryReply(current);
      // Uncoded blocks count only when no block has a code: test their wording only until then
      // (and unwrap only the blocks that are kept).
      if (coded) {
        const text = unwrapReply(current);
        blocks.push({ lines: current, text, lower: text.toLowerCase(), coded });
        codedCount++;
      } else if (codedCount === 0 && blocks.length === 0) {
        const text = unwrapReply(current);
        if (KNOWN_WORDING.test(text)) blocks.push({ lines: current, text, lower: text.toLowerCase(), coded });
      }
    }
    current = [];
  };
  for (const line of lines) {
    if (blocks.length >= MAX_BLOCKS) break;
    // Banners such as `----- Transcript of session follows -----` carry no reply text.
    if (BANNER.test(line)) continue;
    if (line.trim() === "") {
      flush();
      continue;
    }
    // A header or DSN field line after prose (or prose after fields) starts a new block, so a
    // reply never runs on into the returned message's headers.
    const isField = HEADER_LINE.test(line);
    const previous = current[current.length - 1];
    if (previous !== undefined && !/^[ \t]/.test(line) && isField !== HEADER_LINE.test(current[0] ?? ""))
      flush();
    // A log line is one record (a Postfix `NOQUEUE: reject`, a delivery line): a timestamp starts
    // a new block, so a refusal is never merged with another client's line or another failure.
    else if (current.length > 0 && startsLogRecord(line)) flush();
    current.push(line);
    if (current.length >= MAX_REPLY_LINES) flush();
  }
  flush();
  const coded = blocks.filter((block) => block.coded);
  return coded.length > 0 ? coded : blocks.slice(0, 1);
}

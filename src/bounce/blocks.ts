// Free text (a DSN's human part, an Exim or qmail bounce, a paste): the reply sits in a block of
// consecutive non-blank lines, often wrapped and indented. Each block that carries an SMTP reply
// code or a receiver's known wording is a candidate diagnostic.
import { hasReplyCode } from "./codes.js";
import { MAX_REPLY_LINES } from "./limits.js";
import { unwrapReply } from "./unwrap.js";

// Where the bounce stops and the returned copy of the message starts (Exim, qmail, Sendmail,
// Exchange, Postfix wordings). Text after it is the sender's own mail, not the receiver's reply.
const RETURNED_COPY =
  /^\s*-{0,}\s*(?:this is a copy of the message|below this line is a copy of the message|original message (?:follows|headers follow)|the original message (?:was|follows|headers)|undelivered message headers|returned message|text of the message follows|unsent message below|message headers follow|a copy of the original message)/i;
const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]{0,76}:/;
const MESSAGE_START = /^(?:return-path|received|message-id|dkim-signature|x-received):/i;

// Receivers' wordings that identify a refusal even when no code survived the copy and paste.
const KNOWN_WORDING =
  /does not have a ptr record|must have a reverse dns|cannot find your (?:reverse )?hostname|fix reverse dns|bad dns ptr|client host rejected|access denied|banned sending ip|ip name lookup failed|temporarily deferred|message (?:was )?(?:rejected|blocked)|delivery (?:has )?failed|user unknown|mailbox unavailable/i;

export interface TextBlock {
  lines: string[];
  text: string;
}

/** Lines before the returned copy of the original message. */
export function cutReturnedCopy(lines: string[]): string[] {
  let seenProse = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (RETURNED_COPY.test(line)) return lines.slice(0, i);
    // A header block after some prose is the returned message's own header (non-MIME bounces).
    const previous = lines[i - 1] ?? "";
    if (seenProse && previous.trim() === "" && MESSAGE_START.test(line)) return lines.slice(0, i);
    if (line.trim() !== "" && !HEADER_LINE.test(line)) seenProse = true;
  }
  return lines;
}

function isFieldBlock(lines: string[]): boolean {
  return (
    HEADER_LINE.test(lines[0] ?? "") && lines.every((line) => HEADER_LINE.test(line) || /^[ \t]/.test(line))
  );
}

/** Blocks that look like a receiver's reply, unwrapped to one line each. */
export function findReplyBlocks(lines: string[]): TextBlock[] {
  const blocks: TextBlock[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0 && !isFieldBlock(current)) {
      const text = unwrapReply(current);
      if (hasReplyCode(text) || KNOWN_WORDING.test(text)) blocks.push({ lines: current, text });
    }
    current = [];
  };
  for (const line of lines) {
    if (line.trim() === "") {
      flush();
      continue;
    }
    current.push(line);
    if (current.length >= MAX_REPLY_LINES) flush();
  }
  flush();
  return blocks;
}

// SMTP reply codes (RFC 5321 4.2: first digit 4 or 5 for failures; some servers use a second
// digit outside 0-5, e.g. `571`) and enhanced status codes (RFC 3463: class.subject.detail; only
// the failure classes 4 and 5 are read, subject and detail 1-3 digits).
// Every pattern is anchored on a single token with fixed-width pieces, so it runs in linear time.

export interface ReplyCodes {
  smtpCode: number | null;
  enhancedCode: string | null;
}

// The code must stand alone: after start, space or punctuation; before space, '-' or the end.
const SMTP_CODE = /(?:^|[\s:'"(<[=>])([45]\d\d)(?=[\s-]|$)/;
const SMTP_CODE_GLOBAL = /(?:^|[\s:'"(<[=>])([45]\d\d)(?=[\s-]|$)/g;
// Not preceded by a digit or dot (so 192.5.7.25 is no code), not followed by ".digit" (so
// Yahoo's 4.16.55.1 is no code either).
const ENHANCED_CODE = /(?:^|[^\d.])([45]\.\d{1,3}\.\d{1,3})(?!\d|\.\d)/;

export function findSmtpCode(text: string): number | null {
  const match = SMTP_CODE.exec(text);
  return match === null ? null : Number(match[1]);
}

export function findEnhancedCode(text: string): string | null {
  return ENHANCED_CODE.exec(text)?.[1] ?? null;
}

// A reply code where a reply starts: at the start of a line (after quoting, `<<<` or an opening
// quote), or after "said:", "returned", "reason:", "error:" and the like. "we got 550 errors
// today" in a chat message is no reply.
const REPLY_AT_LINE_START = /^[\s>'"(<[]*[45]\d\d(?:[ -]|$)/;
const REPLY_AFTER_INTRO = /(?::|\bsaid|\breturned|\bwas)\s{0,3}['"(<[]?[45]\d\d(?:[ -]|$)/i;

/** True when a line of the block carries a reply: an enhanced code anywhere, or an SMTP code where a reply starts. */
export function linesCarryReply(lines: string[]): boolean {
  return lines.some(
    (line) => ENHANCED_CODE.test(line) || REPLY_AT_LINE_START.test(line) || REPLY_AFTER_INTRO.test(line),
  );
}

export function readCodes(text: string): ReplyCodes {
  return { smtpCode: findSmtpCode(text), enhancedCode: findEnhancedCode(text) };
}

export function allSmtpCodes(text: string): number[] {
  return [...text.matchAll(SMTP_CODE_GLOBAL)].map((match) => Number(match[1]));
}

/** `5.7.25` -> [5, 7, 25]; null when not an enhanced code. */
export function enhancedParts(code: string | null): [number, number, number] | null {
  if (code === null) return null;
  const parts = code.split(".").map(Number);
  if (parts.length !== 3 || parts.some((part) => !Number.isInteger(part))) return null;
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

// Turns whatever was pasted into plain lines: the bytes are cut at MAX_INPUT_BYTES, CRLF and CR
// become LF, chat-app fences (```) and `> ` quoting are removed, and long lines are split so every
// later pattern runs on bounded text.
import { MAX_INPUT_BYTES, MAX_LINE_CHARS } from "./limits.js";

export interface DecodedInput {
  text: string;
  truncated: boolean;
  bytesRead: number;
}

/** Cuts the input to MAX_INPUT_BYTES and decodes it as UTF-8 (invalid bytes become U+FFFD). */
export function decodeInput(input: string | Buffer): DecodedInput {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const truncated = bytes.length > MAX_INPUT_BYTES;
  const head = truncated ? bytes.subarray(0, MAX_INPUT_BYTES) : bytes;
  // NUL and other C0 controls (but tab and newlines) carry nothing a person wrote.
  const text = head.toString("utf8").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, " ");
  return { text, truncated, bytesRead: head.length };
}

const FENCE = /^\s*```[\w-]*\s*$/;
const QUOTE_PREFIX = /^[ \t]*>[ \t>]*/;

/** Splits into lines, LF only, each at most MAX_LINE_CHARS long. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    if (raw.length <= MAX_LINE_CHARS) {
      lines.push(raw);
      continue;
    }
    for (let at = 0; at < raw.length; at += MAX_LINE_CHARS) lines.push(raw.slice(at, at + MAX_LINE_CHARS));
  }
  return lines;
}

/**
 * Undoes what chat apps and mail clients do to a paste: ``` fences (whole lines, or glued to the
 * first/last line of text), inline backticks, and `> ` quoting (only when most lines are quoted,
 * so a Sendmail transcript's `>>> RCPT TO` lines survive in an unquoted paste).
 */
export function unmanglePaste(lines: string[]): string[] {
  const unfenced: string[] = [];
  for (const line of lines) {
    if (FENCE.test(line)) continue;
    unfenced.push(line.includes("`") ? line.replace(/`+/g, "") : line);
  }
  const nonBlank = unfenced.filter((line) => line.trim() !== "");
  const quoted = nonBlank.filter((line) => QUOTE_PREFIX.test(line) && !/^\s*>>>/.test(line)).length;
  if (nonBlank.length === 0 || quoted * 2 < nonBlank.length) return unfenced;
  return unfenced.map((line) => line.replace(QUOTE_PREFIX, ""));
}

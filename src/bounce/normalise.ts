// Turns whatever was pasted into plain lines: the bytes are cut at MAX_INPUT_BYTES, CRLF and CR
// become LF, chat-app fences (```) and `> ` quoting are removed, and long lines are split so every
// later pattern runs on bounded text.
import { MAX_INPUT_BYTES, MAX_LINE_CHARS } from "./limits.js";

export interface DecodedInput {
  text: string;
  truncated: boolean;
  bytesRead: number;
}

const UNICODE_SPACE = /[\u00a0\u2000-\u200a\u202f\u3000]/;
const UNICODE_SPACES = /[\u00a0\u2000-\u200a\u202f\u3000]/g;

/**
 * Cuts the input to `maxBytes` and decodes it as UTF-8 (invalid bytes become U+FFFD); no-break
 * and other Unicode spaces (a paste from a web page or a PDF) become plain spaces.
 */
export function decodeInput(input: string | Buffer, maxBytes: number = MAX_INPUT_BYTES): DecodedInput {
  // A UTF-16 unit is at least one UTF-8 byte: encoding maxBytes + 1 units is enough to know.
  const bytes =
    typeof input === "string"
      ? Buffer.from(input.length > maxBytes + 1 ? input.slice(0, maxBytes + 1) : input, "utf8")
      : input;
  const truncated = bytes.length > maxBytes;
  const head = truncated ? bytes.subarray(0, maxBytes) : bytes;
  const text = head.toString("utf8");
  // Unicode spaces are multi-byte in UTF-8 (C2 A0, E2 80 xx, E3 80 80): pure ASCII skips the scan.
  const mayHaveSpaces = head.indexOf(0xc2) >= 0 || head.indexOf(0xe2) >= 0 || head.indexOf(0xe3) >= 0;
  return {
    text: mayHaveSpaces && UNICODE_SPACE.test(text) ? text.replace(UNICODE_SPACES, " ") : text,
    truncated,
    bytesRead: head.length,
  };
}

const FENCE = /^\s*```[\w-]*\s*$/;
const QUOTE_PREFIX = /^[ \t]*>[ \t>]*/;

/**
 * NUL, escape and the other C0/C1 controls (but tab) carry nothing a person wrote and could drive a
 * terminal: they are blanked in what the reader reports.
 */
export function withoutControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this function's job
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, " ");
}

/**
 * Splits into lines, LF only, each at most MAX_LINE_CHARS long, stopping after `maxLines` lines
 * (the lines past it are never built; `cut` says whether any were left).
 */
export function splitLinesBounded(text: string, maxLines: number): { lines: string[]; cut: boolean } {
  const lines: string[] = [];
  let at = 0;
  while (at <= text.length && lines.length < maxLines) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    let line = text.slice(at, end);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    at = end + 1;
    if (line.includes("\r")) {
      for (const part of line.split("\r")) pushChunks(lines, part);
    } else {
      pushChunks(lines, line);
    }
  }
  const cut = at <= text.length || lines.length > maxLines;
  return { lines: lines.length > maxLines ? lines.slice(0, maxLines) : lines, cut };
}

function pushChunks(lines: string[], line: string): void {
  if (line.length <= MAX_LINE_CHARS) {
    lines.push(line);
    return;
  }
  for (let at = 0; at < line.length; at += MAX_LINE_CHARS) lines.push(line.slice(at, at + MAX_LINE_CHARS));
}

/** All lines (see splitLinesBounded). */
export function splitLines(text: string): string[] {
  return splitLinesBounded(text, Number.POSITIVE_INFINITY).lines;
}

/**
 * Undoes what chat apps and mail clients do to a paste: ``` fences (whole lines, or glued to the
 * first/last line of text), inline backticks, and `> ` quoting (only when most lines are quoted,
 * so a Sendmail transcript's `>>> RCPT TO` lines survive in an unquoted paste).
 */
export function unmanglePaste(lines: string[]): string[] {
  const unfenced: string[] = [];
  let nonBlank = 0;
  let quoted = 0;
  for (const line of lines) {
    if (line.includes("`")) {
      if (FENCE.test(line)) continue;
      unfenced.push(line.replace(/`+/g, ""));
    } else {
      unfenced.push(line);
    }
    const last = unfenced[unfenced.length - 1] ?? "";
    if (last.trim() === "") continue;
    nonBlank++;
    if (QUOTE_PREFIX.test(last) && !/^\s*>>>/.test(last)) quoted++;
  }
  if (nonBlank === 0 || quoted * 2 < nonBlank) return unfenced;
  return unfenced.map((line) => line.replace(QUOTE_PREFIX, ""));
}

/** The text's lines, LF or CRLF or CR, without building them all at once. */
export function* lineIterator(text: string): Generator<string> {
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, Math.min(end, at + 4000));
    at = end + 1;
    if (line.includes("\r")) yield* line.split("\r");
    else yield line;
  }
}

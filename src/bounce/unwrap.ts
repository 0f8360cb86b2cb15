// A multi-line SMTP reply repeats its code on every line (RFC 5321 4.2.1: `550-5.7.25 text`,
// last line `550 5.7.25 text`). Joined into one line, the repeats are noise: keep the first
// `550-5.7.25`, drop the later ones, so the diagnostic reads as one sentence.
import { MAX_DIAGNOSTIC_CHARS } from "./limits.js";

const FIRST_CODE = /^([45]\d\d)(?:-(\d\.\d{1,3}\.\d{1,3})$|-|$)/;
const ENHANCED = /^\d\.\d{1,3}\.\d{1,3}$/;

// More than one reply code in the text: only then are repeated prefixes worth the token walk.
const REPLY_CODE_PREFIX = /(?:^|\s)[45]\d\d[- ]/g;

function hasRepeatedCodes(text: string): boolean {
  REPLY_CODE_PREFIX.lastIndex = 0;
  return REPLY_CODE_PREFIX.exec(text) !== null && REPLY_CODE_PREFIX.exec(text) !== null;
}

/** Joins lines with single spaces and removes repeated reply-code prefixes after the first. */
export function unwrapReply(lines: string[]): string {
  if (lines.length === 1) {
    const line = lines[0] ?? "";
    if (!line.includes(">>>") && !line.includes("<<<") && !hasRepeatedCodes(line)) {
      const joined = line.replace(/\s+/g, " ").trim();
      return joined.length > MAX_DIAGNOSTIC_CHARS ? joined.slice(0, MAX_DIAGNOSTIC_CHARS) : joined;
    }
  }
  return unwrapTokens(lines);
}

function unwrapTokens(lines: string[]): string {
  const kept: string[] = [];
  let code: string | null = null;
  let enhanced: string | null = null;
  let expectEnhanced = false;
  let afterDroppedCode = false;
  let length = 0;
  for (const raw of lines) {
    // Sendmail transcripts: `>>> RCPT TO` is what we sent, `<<< 550 ...` what the receiver replied.
    if (/^\s*>>>/.test(raw)) continue;
    const line = raw.replace(/^\s*<<<\s?/, "");
    if (length > MAX_DIAGNOSTIC_CHARS) break;
    for (const token of line.split(/\s+/)) {
      if (token === "") continue;
      length += token.length + 1;
      if (code === null) {
        const first = FIRST_CODE.exec(token);
        if (first !== null) {
          code = first[1] ?? null;
          enhanced = first[2] ?? null;
          expectEnhanced = enhanced === null;
        }
        kept.push(token);
        continue;
      }
      if (expectEnhanced) {
        expectEnhanced = false;
        if (ENHANCED.test(token)) {
          enhanced = token;
          kept.push(token);
          continue;
        }
      }
      if (token === code || token === `${code}-`) {
        afterDroppedCode = true;
        continue;
      }
      if (token.startsWith(`${code}-`)) {
        const rest = token.slice(code.length + 1);
        afterDroppedCode = false;
        if (rest !== enhanced) kept.push(rest);
        continue;
      }
      if (afterDroppedCode && token === enhanced) {
        afterDroppedCode = false;
        continue;
      }
      afterDroppedCode = false;
      kept.push(token);
    }
  }
  const joined = kept.join(" ");
  return joined.length > MAX_DIAGNOSTIC_CHARS ? joined.slice(0, MAX_DIAGNOSTIC_CHARS) : joined;
}

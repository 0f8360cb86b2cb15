// A multi-line SMTP reply repeats its code on every line (RFC 5321 4.2.1: `550-5.7.25 text`,
// last line `550 5.7.25 text`). Joined into one line, the repeats are noise: keep the first
// `550-5.7.25`, drop the later ones, so the diagnostic reads as one sentence.
import { MAX_DIAGNOSTIC_CHARS } from "./limits.js";

const FIRST_CODE = /^([45]\d\d)(?:-(\d\.\d{1,3}\.\d{1,3})$|-|$)/;
const ENHANCED = /^\d\.\d{1,3}\.\d{1,3}$/;

/** Joins lines with single spaces and removes repeated reply-code prefixes after the first. */
export function unwrapReply(lines: string[]): string {
  const kept: string[] = [];
  let code: string | null = null;
  let enhanced: string | null = null;
  let expectEnhanced = false;
  let afterDroppedCode = false;
  for (const raw of lines) {
    // Sendmail transcripts: `>>> RCPT TO` is what we sent, `<<< 550 ...` what the receiver replied.
    if (/^\s*>>>/.test(raw)) continue;
    const line = raw.replace(/^\s*<<<\s?/, "");
    for (const token of line.split(/\s+/)) {
      if (token === "") continue;
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

// Names from DNS (PTR, CNAME, zone) and from users (HELO, pasted bounces) are attacker-controlled
// bytes. Every renderer shows them as inert text: control characters, bidi controls (a U+202E
// reverses what follows it on screen) and other invisible format characters are written out
// visibly (`\x1b`, `\u202e`), so a name can neither drive a terminal (ESC sequences) nor reorder
// or hide text (Unicode TR #9 explicit formatting; TR #36 on spoofing). One function per target:
// terminalText (plain text, console chat) and htmlText here, slackText and discordText in each
// platform's escape.ts (src/platforms/slack/, src/platforms/discord/), safeJson for --json output.

/**
 * Controls (Cc: C0, DEL, C1), format characters (Cf: bidi controls U+061C, U+200E/F,
 * U+202A-U+202E, U+2066-U+2069, zero-width characters, U+FEFF, tags), line and paragraph
 * separators (U+2028/9, which some renderers break lines on) and lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const INVISIBLE_KEEPING_LINES = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

export interface InertOptions {
  /** Keep newlines and tabs (a pasted diagnostic, a notice); otherwise they are escaped too. */
  multiline?: boolean;
}

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `\n`, `\r`, `\t`; `\x1b` for other code points below 0x100, `\u202e` up to 0xFFFF, `\u{e0001}` above. */
function visible(char: string): string {
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) return short;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\u{${code.toString(16)}}`;
}

/** The core every target shares: invisible characters written out, nothing else changed. */
export function escapeInvisible(text: string, options: InertOptions = {}): string {
  if (options.multiline) {
    return text.replace(/\r\n/g, "\n").replace(INVISIBLE_KEEPING_LINES, visible);
  }
  return text.replace(INVISIBLE, visible);
}

/** Plain text for a terminal (rdns check, the console chat): nothing can move the cursor or recolour. */
export function terminalText(text: string, options: InertOptions = {}): string {
  return escapeInvisible(text, options);
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for HTML element content or a quoted attribute value (the web pages). */
export function htmlText(text: string, options: InertOptions = {}): string {
  return escapeInvisible(text, options).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/** Invisible characters JSON.stringify leaves raw (it escapes only C0, quote and backslash). */
const RAW_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * JSON.stringify, with every control, bidi and other invisible character \u-escaped. Valid JSON
 * that parses back to the same strings: such characters occur only inside string literals,
 * where `\uXXXX` means the character itself (RFC 8259 7).
 */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(RAW_IN_JSON, (char) => {
    let out = "";
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return out;
  });
}

/**
 * A copy of `value` with `fn` applied to every string in it (arrays and plain objects walked),
 * for renderers that print a whole report: every field is data, none carries markup of ours.
 */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
  if (typeof value === "string") return fn(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, mapStrings(item, fn)]),
    ) as T;
  }
  return value;
}

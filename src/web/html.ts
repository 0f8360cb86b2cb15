// HTML escaping for the servers page. PTR and HELO names come from DNS and from users: a PTR
// label may hold any byte in wire format (RFC 2181 section 11), so `<img onerror=...>` is a legal
// PTR name. Every value that reaches the page goes through `html`, which escapes what it
// interpolates unless it is markup this module built.
import { htmlText } from "../render/inert-text.js";

/**
 * Escapes text for an HTML text node or a quoted attribute value (both quote characters are
 * escaped, so it is safe inside "..." and '...'). Control and bidi characters other than tab and
 * newline are written out (`\x1b`, `\u202e`), as every other renderer shows them.
 */
export function escapeHtml(text: string): string {
  // The shared HTML target of src/render/inert-text.ts (control, bidi and other invisible
  // characters written out visibly, markup characters as entities), plus the backtick.
  return htmlText(text, { multiline: true }).replace(/`/g, "&#96;");
}

/** Markup built by `html` (already escaped). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolated = SafeHtml | string | number | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** A template whose interpolations are escaped (arrays joined; SafeHtml passed through). */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new SafeHtml(out);
}

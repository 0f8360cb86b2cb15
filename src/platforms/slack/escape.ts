// Slack mrkdwn escaping and safe truncation. Slack's "Formatting text for app surfaces" rules:
// `&`, `<` and `>` are control characters (they open mentions `<@U123>`, specials `<!channel>`
// and links `<https://x|y>`), so every value that came from a user or from DNS is escaped to
// `&amp;`, `&lt;`, `&gt;`. Text objects are also sent with `verbatim: true` so Slack does not
// auto-link bare URLs or names (see render.ts). Control and bidi characters are written out
// visibly first (src/render/inert-text.ts).
import { escapeInvisible, type InertOptions } from "../../render/inert-text.js";

/** Escapes &, < and > (in that order, so an existing `&lt;` in the input is shown literally). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * mrkdwn has no backslash escape: its markup characters are replaced by look-alikes, so a crafted
 * name cannot bold, italicise, strike or open code (`*`, `_`, `~`, `` ` ``).
 */
const MARKUP_LOOKALIKES: Record<string, string> = {
  "*": "\u2217", // ∗ asterisk operator
  _: "\u02cd", // ˍ modifier letter low macron
  "~": "\u223c", // ∼ tilde operator
  "`": "\u02cb", // ˋ modifier letter grave accent
};

/**
 * Free text with untrusted parts (a summary or problem naming a PTR, an error, a notice) as
 * inert mrkdwn: invisible characters written out, `&<>` escaped (no `<!channel>`, `<@U123>` or
 * link can form), markup replaced by look-alikes, and `@here`, `@channel`, `@everyone` broken
 * with a zero-width space in case a client links them without the angle brackets.
 */
export function slackText(text: string, options: InertOptions = {}): string {
  return breakMentions(
    escapeMrkdwn(escapeInvisible(text, options)).replace(
      /[*_~`]/g,
      (char) => MARKUP_LOOKALIKES[char] ?? char,
    ),
  );
}

function breakMentions(text: string): string {
  return text.replace(/@(here|channel|everyone)/gi, "@\u200b$1");
}

/**
 * A value shown as inline code: escaped, on one line (control characters, newlines included,
 * written out), with backticks replaced by a look-alike (U+02CB) so a crafted value cannot close
 * the code span early. Inside code, mrkdwn draws no other markup.
 */
export function inlineCode(value: string): string {
  const flat = escapeInvisible(value).replace(/`/g, "\u02cb");
  return `\`${breakMentions(escapeMrkdwn(flat))}\``;
}

/** A multi-line value in a code block (bounce text), escaped; ``` inside is broken up. */
export function codeBlock(value: string): string {
  const lines = escapeInvisible(value, { multiline: true });
  return `\`\`\`${breakMentions(escapeMrkdwn(lines.replace(/```/g, "\u02cb\u02cb\u02cb")))}\`\`\``;
}

/**
 * Cuts already-escaped mrkdwn to at most `max` characters (UTF-16 units, as Slack counts),
 * appending `note` when it had to cut. Never cuts inside an entity (`&amp;`), a surrogate pair,
 * or leaves an inline code span or code block open.
 */
export function truncateMrkdwn(text: string, max: number, note = "… (cut short)"): string {
  if (text.length <= max) return text;
  const suffix = `\n${note}`;
  let end = Math.max(0, max - suffix.length - 3);
  // Prefer a line break in the last fifth, so the reader sees whole lines.
  const newline = text.lastIndexOf("\n", end);
  if (newline > end * 0.8) end = newline;
  let head = text.slice(0, end);
  const amp = head.lastIndexOf("&");
  if (amp !== -1 && head.indexOf(";", amp) === -1) head = head.slice(0, amp);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  const fences = head.split("```").length - 1;
  if (fences % 2 === 1) {
    head += "```";
  } else {
    // An inline code span open on the last line: close it.
    const lastLine = head.slice(head.lastIndexOf("\n") + 1).replace(/```/g, "");
    if ((lastLine.split("`").length - 1) % 2 === 1) head += "`";
  }
  return `${head}${suffix}`;
}

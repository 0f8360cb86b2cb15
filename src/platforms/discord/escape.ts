// Discord markdown target of the inert-text functions (src/render/inert-text.ts); it lives with the
// platform because it uses discord.js's own escapeMarkdown, and src/render imports no platform SDK.
// Everything from a user or from DNS is escaped before it reaches Discord. Markdown would change
// the layout (a PTR name such as `**x**.example` or a bounce quoting `[click](http://..)`), and
// mention forms would render as pings or links even though allowed_mentions stops the ping itself.
// Control and bidi characters are written out visibly (`\x1b`, `\u202e`).
import { escapeMarkdown } from "discord.js";
import { escapeInvisible, type InertOptions } from "../../render/inert-text.js";

const ZWSP = "\u200b";

/** Breaks @everyone/@here and <@id>, <@!id>, <@&role>, <#channel>, </cmd:id>, <t:..>, <:emoji:id>. */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?|#|\/|t:|a?:)/g, `<${ZWSP}$1`);
}

/**
 * Untrusted text as inert Discord markdown: invisible characters written out (newlines kept
 * only with `multiline`), markdown escaped with discord.js's own escapeMarkdown, mentions broken.
 */
export function discordText(text: string, options: InertOptions = {}): string {
  const visible = escapeInvisible(text.replace(/\r\n?/g, "\n"), options);
  const escaped = escapeMarkdown(visible, {
    heading: true,
    bulletedList: true,
    // discord.js escapes any "digits." at a line start, which mangles every IP address; a list
    // item needs "1. " with the space, so only that form is escaped here.
    numberedList: false,
    maskedLink: true,
  });
  return neutraliseMentions(escaped.replace(/^( *\d+)\.(?= )/gm, "$1\\."));
}

/** Escapes text that may hold several lines (notices, diagnostics). */
export function escapeText(text: string): string {
  return discordText(text, { multiline: true });
}

/** Escapes text that must stay on one line (names, addresses, codes): a newline shows as `\n`. */
export function escapeInline(text: string): string {
  return discordText(text);
}

/** Inline code for text we wrote ourselves (examples); backticks cannot be escaped inside code spans. */
export function code(text: string): string {
  return `\`${neutraliseMentions(escapeInvisible(text.replace(/`/g, "'")))}\``;
}

/** A multi-line value in a code block (the request text), ready to copy: ``` inside is broken up. */
export function codeBlock(text: string): string {
  const body = escapeInvisible(text.replace(/\r\n?/g, "\n"), { multiline: true }).replace(
    /```/g,
    "\u02cb\u02cb\u02cb",
  );
  return `\`\`\`\n${neutraliseMentions(body)}\n\`\`\``;
}

// Everything from a user or from DNS is escaped before it reaches Discord: markdown would change
// the layout (a PTR name such as `**x**.example` or a bounce quoting `[click](http://..)`), and
// mention forms would render as pings or links even though allowed_mentions stops the ping itself.
import { escapeMarkdown } from "discord.js";

const ZWSP = "\u200b";

/** Control characters (except newline) and bidi overrides that could reorder the text on screen. */
const INVISIBLE = /[\u0000-\u0009\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** Breaks @everyone/@here and <@id>, <@!id>, <@&role>, <#channel>, </cmd:id>, <t:..>, <:emoji:id>. */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?|#|\/|t:|a?:)/g, `<${ZWSP}$1`);
}

/** Escapes text that may hold several lines (notices, diagnostics). */
export function escapeText(text: string): string {
  const visible = text.replace(/\r\n?/g, "\n").replace(INVISIBLE, "\uFFFD");
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

/** Escapes text that must stay on one line (names, addresses, codes). */
export function escapeInline(text: string): string {
  return escapeText(text.replace(/\r\n?|\n/g, " "));
}

/** Inline code for text we wrote ourselves (examples); backticks cannot be escaped inside code spans. */
export function code(text: string): string {
  return `\`${neutraliseMentions(text.replace(/`/g, "'").replace(/\n/g, " "))}\``;
}

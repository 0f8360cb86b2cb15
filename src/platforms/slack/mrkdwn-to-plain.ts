// Slack delivers message and command text as mrkdwn: `&`, `<`, `>` escaped, and links, mail
// addresses and mentions wrapped as `<https://x|label>`, `<mailto:a@b|a@b>`, `<@U123>`. A pasted
// bounce must reach the bounce reader as the text the person pasted, so this undoes that.
// (Slack's "Formatting text for app surfaces", "Escaping text" and "Linking to URLs".)

const ANGLE = /<([^<>]*)>/g;

function unwrap(inner: string): string {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? null : inner.slice(bar + 1);
  if (label !== null && label !== "") return label;
  if (target.startsWith("mailto:")) return target.slice("mailto:".length);
  if (target.startsWith("@") || target.startsWith("#")) return target;
  if (target.startsWith("!")) return `@${target.slice(1)}`;
  return target;
}

export function mrkdwnToPlain(text: string): string {
  return text
    .replace(ANGLE, (_match, inner: string) => unwrap(inner))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

// A DMARC aggregate report posted in a support channel (the "dmarc" message) as lines of text,
// with the escaping each platform brings: the plain-text renderer, Block Kit and Discord embeds
// build their message from these lines, so the three say the same thing. The file name, the
// header-from domains and the refusal's reason are untrusted and go through `markup` only.
import type { OutboundMessage } from "../chat/types.js";

export type DmarcMessage = Extract<OutboundMessage, { kind: "dmarc" }>;

/** How a platform writes untrusted text: as inline code, and as plain prose. */
export interface DmarcMarkup {
  inline(text: string): string;
  text(text: string): string;
}

/** Chat never checks every source of a report: that many DNS queries from one post is a sweep. */
export const DMARC_CHECK_HINT = "Run `rdns dmarc --check` for the reverse DNS of each source.";

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

/** "DMARC report r.xml.gz: 1,234 messages from 56 source IPs in 1 report." or the refusal. */
export function dmarcTitle(message: DmarcMessage, markup: DmarcMarkup): string {
  const file = markup.inline(message.file);
  if (message.refused !== null) return `DMARC report ${file} ${markup.text(message.refused)}.`;
  return `DMARC report ${file}: ${plural(message.messages, "message")} from ${plural(message.sources, "source IP")} in ${plural(message.reports, "report")}.`;
}

/** One line per row shown (most messages first), then "N more" when rows were left out. */
export function dmarcRowLines(message: DmarcMessage, markup: DmarcMarkup): string[] {
  const lines = message.rows.map(
    (row) =>
      `${markup.inline(row.ip)}: ${plural(row.count, "message")}, SPF ${markup.text(row.spf)}, DKIM ${markup.text(row.dkim)}, ${markup.text(row.disposition)}, from ${markup.inline(row.headerFrom)}`,
  );
  const left = message.sources - message.rows.length;
  if (left > 0) lines.push(`${plural(left, "more source IP")} not shown.`);
  return lines;
}

/** The closing line: how to check the sources (none when the report was not read). */
export function dmarcFooter(message: DmarcMessage): string | null {
  return message.refused === null && message.sources > 0 ? DMARC_CHECK_HINT : null;
}

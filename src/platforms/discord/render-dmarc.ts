// The "dmarc" message (a DMARC aggregate report posted in a support channel) as one Discord embed:
// the same lines as every platform (src/render/dmarc-text.ts), each value from the report (the
// file name, header-from domains, results) escaped with escapeInline.
import type { APIEmbed } from "discord.js";
import { type DmarcMessage, dmarcFooter, dmarcRowLines, dmarcTitle } from "../../render/dmarc-text.js";
import { escapeInline } from "./escape.js";
import { fitLines, LIMITS, truncateName } from "./limits.js";
import { COLOURS } from "./render-report.js";

const markup = { inline: escapeInline, text: escapeInline };

const more = (left: number) => (left > 0 ? `… ${left} more line${left === 1 ? "" : "s"} not shown` : "");

export function dmarcEmbed(message: DmarcMessage): APIEmbed {
  const footer = dmarcFooter(message);
  const rows = fitLines(dmarcRowLines(message, markup), LIMITS.description, more);
  return {
    title: truncateName(dmarcTitle(message, markup), LIMITS.title),
    ...(rows === "" ? {} : { description: rows }),
    color: message.refused === null ? COLOURS.neutral : COLOURS.fail,
    ...(footer === null ? {} : { footer: { text: footer } }),
  };
}

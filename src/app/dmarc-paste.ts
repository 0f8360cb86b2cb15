// DMARC aggregate report files posted in a support channel (docs/chat-commands.md "DMARC reports"):
// told by their bytes as `rdns dmarc` tells them (src/dmarc), then the busiest sources, or the one
// plain reason the file was refused, go in a thread on the post. No DNS is asked: checking every
// source of a large report from one post would be a sweep; the reply points to `rdns dmarc --check`.
import type { OutboundMessage } from "../chat/types.js";
import { DmarcRefusedError, readDmarcReport, rowsBySource } from "../dmarc/index.js";

export type DmarcPasteMessage = Extract<OutboundMessage, { kind: "dmarc" }>;

/** The reply for one attached file, or null when it holds no aggregate report. */
export type DmarcPasteReader = (name: string, content: Buffer) => DmarcPasteMessage | null;

/** Sources shown in the thread; the rest are counted ("N more"). */
export const DMARC_TOP_ROWS = 10;

/** Whether the first bytes look like a report file: gzip, zip or a `<feedback>` document. */
function mayBeReport(content: Buffer): boolean {
  if (content[0] === 0x1f && content[1] === 0x8b) return true;
  if (content.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))) return true;
  return /<(?:[A-Za-z_][\w.-]{0,40}:)?feedback[\s>]/.test(content.toString("latin1", 0, 16384));
}

function refusal(name: string, reason: string): DmarcPasteMessage {
  return { kind: "dmarc", file: name, refused: reason, rows: [], sources: 0, messages: 0, reports: 0 };
}

/**
 * Reads each attached file of at most `maxBytes` (BOUNCE_MAX_BYTES, the limit on every pasted
 * input). A larger file that looks like a report is refused with the limit named; a cut archive
 * would only fail as unreadable.
 */
export function dmarcReaderFor(maxBytes: number): DmarcPasteReader {
  return (name, content) => {
    if (content.length > maxBytes) {
      return mayBeReport(content)
        ? refusal(name, `is over the ${maxBytes}-byte limit (BOUNCE_MAX_BYTES): not read`)
        : null;
    }
    try {
      const reading = readDmarcReport(content);
      if (reading.reports === 0) return null;
      const rows = rowsBySource(reading.records);
      return {
        kind: "dmarc",
        file: name,
        refused: null,
        rows: rows.slice(0, DMARC_TOP_ROWS).map(({ ip, count, spf, dkim, disposition, headerFrom }) => ({
          ip,
          count,
          spf,
          dkim,
          disposition,
          headerFrom,
        })),
        sources: rows.length,
        messages: rows.reduce((sum, row) => sum + row.count, 0),
        reports: reading.reports,
      };
    } catch (error) {
      // A refused file that does not even look like a report (a broken zip of something else)
      // is not the bot's business in a support channel.
      if (error instanceof DmarcRefusedError && mayBeReport(content)) return refusal(name, error.message);
      if (error instanceof DmarcRefusedError) return null;
      throw error;
    }
  };
}

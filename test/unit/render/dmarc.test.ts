// The "dmarc" message (a DMARC aggregate report posted in a support channel) as the app builds it
// from a file's bytes (src/app/dmarc-paste.ts) and as every renderer shows it: the busiest sources
// first, "N more" and the totals, the hint to `rdns dmarc --check`; a refusal as its one reason;
// the reporter's strings (header-from domains, the file name) inert on every platform.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DMARC_TOP_ROWS, dmarcReaderFor } from "../../../src/app/dmarc-paste.js";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { MAX_SECTION_TEXT, renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderText } from "../../../src/render/text.js";
import { assertWithinLimits } from "../discord/within-limits.js";

const hostile = "<!channel>*b*`x`@everyone\u202e.example";
const xmlText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One report: source i sends (i + 1) * 10 messages; the busiest one from a hostile domain. */
function report(sources: number): Buffer {
  const records = Array.from({ length: sources }, (_, i) => {
    const from = i === sources - 1 ? xmlText(hostile) : "example.com";
    return `<record><row><source_ip>192.0.2.${i + 1}</source_ip><count>${(i + 1) * 10}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>${from}</header_from></identifiers></record>`;
  });
  return Buffer.from(
    `<?xml version="1.0"?><feedback><report_metadata><org_name>google.com</org_name></report_metadata>${records.join("")}</feedback>`,
  );
}

const read = dmarcReaderFor(1024 * 1024);

function message(name: string, bytes: Buffer): Extract<OutboundMessage, { kind: "dmarc" }> {
  const built = read(name, bytes);
  if (built === null) throw new Error("no report read");
  return built;
}

describe("DMARC report files in chat", () => {
  it("keeps the busiest sources, counts the rest and the messages", () => {
    const built = message("r.xml.gz", gzipSync(report(12)));
    expect(built.rows).toHaveLength(DMARC_TOP_ROWS);
    expect(built.rows[0]).toEqual({
      ip: "192.0.2.12",
      count: 120,
      spf: "fail",
      dkim: "pass",
      disposition: "none",
      headerFrom: hostile,
    });
    expect(built.rows.map((row) => row.count)).toEqual([120, 110, 100, 90, 80, 70, 60, 50, 40, 30]);
    expect(built).toMatchObject({ sources: 12, messages: 780, reports: 1, refused: null });
  });

  it("renders the rows, the count of the rest and the hint as plain text", () => {
    const text = renderText(message("r.xml.gz", gzipSync(report(12))));
    expect(text).toContain("DMARC report r.xml.gz: 780 messages from 12 source IPs in 1 report.");
    expect(text).toContain("192.0.2.11: 110 messages, SPF fail, DKIM pass, none, from example.com");
    expect(text).toContain("2 more source IPs not shown.");
    expect(text).toContain("Run `rdns dmarc --check` for the reverse DNS of each source.");
    expect(text).not.toContain("192.0.2.2:");
    expect(text).not.toContain("\u202e");
  });

  it("says the same on Slack and Discord, within their limits, with the reporter's strings inert", () => {
    const built = message("<!here>.xml", report(40));
    const slack = renderSlackMessage(built);
    for (const block of slack.blocks) {
      if (block.type === "section") expect(block.text?.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    }
    const discord = renderMessage(built);
    assertWithinLimits(discord);
    for (const rendered of [JSON.stringify(slack), JSON.stringify(discord)]) {
      expect(rendered).toContain("30 more source IPs not shown");
      expect(rendered).toContain("192.0.2.40");
      expect(rendered).toContain("rdns dmarc --check");
      expect(rendered).not.toContain("\u202e");
    }
    // Slack's broadcast forms broken; Discord's mentions broken and its markdown escaped.
    expect(JSON.stringify(slack)).not.toContain("<!channel>");
    expect(JSON.stringify(slack)).not.toContain("<!here>");
    expect(JSON.stringify(discord)).not.toMatch(/(^|[^\u200b])@everyone/);
    expect(JSON.stringify(discord)).not.toContain("*b*");
  });

  it("gives a refused file its one reason and no rows, on every platform", () => {
    const doctype = `<?xml version="1.0"?><!DOCTYPE feedback [<!ENTITY x "y">]><feedback><record><row><source_ip>192.0.2.9</source_ip><count>1</count></row></record></feedback>`;
    const refused = message("evil.xml", Buffer.from(doctype));
    expect(refused).toMatchObject({ rows: [], sources: 0 });
    const reason = "has a DOCTYPE (entity expansion is refused; a DMARC report has none): not read";
    expect(renderText(refused)).toBe(`DMARC report evil.xml ${reason}.`);
    for (const rendered of [
      JSON.stringify(renderSlackMessage(refused)),
      JSON.stringify(renderMessage(refused)),
    ]) {
      expect(rendered).toContain("entity expansion is refused");
      expect(rendered).not.toContain("192.0.2.9");
      expect(rendered).not.toContain("rdns dmarc --check");
    }
  });

  it("refuses a report over the byte limit, a zip bomb and a broken gzip; leaves other files alone", () => {
    const small = dmarcReaderFor(100);
    expect(small("big.xml.gz", gzipSync(report(3)))?.refused).toBe(
      "is over the 100-byte limit (BOUNCE_MAX_BYTES): not read",
    );
    // A long .eml over the limit is the bounce reader's (it reads the start): not refused here.
    expect(small("long.eml", Buffer.alloc(4096, "a"))).toBeNull();
    const bomb = gzipSync(Buffer.alloc(51 * 1024 * 1024));
    expect(read("bomb.xml.gz", bomb)?.refused).toMatch(/inflates to more than 50 MiB/);
    expect(read("cut.xml.gz", gzipSync(report(3)).subarray(0, 40))?.refused).toMatch(/not a readable gzip/);
    expect(read("bounce.eml", Buffer.from("550 5.7.25 no PTR"))).toBeNull();
    expect(read("pom.xml", Buffer.from("<project/>"))).toBeNull();
  });
});

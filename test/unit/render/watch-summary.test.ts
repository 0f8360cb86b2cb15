// A watch's run summary in every renderer: the same counts, groups and first addresses in plain
// text, Block Kit and Discord embeds, within each platform's limits however long the names from
// DNS are, escaped, and with every changed address in the attached CSV (a file on Discord; the
// Slack sender uploads it, src/platforms/slack/outbound.ts).
import { describe, expect, it } from "vitest";
import type { OutboundMessage, WatchChange } from "../../../src/chat/types.js";
import type { ProblemCode } from "../../../src/check/types.js";
import { LIMITS } from "../../../src/platforms/discord/limits.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { MAX_BLOCKS, MAX_SECTION_TEXT, renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { threadReply } from "../../../src/queue/deliveries.js";
import { renderText } from "../../../src/render/text.js";
import { splitCsv } from "../../../src/render/watch-summary.js";
import { isChangeNotice, planWatchSummary, runChangeOf } from "../../../workers/watch-summary-plan.js";
import { makeReport } from "../../fixtures/check-report.js";
import { assertWithinLimits } from "../discord/within-limits.js";

type Summary = Extract<OutboundMessage, { kind: "watch-summary" }>;

const hostileName = `<!channel>*b*\`x\`@everyone.${"a".repeat(60)}.example.test`;
const CODES: ProblemCode[] = ["NO_PTR", "BROKEN_PAIR", "GENERIC_PTR", "HELO_MISMATCH"];
const CHANGES: WatchChange[] = ["broke", "drifted", "listed", "recovered"];

function summaryOf(count: number, names: string[]): Summary {
  const origin = { platform: "slack" as const, channel: "C1", thread: "slack:C1:1.1", parent: null };
  const notices = Array.from({ length: count }, (_, i) => {
    const ip = `198.51.${i >> 8}.${i & 255}`;
    const code = CODES[i % CODES.length] ?? "NO_PTR";
    const report = makeReport({
      ip,
      ptr: { status: "found", names },
      problems: [{ code, severity: "error", message: "m", fix: "f" }],
    });
    return threadReply(
      `c|${ip}`,
      origin,
      {
        kind: "watch-change",
        target: ip,
        change: CHANGES[i % CHANGES.length] ?? "broke",
        report,
        previousNames: names,
        watch: "198.51.0.0/21 <@U1>",
      },
      ip,
    );
  });
  return planWatchSummary(notices.filter(isChangeNotice).map(runChangeOf));
}

// 896 addresses of a /21 with twenty long PTR names each, holding markup and mentions.
const huge = summaryOf(
  896,
  Array.from({ length: 20 }, () => hostileName),
);
const small = summaryOf(7, ["mail.example.test"]);

describe("watch-summary rendering", () => {
  it("says the counts, the problems and the first addresses, as plain text with every address", () => {
    const text = renderText(small);
    expect(text).toContain(
      "198.51.0.0/21 <@U1>: 7 addresses changed in one run: 2 broke, 2 changed PTR name",
    );
    expect(text).toContain("NO_PTR: 2 addresses (198.51.0.0, 198.51.0.4)");
    expect(text).toContain("198.51.0.1 changed PTR name, now fail: PTR mail.example.test; BROKEN_PAIR");
    // Fewer than the listed limit: every address is a line, no CSV needed in a terminal.
    expect(text).toContain("Each address:");
    expect(text).not.toContain("CSV");
    const many = renderText(huge);
    expect(many).toContain("896 addresses changed in one run: 224 broke");
    expect(many).toContain("Every changed address (CSV):");
    expect(many).toContain("198.51.3.127,");
  });

  it("stays within Slack's limits, escapes names from DNS, and names the file", () => {
    for (const message of [huge, small]) {
      const slack = renderSlackMessage(message);
      expect(slack.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      for (const block of slack.blocks)
        if (block.type === "section") expect(block.text?.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
      expect(slack.text.length).toBeLessThanOrEqual(3000);
      const json = JSON.stringify(slack);
      expect(json).not.toContain("<!channel>");
      expect(json).not.toContain("<@U1>");
      expect(json).toContain("rdns-watch-changes.csv");
      // Problem codes are searchable as typed (no look-alike underscore).
      expect(json).toContain("`NO_PTR`");
    }
    expect(JSON.stringify(renderSlackMessage(huge))).toContain(
      "… and 886 more addresses. Every changed address",
    );
  });

  it("stays within Discord's limits, escapes names, and attaches the CSV of every address", () => {
    for (const message of [huge, small]) {
      const discord = renderMessage(message);
      assertWithinLimits(discord);
      expect(discord).toHaveLength(1);
      const json = JSON.stringify(discord.map(({ files: _files, ...payload }) => payload));
      expect(json).not.toMatch(/(^|[^\u200b])@everyone/);
      expect(json).not.toContain("<@U1>");
      const files = discord[0]?.files ?? [];
      expect(files.map((file) => file.name)).toEqual(["rdns-watch-changes.csv"]);
      const rows = (files[0]?.data.toString("utf8") ?? "").trim().split("\r\n");
      expect(rows).toHaveLength(message.total + 1);
    }
  });

  it("cuts a CSV past Discord's upload limit into files, each with the header, no row lost or cut", () => {
    const header = "ip,watch,change";
    const rows = Array.from(
      { length: 70_000 },
      (_, i) => `2001:db8::${i.toString(16)},2001:db8::/112,broke,${"x".repeat(100)}`,
    );
    const content = `${[header, ...rows].join("\r\n")}\r\n`;
    const parts = splitCsv("rdns-watch-changes.csv", content, LIMITS.fileBytes);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((part) => part.name)).toEqual(parts.map((_, i) => `rdns-watch-changes-${i + 1}.csv`));
    for (const part of parts) {
      expect(Buffer.byteLength(part.content)).toBeLessThanOrEqual(LIMITS.fileBytes);
      expect(part.content.startsWith(`${header}\r\n`)).toBe(true);
    }
    expect(parts.flatMap((part) => part.content.trim().split("\r\n").slice(1))).toEqual(rows);
    expect(splitCsv("a.csv", "h\r\nr\r\n", 100)).toEqual([{ name: "a.csv", content: "h\r\nr\r\n" }]);

    // On Discord: the embed with the first file, then one message per further file; all within limits.
    const discord = renderMessage({ ...small, attachment: { ...small.attachment, content } });
    assertWithinLimits(discord);
    expect(discord).toHaveLength(parts.length);
    expect(discord.map((payload) => payload.files?.map((file) => file.name))).toEqual(
      parts.map((part) => [part.name]),
    );
    const description = discord[0]?.embeds[0]?.description ?? "";
    expect(description).toContain(`Every changed address is in ${parts[0]?.name}`);
    expect(description).toContain(` and ${parts.at(-1)?.name}.`);
  });
});

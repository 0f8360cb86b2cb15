// The baseline message (a new watch's first run) in every renderer: the same counts, lines and
// groups in plain text, Block Kit and Discord embeds, within each platform's limits, and with
// names from DNS escaped.
import { describe, expect, it } from "vitest";
import type { BaselineLine, OutboundMessage } from "../../../src/chat/types.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { MAX_BLOCKS, MAX_SECTION_TEXT, renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderText } from "../../../src/render/text.js";
import { planBaseline } from "../../../workers/watch-plan.js";
import { assertWithinLimits } from "../discord/within-limits.js";

const line = (ip: string, problem: string, ptr: string[] = []): BaselineLine => ({
  ip,
  verdict: "fail",
  ptr,
  problem,
  detail: `${ip} has a problem`,
});

const few = planBaseline("203.0.113.0/28", { pass: 14, fail: 1, inconclusive: 1 }, [
  line("203.0.113.11", "NO_PTR"),
  {
    ip: "203.0.113.7",
    verdict: "inconclusive",
    ptr: [],
    problem: "DNS_ERROR",
    detail: "127.0.0.1:5301: timeout",
  },
]);

// 4,000 failing addresses of a /20 with long PTR names holding markup and mentions.
const hostileName = `<!channel>*b*\`x\`@everyone.${"a".repeat(60)}.example.test`;
const many = planBaseline(
  "198.51.0.0/20",
  { pass: 96, fail: 4000, inconclusive: 0 },
  Array.from({ length: 4000 }, (_, i) =>
    line(
      `198.51.${i >> 8}.${i & 255}`,
      ["NO_PTR", "BROKEN_PAIR", "GENERIC_PTR", "HELO_MISMATCH"][i % 4] ?? "",
      [hostileName, hostileName],
    ),
  ),
);

describe("watch-baseline rendering", () => {
  it("says the counts and each non-passing address with its PTR and problem, as plain text", () => {
    const text = renderText(few);
    expect(text).toContain(
      "Baseline of 203.0.113.0/28 (16 addresses): 14 pass, 1 fail, 1 could not be told.",
    );
    expect(text).toContain("203.0.113.7 could not tell: no PTR name; DNS_ERROR: 127.0.0.1:5301: timeout");
    expect(text).toContain("203.0.113.11 fails: no PTR name; NO_PTR: 203.0.113.11 has a problem");
    expect(text.indexOf("203.0.113.7 ")).toBeLessThan(text.indexOf("203.0.113.11 "));
    expect(renderText({ ...few, fail: 0, inconclusive: 0, pass: 16, lines: [] })).toContain(
      "Every address passes.",
    );
  });

  it("groups a large range by problem, with the counts, in every renderer", () => {
    const text = renderText(many);
    expect(text).toContain("NO_PTR: 1,000 addresses (198.51.0.0, 198.51.0.4,");
    expect(text).toContain("… and 3,990 more addresses not listed.");
    const slack = JSON.stringify(renderSlackMessage(many));
    const discord = JSON.stringify(renderMessage(many));
    for (const rendered of [slack, discord]) {
      expect(rendered).toContain("1,000 addresses");
      expect(rendered).toContain("3,990 more addresses");
    }
  });

  it("stays within Slack's and Discord's limits and escapes names from DNS", () => {
    const slack = renderSlackMessage(many);
    expect(slack.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const block of slack.blocks) {
      if (block.type === "section") expect(block.text?.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    }
    expect(JSON.stringify(slack)).not.toContain("<!channel>");
    const discord = renderMessage(many);
    assertWithinLimits(discord);
    expect(JSON.stringify(discord)).not.toMatch(/(^|[^\u200b])@everyone/);
  });

  it("has a colour and an icon by outcome", () => {
    const colour = (message: OutboundMessage) => renderMessage(message)[0]?.embeds[0]?.color;
    const passing = { ...few, fail: 0, inconclusive: 0, lines: [] };
    expect(colour(passing)).not.toBe(colour(few));
    expect(renderSlackMessage(passing).text).toContain(":white_check_mark:");
    expect(renderSlackMessage(few).text).toContain(":x:");
  });
});

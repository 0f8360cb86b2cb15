// The pure parts of acting on any message, the Home and autocomplete: what counts as "only an
// IP or a host name", how choices are ranked, what the Home lists and how its blocks fit 100.
import { describe, expect, it } from "vitest";
import { soleTarget } from "../../../src/app/ask.js";
import { completesAddress, MAX_CHOICES, rankChoices } from "../../../src/app/complete.js";
import { HOME_ROWS, planHome } from "../../../src/app/home.js";
import type { ServerRow } from "../../../src/app/server-rows.js";
import { withoutBotMention } from "../../../src/platforms/discord/ask.js";
import { homeBlocks, MAX_HOME_BLOCKS } from "../../../src/platforms/slack/home-view.js";
import { withoutMention } from "../../../src/platforms/slack/inbound-ask.js";

// Cast: the rows carry more fields (per-watch pace, mute) that the Home does not read.
const row = (i: number, verdict: ServerRow["verdict"]): ServerRow => {
  const fields: Pick<
    ServerRow,
    | "ip"
    | "watch"
    | "channel"
    | "ptr"
    | "fcrdns"
    | "helo"
    | "verdict"
    | "problems"
    | "since"
    | "checkedAt"
    | "paused"
    | "everySeconds"
    | "mutedUntil"
  > = {
    ip: `198.18.0.${i}`,
    watch: `198.18.0.${i}`,
    channel: "slack:C0OPS",
    ptr: [],
    fcrdns: "fail",
    helo: null,
    verdict,
    problems: verdict === "fail" ? ["NO_PTR"] : [],
    since: null,
    checkedAt: `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`,
    paused: false,
    everySeconds: null,
    mutedUntil: null,
  };
  return fields as ServerRow;
};

describe("soleTarget", () => {
  it("takes an IP or a host name alone, with an optional HELO", () => {
    expect(soleTarget({ text: " 203.0.113.5 ", attachments: [] })).toEqual(["203.0.113.5"]);
    expect(soleTarget({ text: "mail.example.com helo.example.com", attachments: [] })).toEqual([
      "mail.example.com",
      "helo.example.com",
    ]);
  });
  it("leaves anything else to the bounce reader", () => {
    expect(soleTarget({ text: "is 203.0.113.5 ok?", attachments: [] })).toBeNull();
    expect(soleTarget({ text: "hello", attachments: [] })).toBeNull();
    expect(
      soleTarget({ text: "203.0.113.5", attachments: [{ name: "a.eml", content: Buffer.from("") }] }),
    ).toBeNull();
    expect(soleTarget({ text: "10.0.0.1", attachments: [] })).toBeNull(); // not public: read as text
  });
});

describe("mentions", () => {
  it("are taken out of the text the bot reads", () => {
    expect(withoutMention("<@UBOT> 203.0.113.5", "UBOT")).toBe("203.0.113.5");
    expect(withoutMention("<@UBOT|rdns> 203.0.113.5", "UBOT")).toBe("203.0.113.5");
    expect(withoutBotMention("<@!123456789012345678> 203.0.113.5", "123456789012345678")).toBe("203.0.113.5");
  });
});

describe("autocomplete", () => {
  it("offers choices only for the address options", () => {
    expect(completesAddress("status", "range")).toBe(true);
    expect(completesAddress("unwatch", "range")).toBe(true);
    expect(completesAddress("recheck", "ip")).toBe(true);
    expect(completesAddress("stop", "ip")).toBe(true);
    expect(completesAddress("recheck", "helo")).toBe(false);
    expect(completesAddress("watch", "range")).toBe(false);
  });
  it("keeps what starts with the typed text, shortest first, at most 25", () => {
    const many = Array.from({ length: 300 }, (_, i) => `203.0.113.${i % 256}`);
    const ranked = rankChoices([...many, "198.51.100.0/24"], "203.0.113.1");
    expect(ranked).toHaveLength(MAX_CHOICES);
    expect(ranked[0]).toBe("203.0.113.1");
    expect(ranked.every((choice) => choice.startsWith("203.0.113.1"))).toBe(true);
    expect(new Set(ranked).size).toBe(ranked.length);
  });
});

describe("the Home", () => {
  it("counts every address, lists the ones that do not pass failing first, and the last run", () => {
    const rows = [row(1, "pass"), row(2, "pending"), row(3, "inconclusive"), row(4, "fail"), row(59, "pass")];
    const view = planHome(["C0OPS"], rows, new Map());
    expect(view.counts).toEqual({ pass: 2, fail: 1, inconclusive: 1, pending: 1 });
    expect(view.rows.map((r) => r.verdict)).toEqual(["fail", "inconclusive", "pending"]);
    expect(view.rows[0]?.channel).toBe("C0OPS");
    expect(view.lastRun).toBe("2026-01-01T00:00:59.000Z");
  });
  it("fits 100 blocks however many fail, and says how many are left out", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => row(i, "fail"));
    const view = planHome(["C0OPS"], rows, new Map());
    expect(view.rows).toHaveLength(HOME_ROWS);
    const blocks = homeBlocks(view, "https://rdns.example.test/servers");
    expect(blocks).toHaveLength(MAX_HOME_BLOCKS);
    expect(JSON.stringify(blocks.at(-1))).toContain(`and ${5000 - (MAX_HOME_BLOCKS - 5)} more not passing`);
    expect(homeBlocks(view, null).length).toBeLessThanOrEqual(MAX_HOME_BLOCKS);
  });
  it("shows a watch's own pace and a maintenance window still running", () => {
    const now = new Date("2026-12-07T10:00:00.000Z");
    const paced = { ...row(1, "fail"), everySeconds: 1800, mutedUntil: "2026-12-07T12:00:00.000Z" };
    const ended = { ...row(2, "fail"), mutedUntil: "2026-12-07T09:00:00.000Z" };
    const blocks = homeBlocks(planHome(["C0OPS"], [paced, ended], new Map()), null, now).map((block) =>
      JSON.stringify(block),
    );
    expect(blocks.find((block) => block.includes("198.18.0.1`"))).toContain(
      "every 30 min, muted until 2026-12-07 12:00 UTC",
    );
    expect(blocks.find((block) => block.includes("198.18.0.2`"))).not.toContain("muted");
  });
  it("escapes what it shows: a watch target cannot form a mention or a link", () => {
    const hostile = { ...row(1, "fail"), problems: ["<!channel>"] };
    const blocks = JSON.stringify(homeBlocks(planHome(["C0OPS"], [hostile], new Map()), null));
    expect(blocks).not.toContain("<!channel>");
  });
});

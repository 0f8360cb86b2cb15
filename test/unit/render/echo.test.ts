import { describe, expect, it } from "vitest";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import {
  boundedProblem,
  ECHO_MAX,
  PROBLEM_MAX,
  shorten,
  shortenQuotedEchoes,
} from "../../../src/render/echo.js";

describe("echoed user input is bounded", () => {
  it("keeps text of exactly the limit, cuts longer text to limit - 1 graphemes and an ellipsis", () => {
    expect(shorten("a".repeat(ECHO_MAX), ECHO_MAX)).toBe("a".repeat(ECHO_MAX));
    expect(shorten("a".repeat(ECHO_MAX + 1), ECHO_MAX)).toBe(`${"a".repeat(ECHO_MAX - 1)}…`);
  });

  it("never cuts inside an emoji sequence or a combining mark", () => {
    const family = "👩‍👩‍👧‍👦"; // one grapheme, eleven UTF-16 units
    expect(shorten(family.repeat(100), 5)).toBe(`${family.repeat(4)}…`);
    expect(shorten("e\u0301".repeat(100), 3)).toBe("e\u0301e\u0301…");
  });

  it("shortens only quoted stretches, and bounds the whole problem line", () => {
    const long = "x".repeat(6000);
    expect(shortenQuotedEchoes(`"${long}" is not an IP address`)).toBe(
      `"${"x".repeat(ECHO_MAX - 1)}…" is not an IP address`,
    );
    expect(shortenQuotedEchoes("help text without quotes ".repeat(20))).toBe(
      "help text without quotes ".repeat(20),
    );
    expect(boundedProblem(`it watches ${"203.0.113.5, ".repeat(500)}`).length).toBeLessThanOrEqual(
      PROBLEM_MAX,
    );
  });

  it("both renderers cut before escaping: no broken entity or backslash escape", () => {
    const problem = `"${"&".repeat(6000)}" is not an IP address`;
    const slack = renderSlackMessage({ kind: "usage-error", problem, example: "/rdns 203.0.113.5" }).text;
    expect(slack).toContain(`"${"&amp;".repeat(ECHO_MAX - 1)}…"`);
    const discord = renderMessage({
      kind: "notice",
      text: `"${"*_`".repeat(2000)}" is not watched`,
    });
    expect(discord).toHaveLength(1);
    expect(discord[0]?.content).toContain(`"${"\\*\\_\\`".repeat(26)}\\*…"`); // 79 graphemes, each escaped
  });
});

describe("the console echoes no more than the chat platforms", () => {
  it("cuts a 1 MB word in 'unknown command' and in a notice", async () => {
    const { renderText } = await import("../../../src/render/text.js");
    const word = "x".repeat(1_000_000);
    const usage = renderText({
      kind: "usage-error",
      problem: `unknown command "${word}"; the commands are check, watch, help`,
      example: "/rdns 203.0.113.5",
    });
    expect(usage.length).toBeLessThan(PROBLEM_MAX + 100);
    expect(usage).toContain(`"${"x".repeat(ECHO_MAX - 1)}…"`);
    const notice = renderText({ kind: "notice", text: `"${word}" is not watched in this channel` });
    expect(notice).toBe(`"${"x".repeat(ECHO_MAX - 1)}…" is not watched in this channel`);
  });
});

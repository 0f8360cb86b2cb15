// Text from users and DNS cannot format, link, ping or reorder what the bot says.
import { describe, expect, it } from "vitest";
import { code, escapeInline, escapeText, neutraliseMentions } from "../../../src/platforms/discord/escape.js";

describe("escaping", () => {
  it("escapes markdown in a crafted PTR name", () => {
    expect(escapeInline("**bold**.example")).toBe("\\*\\*bold\\*\\*.example");
    expect(escapeInline("__u__ ~~s~~ ||spoiler|| `code`")).not.toMatch(/(?<!\\)(\*\*|__|~~|\|\||`)/);
    expect(escapeText("[click](http://evil.test)")).toBe("\\[click](http://evil.test)");
    expect(escapeText("# heading\n- item\n1. first")).toBe("\\# heading\n\\- item\n1\\. first");
  });

  it("leaves addresses readable", () => {
    expect(escapeInline("203.0.113.5")).toBe("203.0.113.5");
    expect(escapeInline("2001:db8::25")).toBe("2001:db8::25");
    expect(escapeInline("mail.example.com")).toBe("mail.example.com");
  });

  it("neutralises every mention form", () => {
    for (const text of [
      "@everyone",
      "@here",
      "<@123456789012345678>",
      "<@!123456789012345678>",
      "<@&123>",
      "<#123>",
      "</rdns:1>",
      "<t:1:R>",
    ]) {
      const out = neutraliseMentions(text);
      expect(out).not.toBe(text);
      expect(out).not.toMatch(/^(@everyone|@here|<[@#/]|<t:)/);
    }
  });

  it("keeps one-line text on one line and writes bidi overrides and control characters out", () => {
    // discord.js escapes the backslash of the visible escape: Discord shows `\\n` as `\n`.
    expect(escapeInline("a\nb\rc")).toBe("a\\\\nb\\\\nc");
    expect(escapeInline("evil\u202Emoc.example")).not.toContain("\u202E");
    expect(escapeText("x\u0007y")).toBe("x\\\\x07y");
    expect(escapeInline("evil\u202Emoc.example")).toBe("evil\\\\u202emoc.example");
  });

  it("puts examples in inline code that cannot be closed early", () => {
    expect(code("/rdns `x` @everyone")).toBe("`/rdns 'x' @\u200beveryone`");
  });
});

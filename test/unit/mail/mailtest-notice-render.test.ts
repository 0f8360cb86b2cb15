// A sender chooses its HELO: in the test-mail notice it must stay inert on every platform (no
// mention, no markup, no bidi override), through the platforms' own escaping of notices.
import { describe, expect, it } from "vitest";
import { testMailNotice } from "../../../src/app/mailtest.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";

const HOSTILE = "<!channel> @everyone <@U123> *bold* \u202egnp.exe [x](https://evil.example)";
const text = testMailNotice({ ip: "203.0.113.10", helo: HOSTILE, tls: false }, null, "not a name");

describe("the test-mail notice with a hostile HELO", () => {
  it("is inert in Slack", () => {
    const rendered = JSON.stringify(renderSlackMessage({ kind: "notice", text }));
    expect(rendered).not.toContain("<!channel>");
    expect(rendered).not.toContain("<@U123>");
    expect(rendered).not.toContain("\u202e");
    expect(rendered).toContain("203.0.113.10");
  });

  // (The client also sends every message with allowed_mentions parse: [], src/platforms/discord/client.ts.)
  it("is inert in Discord", () => {
    const [payload] = renderMessage({ kind: "notice", text });
    const rendered = JSON.stringify(payload);
    expect(rendered).not.toMatch(/(^|[^\\])@everyone/);
    expect(rendered).not.toContain("\u202e");
    expect(rendered).not.toMatch(/[^\\]\[x\]\(https/);
  });
});

// A check that could not be queued ran no DNS at all: every renderer says so, and none of them
// speaks of DNS servers not answering or of "0 attempts" (the console's words before).
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { renderMessage as renderDiscordMessage } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderText } from "../../../src/render/text.js";

const message: OutboundMessage = { kind: "not-queued", ip: "203.0.113.5" };

describe("a check that could not be queued", () => {
  const rendered = {
    console: renderText(message),
    slack: renderSlackMessage(message).text,
    discord: JSON.stringify(renderDiscordMessage(message)),
  };

  it.each(Object.entries(rendered))("on %s, says nothing was checked", (_platform, text) => {
    expect(text).toContain("203.0.113.5");
    expect(text).toContain("could not be queued");
    expect(text).toContain("nothing was checked");
    expect(text).not.toMatch(/did not answer|attempt|no PTR/i);
  });

  it("while a check that did run and failed still counts its attempts and gives the reason", () => {
    const text = renderText({
      kind: "could-not-tell",
      ip: "203.0.113.5",
      detail: "the check worker stopped while checking, too many times",
      attempts: 2,
    });
    expect(text).toContain("after 2 attempts: the check worker stopped while checking");
    expect(text).not.toContain("DNS servers did not answer");
  });
});

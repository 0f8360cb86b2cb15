// The follow-up notices say what the engine decided: a final "gave up", and the resolvers a
// "cleared" could not speak for.
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderText } from "../../../src/render/text.js";
import { makeReport } from "../../fixtures/check-report.js";

describe("follow-up notices", () => {
  const report = makeReport();

  it("names the silent resolvers in a cleared notice", () => {
    const message: OutboundMessage = {
      kind: "cleared",
      report,
      elapsedSeconds: 600,
      rechecks: 2,
      silentResolvers: ["10.0.0.2:53"],
    };
    expect(renderText(message)).toMatch(/10\.0\.0\.2:53 did not answer/);
    expect(renderSlackMessage(message).text).toMatch(/10\.0\.0\.2:53.*did not answer/);
    expect(renderText({ ...message, silentResolvers: [] })).not.toMatch(/did not answer/);
  });

  it("says the bot gave up only on the final notice", () => {
    const message = { kind: "still-failing", report, elapsedSeconds: 6 * 3600, rechecks: 7 } as const;
    expect(renderText({ ...message, final: true })).toMatch(/^Gave up after 6 h/);
    expect(renderText(message)).toMatch(/^Still failing after 6 h/);
    expect(renderSlackMessage({ ...message, final: true }).text).toMatch(/stopped re-checking/);
    expect(renderSlackMessage(message).text).toMatch(/keep re-checking/);
  });
});

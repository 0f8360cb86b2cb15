// An answer reused from a check that just ran says how old it is and how to get a fresh one, on
// every platform; a fresh answer says nothing of the kind.
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderText } from "../../../src/render/text.js";
import { makeReport } from "../../fixtures/check-report.js";

const report = makeReport({ ip: "203.0.113.10" });
const reused: OutboundMessage[] = [
  { kind: "verdict", report, chainId: null, reusedSeconds: 7 },
  { kind: "report", report, chainId: null, reusedSeconds: 7 },
];
const fresh: OutboundMessage[] = [
  { kind: "verdict", report, chainId: null },
  { kind: "report", report, chainId: null },
];

describe("a reused answer", () => {
  it("says its age and the typed re-check in plain text (the console)", () => {
    for (const message of reused) {
      expect(renderText(message)).toContain(
        "Checked 7 s ago (the same check, asked just before); /rdns recheck 203.0.113.10 for a fresh one.",
      );
    }
    for (const message of fresh) expect(renderText(message)).not.toMatch(/ ago \(the same check/);
  });

  it("says its age in Slack, above the Re-check now button", () => {
    for (const message of reused) {
      const { blocks } = renderSlackMessage(message);
      const json = JSON.stringify(blocks);
      expect(json).toContain(
        "Checked 7 s ago (the same check, asked just before); Re-check now for a fresh one.",
      );
      expect(json).toContain('"action_id":"rdns_recheck"');
    }
    for (const message of fresh)
      expect(JSON.stringify(renderSlackMessage(message))).not.toContain("ago (the same");
  });

  it("says its age on Discord, with the Re-check now button", () => {
    for (const message of reused) {
      const json = JSON.stringify(renderMessage(message));
      expect(json).toContain(
        "Checked 7 s ago (the same check, asked just before); Re-check now for a fresh one.",
      );
      expect(json).toContain("rdns:recheck:");
    }
    for (const message of fresh)
      expect(JSON.stringify(renderMessage(message))).not.toContain("ago (the same");
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { escapeMrkdwn, inlineCode, truncateMrkdwn } from "../../../src/platforms/slack/escape.js";
import {
  MAX_BLOCKS,
  MAX_SECTION_TEXT,
  renderSlackMessage,
  type SlackBlock,
} from "../../../src/platforms/slack/render.js";
import { makeReport } from "../../fixtures/check-report.js";

const HOSTILE = ["<!channel>", "<!here>", "<@U123>", "<#C123>", "<https://evil.test|click>", "a & b", "`x`"];

/** Every mrkdwn string in a rendered message, and the fallback text. */
function texts(rendered: { text: string; blocks: SlackBlock[] }): string[] {
  const out = [rendered.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (typeof record.text === "string") out.push(record.text);
      Object.values(record).forEach(walk);
    }
  };
  walk(rendered.blocks);
  return out;
}

/** Slack's control sequences: any `<` or `>`, or an `&` that is not one of our three entities. */
function hasControl(text: string): boolean {
  return /[<>]/.test(text) || /&(?!amp;|lt;|gt;)/.test(text);
}

function allKinds(value: string): OutboundMessage[] {
  const report = makeReport({
    summary: value,
    ptr: { status: "found", names: [value] },
    provider: value,
    problems: [{ code: "GENERIC_PTR", severity: "warning", message: value, fix: value }],
    fixSteps: [value],
  });
  return [
    { kind: "notice", text: value },
    { kind: "checking", ip: value, helo: value },
    { kind: "verdict", report },
    { kind: "report", report },
    {
      kind: "bounce",
      truncated: true,
      findings: [
        {
          file: null,
          ip: value,
          helo: value,
          receiver: "gmail",
          smtpCode: 550,
          enhancedCode: "5.7.25",
          category: "rdns",
          rdnsRelated: true,
          diagnostic: value,
          recipient: value,
        },
      ],
    },
    { kind: "cleared", report, elapsedSeconds: 600, rechecks: 3 },
    { kind: "still-failing", report, elapsedSeconds: 86_400, rechecks: 20 },
    { kind: "could-not-tell", ip: value, detail: value, attempts: 3 },
    { kind: "watch-change", target: value, change: "drifted", report, previousNames: [value] },
    {
      kind: "watch-baseline",
      target: value,
      pass: 1,
      fail: 1,
      inconclusive: 0,
      groups: [{ problem: value, count: 1, ips: [value] }],
      lines: [{ ip: value, verdict: "fail", ptr: [value], problem: value, detail: value }],
      unlisted: 0,
    },
    { kind: "watches", channel: value, targets: [value] },
    { kind: "usage-error", problem: value, example: value },
  ];
}

describe("Slack rendering", () => {
  it("renders every OutboundMessage kind with a fallback text and verbatim mrkdwn", () => {
    for (const message of allKinds("mail.example.test")) {
      const rendered = renderSlackMessage(message);
      expect(rendered.text.length, message.kind).toBeGreaterThan(0);
      expect(rendered.blocks.length, message.kind).toBeGreaterThan(0);
      for (const block of rendered.blocks) {
        if (block.type === "section") expect(block.text).toMatchObject({ type: "mrkdwn", verbatim: true });
      }
    }
  });

  it("never lets a mention, special or link through, from any field of any kind", () => {
    for (const value of HOSTILE) {
      for (const message of allKinds(`x ${value} y`)) {
        for (const text of texts(renderSlackMessage(message))) {
          expect(hasControl(text), `${message.kind}: ${text}`).toBe(false);
        }
      }
    }
  });

  it("escapes as Slack documents: & first, then < and >", () => {
    expect(escapeMrkdwn("<!channel> & <@U1>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt;");
    expect(escapeMrkdwn("&lt;")).toBe("&amp;lt;");
    expect(inlineCode("a`b\nc")).toBe("`a\u02cbb\\nc`");
  });

  it("shows the report's parts: header, PTR, FCrDNS, HELO, caches with time left, receivers, fix", () => {
    const rendered = renderSlackMessage({ kind: "report", report: makeReport() });
    expect(rendered.blocks[0]).toMatchObject({ type: "header", text: { text: "203.0.113.5 fails" } });
    const all = texts(rendered).join("\n");
    for (const part of [
      "*PTR*",
      "*FCrDNS*",
      "*HELO*",
      "*Resolvers' caches*",
      "cached for 4 s more",
      "*Gmail*: reject",
      "*How to fix*",
      "1. Make sure",
    ]) {
      expect(all).toContain(part);
    }
  });

  it("stays within 50 blocks and 3000 characters per section, saying what was left out", () => {
    const problems = Array.from({ length: 80 }, (_, i) => ({
      code: "GENERIC_PTR" as const,
      severity: "warning" as const,
      message: `<${"x".repeat(50)}> problem ${i} ${"&".repeat(1500)}`,
      fix: "",
    }));
    const rendered = renderSlackMessage({ kind: "report", report: makeReport({ problems }) });
    expect(rendered.blocks.length).toBe(MAX_BLOCKS);
    // The note on what was left out, then the result's buttons, which are never cut.
    expect(JSON.stringify(rendered.blocks.at(-2))).toContain("more sections left out");
    expect(rendered.blocks.at(-1)?.type).toBe("actions");
    for (const block of rendered.blocks) {
      if (block.type === "section") {
        expect(block.text?.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
        expect(hasControl(block.text?.text ?? "")).toBe(false);
      }
    }
  });

  it("truncation never cuts an escape sequence, a surrogate pair or leaves code open", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.integer({ min: 30, max: 300 }),
        (raw, max) => {
          const escaped = `${inlineCode(raw)}\n${escapeMrkdwn(raw)}\n\`\`\`${escapeMrkdwn(raw)}\`\`\``;
          const cut = truncateMrkdwn(escaped, max);
          expect(cut.length).toBeLessThanOrEqual(Math.max(max, Math.min(escaped.length, max)));
          expect(hasControl(cut)).toBe(false);
          expect(/&[a-z]*$/.test(cut.replace(/\n… \(cut short\)$/, ""))).toBe(false);
          const last = cut.charCodeAt(cut.length - 1);
          expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
          expect((cut.split("```").length - 1) % 2).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// PTR and HELO names are attacker-controlled bytes: every renderer shows them as inert text.
// A hostile name (ESC, U+202E, a newline, <!channel>, *bold*, backticks, <@U123>) goes through a
// real analysis into a report and out through the terminal text, the console chat, Slack Block
// Kit, Discord embeds, HTML and the JSON; then a fast-check fuzz test does the same with random
// names. Nothing may come out as a raw control or bidi character or a live mention.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { analyseObservations } from "../../../src/check/analyse.js";
import { assembleReport } from "../../../src/check/pipeline.js";
import type { CheckReport } from "../../../src/check/types.js";
import { renderMessage as renderDiscord } from "../../../src/platforms/discord/render.js";
import { slackText } from "../../../src/platforms/slack/escape.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderReportText } from "../../../src/render/check-text.js";
import { htmlText, safeJson, terminalText } from "../../../src/render/inert-text.js";
import { renderText } from "../../../src/render/text.js";
import { answer, authority, forward, IP, NOW, observations, RES1 } from "../support/observations.js";

const HOSTILE = "evil\u001b[31m\u202emoc.\n<!channel> *bold* `tick` <@U123> @everyone.example";

/** Raw controls (newline and tab aside: the renderers' own layout uses them) and bidi controls. */
const RAW =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what this test looks for
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

/** A real report whose PTR name, CNAME, zone, forward name and HELO are all `name`. */
function hostileReport(name: string): CheckReport {
  const obs = observations({
    authority: authority("found", [name], { cnames: [name], zone: name }),
    resolvers: [answer(RES1, "found", [name], { cnames: [name] })],
    forward: [forward(name, "found", ["203.0.113.99"])],
    helo: { name, lookup: forward(name, "nxdomain") },
  });
  return assembleReport(obs, analyseObservations(obs), NOW, 12);
}

function messages(name: string): OutboundMessage[] {
  const report = hostileReport(name);
  return [
    { kind: "report", report },
    { kind: "verdict", report },
    { kind: "checking", ip: IP, helo: name },
    { kind: "watch-change", target: IP, change: "drifted", previousNames: [name], report },
    // Commands echo one word of what was typed (arguments are split on whitespace).
    { kind: "notice", text: `"${name.replace(/\s+/g, "")}" is not an IP address` },
    { kind: "could-not-tell", ip: IP, attempts: 2, detail: name },
    { kind: "usage-error", problem: `"${name}" is not an IP address`, example: "/rdns 203.0.113.5" },
    { kind: "watches", channel: "C1", targets: [name] },
  ];
}

/** Every string inside a rendered payload (Block Kit, embeds). */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** mrkdwn outside inline code and code blocks (inside them, Slack draws no markup). */
function outsideCode(text: string): string {
  return text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
}

interface Rendered {
  terminal: string[];
  slack: string[];
  discord: string[];
  html: string;
  json: string;
}

function renderAll(name: string): Rendered {
  const report = hostileReport(name);
  return {
    terminal: [renderReportText(report), ...messages(name).map(renderText)],
    slack: messages(name).flatMap((message) => strings(renderSlackMessage(message))),
    discord: messages(name).flatMap((message) => strings(renderDiscord(message))),
    html: htmlText(name),
    json: safeJson(report, 2),
  };
}

function expectInert(rendered: Rendered, name: string) {
  for (const text of [
    ...rendered.terminal,
    ...rendered.slack,
    ...rendered.discord,
    rendered.html,
    rendered.json,
  ]) {
    expect(text).not.toMatch(RAW);
  }
  for (const text of rendered.slack) {
    // No mention, special or link can form (`<!channel>`, `<@U123>`, `<#C1>`, `<https://..|..>`).
    expect(text).not.toMatch(/<[!@#]/);
    expect(text).not.toMatch(/@(here|channel|everyone)/i);
  }
  for (const text of rendered.discord) {
    expect(text).not.toMatch(/<(@|#|\/|t:|a?:)/);
    expect(text).not.toMatch(/@(here|everyone)/i);
  }
  expect(rendered.html).not.toMatch(/[<>"']/);
  expect(JSON.parse(rendered.json)).toEqual(hostileReport(name));
}

describe("a hostile PTR name is shown as inert text everywhere", () => {
  const rendered = renderAll(HOSTILE);

  it("passes the shared invariants", () => {
    expectInert(rendered, HOSTILE);
  });

  it("terminal and console: ESC, U+202E and the newline written out, the name on one line", () => {
    const text = rendered.terminal.join("\n");
    expect(text).toContain("evil\\x1b[31m\\u202emoc.\\n<!channel> *bold* `tick` <@U123> @everyone.example");
    expect(text).not.toMatch(/\n\s*<!channel>/);
  });

  it("Slack: entities, look-alikes for markup, no line break from the name", () => {
    const text = rendered.slack.join("\n");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).toContain("&lt;@U123&gt;");
    expect(text).toContain("\\u202e");
    for (const part of rendered.slack) {
      expect(outsideCode(part)).not.toContain("*bold*");
      expect(outsideCode(part)).not.toMatch(/`tick`/);
    }
    expect(text).not.toMatch(/\n\s*&lt;!channel/);
    expect(slackText("*bold* _it_ ~s~ `c`")).toBe(
      "\u2217bold\u2217 \u02cdit\u02cd \u223cs\u223c \u02cbc\u02cb",
    );
  });

  it("Discord: markdown escaped, mentions broken, no line break from the name", () => {
    const text = rendered.discord.join("\n");
    expect(text).toContain("\\*bold\\*");
    expect(text).toContain("@\u200beveryone");
    expect(text).toContain("<\u200b@U123>");
    expect(text).not.toMatch(/\n\s*<\u200b?!channel/);
  });

  it("JSON: bidi characters \\u-escaped, and it parses back to the same report", () => {
    expect(rendered.json).toContain("\\u202e");
    expect(JSON.parse(rendered.json).ptr.names).toEqual([HOSTILE.toLowerCase()]);
  });

  it("a GENERIC_PTR reason does not call a name with a colon an address", () => {
    const report = hostileReport("evil:\u202e.example");
    const generic = report.problems.find((problem) => problem.code === "GENERIC_PTR");
    expect(generic?.message).not.toMatch(/is an address/);
    expect(generic?.message).toMatch(/characters a host name cannot/);
    expect(hostileReport("2001:db8::1").problems.find((p) => p.code === "GENERIC_PTR")?.message).toMatch(
      /is an address, not a host name/,
    );
  });

  it("terminalText is idempotent and leaves ordinary names alone", () => {
    expect(terminalText("mail.example.test")).toBe("mail.example.test");
    const once = terminalText(HOSTILE);
    expect(terminalText(once)).toBe(once);
  });
});

describe("fuzz: random names through every renderer", () => {
  const nasty = fc.constantFrom(
    "\u001b",
    "\u202e",
    "\u2066",
    "\u200f",
    "\u0085",
    "\u2028",
    "\n",
    "\r",
    "\t",
    "<!channel>",
    "<!here>",
    "<@U123>",
    "<#C1>",
    "<@&1>",
    "@everyone",
    "@here",
    "*",
    "_",
    "~",
    "`",
    "<",
    ">",
    "&",
    "|",
    "\\",
  );
  const name = fc
    .array(fc.oneof(nasty, fc.string({ unit: "binary", maxLength: 6 })), { minLength: 1, maxLength: 10 })
    .map((parts) => parts.join(""));

  it("never lets a raw control or bidi character or a live mention through", () => {
    fc.assert(
      fc.property(name, (candidate) => {
        expectInert(renderAll(candidate), candidate);
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

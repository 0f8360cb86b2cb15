// The SMTP section's rows: text, Slack and Discord show the probe, and a greeting from a hostile
// server stays inert (no mention, no markup, no control character reaches a message).
import { describe, expect, it } from "vitest";
import type { SmtpReport } from "../../../src/check/types.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderReportText } from "../../../src/render/check-text.js";
import { makeReport } from "../../fixtures/check-report.js";

/** The text report with its wrapping undone (long rows continue on indented lines). */
const flat = (text: string) => text.replace(/\s+/g, " ");

const ok: SmtpReport = {
  outcome: "ok",
  server: "203.0.113.5:25",
  banner: "220 mail.example.test ESMTP Postfix",
  bannerName: "mail.example.test",
  ehloName: "mail.example.test",
  starttls: true,
  note: null,
  matchesPtr: false,
};

const hostile: SmtpReport = {
  ...ok,
  banner: "220 x.example.test <!channel> @everyone *bold* `code` \u001b[31mred \u202eevil",
  bannerName: "x.example.test",
};

describe("SMTP rows", () => {
  it("text: the outcome, the names, STARTTLS and the greeting; no row without a probe", () => {
    const text = flat(renderReportText(makeReport({ smtp: ok })));
    expect(text).toContain("SMTP");
    expect(text).toContain("203.0.113.5:25: greeting read");
    expect(text).toContain("greets as mail.example.test, differs from the PTR");
    expect(text).toContain("STARTTLS offered");
    expect(renderReportText(makeReport({ smtp: null }))).not.toMatch(/^SMTP/m);
  });

  it("text: a refused probe in words", () => {
    const refused: SmtpReport = {
      ...ok,
      outcome: "refused",
      banner: null,
      bannerName: null,
      ehloName: null,
      starttls: false,
      matchesPtr: null,
      note: "203.0.113.5:25 refused the connection: nothing listens there, or a firewall rejects it.",
    };
    const text = flat(renderReportText(makeReport({ smtp: refused })));
    expect(text).toContain("connection refused");
    expect(text).toContain("nothing listens there");
  });

  it("the HELO row says when the name came from the greeting", () => {
    const base = makeReport();
    const helo = base.helo === null ? null : { ...base.helo, source: "greeting" as const };
    expect(flat(renderReportText(makeReport({ helo, smtp: ok })))).toContain("taken from the SMTP greeting");
  });

  it("a hostile greeting is inert in text, Slack and Discord", () => {
    const report = makeReport({ smtp: hostile });
    const text = renderReportText(report);
    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("\u202e");
    const slack = JSON.stringify(renderSlackMessage({ kind: "report", report }));
    expect(slack).toContain("x.example.test");
    expect(slack).not.toContain("<!channel>");
    expect(slack).not.toMatch(/@everyone/);
    expect(slack).not.toContain("\u001b");
    expect(slack).not.toContain("\u202e");
    const discord = JSON.stringify(renderMessage({ kind: "report", report }));
    expect(discord).toContain("x.example.test");
    expect(discord).not.toMatch(/@everyone/);
    // Written out visibly ("\u202e" as text), never the character itself.
    expect(discord).not.toContain("\u202e");
    expect(discord).not.toContain("\u001b");
  });
});

// Issue 29: when the reverse zone's servers disagree, the text report (the CLI, the console and
// the servers page's report), Slack and Discord show each server with its serial and answer, and
// AUTHORITY_LAG's message names the one behind; when they agree, no such lines.
import { describe, expect, it } from "vitest";
import type { AuthorityDisagreement, CheckReport } from "../../../src/check/types.js";
import { renderMessage as renderDiscord } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderReportText } from "../../../src/render/check-text.js";
import { deliveredMessage } from "../../../src/render/views.js";
import { AUTH, answer, authority, forward, IP, observations, RES1 } from "../support/observations.js";
import { reportFrom } from "../support/report.js";

const LAGGING = "127.0.0.1:5399";

function lagReport(disagreement: AuthorityDisagreement | null): CheckReport {
  const name = "mail.example.test";
  return reportFrom(
    observations({
      authority: authority("found", [name], {
        servers: [LAGGING, AUTH],
        answers: [
          { ...answer(AUTH, "found", [name]), serial: 2 },
          { ...answer(LAGGING, "nxdomain"), serial: 1 },
        ],
        serial: 2,
        disagreement,
      }),
      resolvers: [answer(RES1, "found", [name])],
      forward: [forward(name, "found", [IP])],
    }),
  );
}

const LAG: AuthorityDisagreement = {
  kind: "lag",
  serial: 2,
  newest: [AUTH],
  others: [{ server: LAGGING, serial: 1, status: "nxdomain", names: [] }],
};

/** Every platform's rendering of the thread's report, as delivered (through the view). */
function rendered(report: CheckReport): Record<string, string> {
  const message = { kind: "report", report, chainId: null } as const;
  return {
    text: renderReportText(report),
    slack: JSON.stringify(renderSlackMessage(deliveredMessage("slack", message))),
    discord: JSON.stringify(renderDiscord(deliveredMessage("discord", message))),
  };
}

describe("authorities that disagree, as shown", () => {
  it("a lagging secondary: a pass with AUTHORITY_LAG, and every platform lists the servers with their serials", () => {
    const report = lagReport(LAG);
    expect(report.verdict).toBe("pass");
    expect(report.problems.map((problem) => problem.code)).toEqual(["AUTHORITY_LAG"]);
    expect(report.problems[0]?.message).toContain(`${LAGGING} (serial 1: NXDOMAIN) lags behind serial 2`);
    for (const [platform, output] of Object.entries(rendered(report))) {
      expect(output, platform).toContain("servers disagree");
      expect(output, platform).toContain("serial 2, newest");
      expect(output, platform).toContain("serial 1, behind");
      expect(output, platform).toContain(LAGGING);
    }
    const text = renderReportText(report);
    expect(text).toMatch(
      new RegExp(`${LAGGING.replace(/\./g, "\\.")}\\s+serial 1, behind: no PTR \\(NXDOMAIN\\)`),
    );
  });

  it("a split-brain zone is said as such", () => {
    const report = lagReport({
      ...LAG,
      kind: "split",
      others: [{ server: LAGGING, serial: 2, status: "nxdomain", names: [] }],
    });
    expect(report.problems.find((p) => p.code === "AUTHORITY_LAG")?.message).toContain("split-brain");
    for (const output of Object.values(rendered(report))) expect(output).toContain("answers otherwise");
  });

  it("servers that agree: no disagreement lines, no AUTHORITY_LAG", () => {
    const report = lagReport(null);
    expect(report.problems).toEqual([]);
    for (const output of Object.values(rendered(report))) expect(output).not.toContain("disagree");
  });

  it("a hostile server string in a disagreement is rendered inert", () => {
    const hostile = "<!channel> @everyone \u202e";
    const report = lagReport({
      ...LAG,
      others: [{ server: hostile, serial: 1, status: "nxdomain", names: [] }],
    });
    const { slack, discord, text } = rendered(report);
    expect(slack).not.toContain("<!channel>");
    expect(discord).not.toContain("@everyone");
    expect(text).not.toContain("\u202e");
  });
});

// Slack's and Discord's renderings of a listed, a refused and a clean blocklist result (the real
// renderers, the report as a delivery carries it), the hostile TXT inert in both; and the
// listed/delisted watch decision (pure).
import { describe, expect, it } from "vitest";
import type { BlocklistResult, CheckReport } from "../../../src/check/types.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { renderReportText } from "../../../src/render/check-text.js";
import { reportView } from "../../../src/render/views.js";
import type { WatchState } from "../../../src/store/watch-states.js";
import { watchCheckOptions } from "../../../workers/watch.js";
import { listedZones, watchChangeWithLists } from "../../../workers/watch-notice.js";
import { makeReport } from "../../fixtures/check-report.js";

const HOSTILE = "<!channel> @everyone <@U123> **bold** `code` \u001b[31m \u202e [x](http://evil)";

const listed: BlocklistResult = {
  zone: "zen.spamhaus.org",
  status: "listed",
  codes: ["127.0.0.2"],
  meaning: "SBL: a direct spam source (Spamhaus Block List)",
  txt: HOSTILE,
  policy: false,
  removal: "Look 203.0.113.5 up at the Spamhaus Blocklist Removal Center (check.spamhaus.org)",
};
const refused: BlocklistResult = {
  zone: "zen.spamhaus.org",
  status: "refused",
  codes: ["127.255.255.254"],
  meaning: "Spamhaus answered 127.255.255.254: it refuses queries through public/open resolvers",
  txt: null,
  policy: false,
  removal: null,
};
/** A list whose RFC 5782 test point is not listed (src/check/sections/blocklists/health.ts). */
const deaf: BlocklistResult = {
  zone: "b.barracudacentral.org",
  status: "error",
  codes: [],
  meaning:
    'its test point 127.0.0.2, which every list must list (RFC 5782 5), says it is not listed: the list does not answer queries from this resolver, so its "not listed" means nothing',
  txt: null,
  policy: false,
  removal: null,
};
const clean: BlocklistResult = {
  ...refused,
  zone: "bl.spamcop.net",
  status: "clean",
  codes: [],
  meaning: null,
};

function slackText(report: CheckReport): string {
  return JSON.stringify(renderSlackMessage({ kind: "report", report: reportView(report) }).blocks);
}

function discordText(report: CheckReport): string {
  return JSON.stringify(renderMessage({ kind: "report", report: reportView(report) }));
}

describe("renderings", () => {
  const report = makeReport({ blocklists: [listed, clean] });

  it("Slack: listed with its code and meaning, clean as not listed, the TXT inert", () => {
    const text = slackText(report);
    expect(text).toContain("*Blocklists*");
    expect(text).toContain("`zen.spamhaus.org` listed `127.0.0.2`: SBL: a direct spam source");
    expect(text).toContain("`bl.spamcop.net` not listed");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<@U123>");
    expect(text).not.toMatch(/@everyone/);
    expect(text).not.toContain("\u202e");
    expect(text).not.toContain("\u001b");
    expect(text).toContain("&lt;!channel&gt;");
  });

  it("Discord: a Blocklists field, listed and clean, the TXT inert", () => {
    const text = discordText(report);
    expect(text).toContain('"name":"Blocklists"');
    expect(text).toContain("zen.spamhaus.org listed 127.0.0.2: SBL: a direct spam source");
    expect(text).toContain("bl.spamcop.net not listed");
    expect(text).not.toContain("<@U123>");
    expect(text).not.toMatch(/@everyone/);
    expect(text).not.toContain("\u202e");
    expect(text).not.toContain("**bold**");
  });

  it("refused: could not tell, never clean or listed, on both", () => {
    const refusedReport = makeReport({ blocklists: [refused] });
    expect(slackText(refusedReport)).toContain(
      "`zen.spamhaus.org` could not tell: Spamhaus answered 127.255.255.254",
    );
    expect(discordText(refusedReport)).toContain(
      "zen.spamhaus.org could not tell: Spamhaus answered 127.255.255.254",
    );
    expect(slackText(refusedReport)).not.toContain("not listed");
  });

  it("a list without its test point: could not tell with the reason in text, Slack and Discord", () => {
    const deafReport = makeReport({ blocklists: [deaf] });
    expect(renderReportText(deafReport).replace(/\s+/g, " ")).toContain(
      "b.barracudacentral.org: could not tell (its test point 127.0.0.2",
    );
    expect(slackText(deafReport)).toContain(
      "`b.barracudacentral.org` could not tell: its test point 127.0.0.2",
    );
    expect(discordText(deafReport)).toContain(
      "b.barracudacentral.org could not tell: its test point 127.0.0.2",
    );
    expect(slackText(deafReport)).not.toContain("✅");
  });

  it("clean only, and none asked", () => {
    expect(slackText(makeReport({ blocklists: [clean] }))).toContain("✅ `bl.spamcop.net` not listed");
    expect(discordText(makeReport({ blocklists: [] }))).toContain("not asked");
  });

  it("text: the TXT's control and bidi characters written out", () => {
    const text = renderReportText(report);
    expect(text).toContain("zen.spamhaus.org: LISTED 127.0.0.2");
    expect(text).not.toContain("\u202e");
    expect(text).not.toContain("\u001b[31m");
  });
});

describe("listed and delisted (workers/watch-notice.ts)", () => {
  const state = (
    lists: string[],
    problems: string[] = [],
    verdict: "pass" | "fail" = "pass",
  ): WatchState => ({
    verdict,
    names: ["mail.example.test"],
    problems,
    lists,
  });

  it("a listing that flips the verdict is told as listed, naming the list", () => {
    expect(watchChangeWithLists(state([]), state(["zen.spamhaus.org"], ["LISTED"], "fail"))).toEqual({
      change: "listed",
      lists: ["zen.spamhaus.org"],
    });
    expect(watchChangeWithLists(state(["zen.spamhaus.org"], ["LISTED"], "fail"), state([]))).toEqual({
      change: "delisted",
      lists: ["zen.spamhaus.org"],
    });
  });

  it("a PTR that broke at the same time stays broke", () => {
    const after: WatchState = { ...state(["zen.spamhaus.org"], ["LISTED", "NO_PTR"], "fail"), names: [] };
    expect(watchChangeWithLists(state([]), after)?.change).toBe("broke");
  });

  it("only a list's own 'not listed' delists: a refusal or a report that asked no list keeps it", () => {
    const before = state(["zen.spamhaus.org"]);
    expect(listedZones({ blocklists: [refused] }, before)).toEqual(["zen.spamhaus.org"]);
    expect(listedZones({ blocklists: [] }, before)).toEqual(["zen.spamhaus.org"]);
    // A list that stopped answering us (its test point gone) has not delisted anyone.
    expect(listedZones({ blocklists: [{ ...deaf, zone: "zen.spamhaus.org" }] }, before)).toEqual([
      "zen.spamhaus.org",
    ]);
    expect(listedZones({ blocklists: [{ ...clean, zone: "zen.spamhaus.org" }] }, before)).toEqual([]);
  });

  it("the first run is a baseline: no notice", () => {
    expect(watchChangeWithLists(null, state(["zen.spamhaus.org"]))).toBeNull();
  });
});

describe("watch runs and the lists (workers/watch.ts)", () => {
  const check = {
    resolvers: ["r"],
    authorities: [],
    timeoutMs: 1000,
    blocklists: { zones: ["zen.spamhaus.org"] },
  };

  it("a watch of up to 256 addresses asks the lists; a larger one asks none", () => {
    expect(watchCheckOptions("203.0.113.5", check).blocklists).toEqual({ zones: ["zen.spamhaus.org"] });
    expect(watchCheckOptions("203.0.113.0/24", check).blocklists).toBeDefined();
    expect(watchCheckOptions("203.0.112.0/23", check).blocklists).toBeUndefined();
    expect(watchCheckOptions("203.0.112.0/23", check).resolvers).toEqual(["r"]);
  });
});

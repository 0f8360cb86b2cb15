// The servers page, the one-address page and the CSV as rendered from rows (pure).
import { describe, expect, it } from "vitest";
import { historyKey, type ServerRow } from "../../../src/app/server-rows.js";
import { rowsToCsv } from "../../../src/app/servers-csv.js";
import { renderServerPage } from "../../../src/web/pages/server-page.js";
import { renderServersPage } from "../../../src/web/pages/servers-page.js";
import { makeReport } from "../../fixtures/check-report.js";
import { HOSTILE_NAME } from "../../lab/zones.js";

const NOW = new Date("2026-12-01T12:00:00.000Z");
const row = (overrides: Partial<ServerRow> = {}): ServerRow => ({
  ip: "203.0.113.21",
  watch: "203.0.113.16/28",
  channel: "slack:C1",
  ptr: [HOSTILE_NAME],
  blocklists: [],
  fcrdns: "pass",
  helo: null,
  verdict: "pass",
  problems: [],
  since: "2026-12-01T09:00:00.000Z",
  checkedAt: "2026-12-01T11:59:00.000Z",
  paused: false,
  everySeconds: null,
  mutedUntil: null,
  ...overrides,
});

describe("servers page", () => {
  const histories = new Map([
    [
      historyKey("slack:C1", "203.0.113.21"),
      [{ at: "2026-12-01T09:00:00.000Z", verdict: "pass" as const, names: [HOSTILE_NAME], problems: [] }],
    ],
  ]);
  const page = renderServersPage(
    [
      row(),
      row({ ip: "203.0.113.22", ptr: [], verdict: "fail", problems: ["NO_PTR"] }),
      row({ ip: "203.0.113.23", ptr: [], verdict: "inconclusive", problems: ["DNS_ERROR"] }),
    ],
    histories,
    NOW,
  );

  it("shows hostile names as text only, in cells and in tooltips", () => {
    expect(page).not.toContain("<img");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;.hostile.example.test");
    expect(page).not.toMatch(/<script>/);
    expect(page).toContain('<script src="/assets/servers.js" defer></script>');
  });

  it("labels verdicts in words, and says no PTR only when the check said so", () => {
    expect(page).toContain('<span class="badge badge-pass">PASS</span>');
    expect(page).toContain('<span class="badge badge-fail">FAIL</span>');
    expect(page).toContain('<span class="badge badge-inconclusive">COULD NOT TELL</span>');
    expect(page.match(/no PTR</g)).toHaveLength(1);
    expect(page).toContain("3 h ago");
  });

  it("groups rows under their channel; a range's rows name their watch", () => {
    expect(page).toContain(
      '<span class="channel">slack:C1</span> <span class="muted">1 watch, 3 addresses</span>',
    );
    expect(page.match(/<span class="detail">watch 203\.0\.113\.16\/28<\/span>/g)).toHaveLength(3);
    expect(page.match(/<tr class="row /g)).toHaveLength(3);
  });

  it("invites a first watch when there is none", () => {
    expect(renderServersPage([], new Map(), NOW)).toContain("/rdns watch");
  });
});

describe("one address's page", () => {
  it("shows the report as rdns check prints it, escaped", () => {
    const report = makeReport({ ip: "203.0.113.21", ptr: { status: "found", names: [HOSTILE_NAME] } });
    const out = renderServerPage(
      { ip: "203.0.113.21", rows: [row()], report, histories: new Map([["slack:C1", []]]) },
      NOW,
    );
    expect(out).toContain('<pre class="report">');
    expect(out).not.toContain("<img");
    expect(out).toContain("No changes recorded yet.");
  });
});

describe("CSV", () => {
  it("has one line per row and defuses cells a spreadsheet would run as formulas", () => {
    const csv = rowsToCsv([
      row({ ptr: ['=HYPERLINK("http://x")'] }),
      row({ ip: "203.0.113.22", helo: { name: "mail.example.test", matchesPtr: true, resolvesToIp: false } }),
    ]);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "ip,watch,channel,ptr,fcrdns,helo,helo_matches_ptr,helo_resolves_to_ip,verdict,problems,since,checked_at,paused,every_seconds,muted_until,blocklists,smtp_greeting,smtp_matches_ptr,owner_zone,owner_provider,owner_contact",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(lines[2]).toContain("mail.example.test,yes,no,pass");
  });
});

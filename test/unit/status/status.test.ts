// `/rdns status` decided and rendered without Redis: the rows chosen, the per-watch counts, the
// fitting at each platform's limit with "N more" and the CSV that then goes along; the pure
// decisions behind paused watches; a HELO problem coming or going as a watch change.
import { describe, expect, it } from "vitest";
import { PAUSE_AFTER_FAILURES, shouldPause, watchRunGate } from "../../../src/app/paused-watches.js";
import type { ServerRow } from "../../../src/app/server-rows.js";
import { planStatus } from "../../../src/app/status.js";
import { renderMessage } from "../../../src/platforms/discord/render.js";
import { fitSlackStatus, renderSlackMessage } from "../../../src/platforms/slack/render.js";
import { fitStatus, statusRowLine } from "../../../src/render/status-text.js";
import { renderText } from "../../../src/render/text.js";
import { watchChange } from "../../../workers/watch-notice.js";

const row = (ip: string, overrides: Partial<ServerRow> = {}): ServerRow => ({
  ip,
  watch: "203.0.113.0/24",
  channel: "slack:C1",
  ptr: [`host-${ip.split(".").at(-1)}.example.test`],
  blocklists: [],
  fcrdns: "pass",
  helo: { name: "mail.example.test", matchesPtr: false, resolvesToIp: true },
  verdict: "fail",
  problems: ["BROKEN_PAIR"],
  since: "2026-12-01T09:00:00.000Z",
  checkedAt: "2026-12-01T11:59:00.000Z",
  paused: false,
  everySeconds: null,
  mutedUntil: null,
  ...overrides,
});

const many = Array.from({ length: 256 }, (_, i) =>
  row(`203.0.113.${i}`, i % 4 === 0 ? { verdict: "pass", problems: [] } : {}),
);
const helos = new Map([["203.0.113.0/24", "mail.example.test"]]);

describe("planStatus", () => {
  it("counts per watch and lists only the non-passing rows for the whole channel; the CSV has every row", () => {
    const message = planStatus(many, helos, null);
    expect(message.summaries).toEqual([
      {
        watch: "203.0.113.0/24",
        helo: "mail.example.test",
        paused: false,
        counts: { pass: 64, fail: 192, inconclusive: 0, pending: 0 },
      },
    ]);
    expect(message.rows).toHaveLength(192);
    expect(message.passingLeftOut).toBe(64);
    expect(message.attachment.content.trim().split("\r\n")).toHaveLength(257);
  });

  it("lists every row of the asked target, passing ones too", () => {
    const message = planStatus(many, helos, { label: "203.0.113.4", ips: ["203.0.113.4"] });
    expect(message.rows.map((r) => [r.ip, r.verdict])).toEqual([["203.0.113.4", "pass"]]);
    expect(message.scope).toBe("203.0.113.4");
  });
});

describe("status rendering", () => {
  const message = planStatus(many, helos, null);

  it("a row line carries IP, PTR, FCrDNS, HELO and whether it matches, verdict, since, last checked", () => {
    expect(statusRowLine(row("203.0.113.9", { paused: true }))).toBe(
      "203.0.113.9 · PTR host-9.example.test · FCrDNS pass · HELO mail.example.test (differs from PTR, resolves to the IP) · FAIL BROKEN_PAIR · since 2026-12-01 09:00Z · checked 2026-12-01 11:59Z · paused",
    );
  });

  it("Slack: one section within 3,000 characters, 'N more' naming the file, and N is what was left out", () => {
    const fitted = fitSlackStatus(message);
    const rendered = renderSlackMessage(message);
    const text = (rendered.blocks[0] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(fitted.more).toBeGreaterThan(0);
    expect(fitted.shown + fitted.more).toBe(192);
    expect(text).toContain(`${fitted.more} more: the whole table is attached as rdns-status.csv`);
    expect(text.match(/ · FAIL /g)).toHaveLength(fitted.shown);
  });

  it("Slack: problem codes as inline code, underscores intact (searchable, pasteable), the rest escaped", () => {
    const hostile = row("203.0.113.7", {
      ptr: ["<!channel>_x_.example.test"],
      problems: ["BROKEN_PAIR", "NO_PTR"],
    });
    const text = fitSlackStatus(planStatus([hostile], helos, null)).lines.join("\n");
    expect(text).toContain("FAIL `BROKEN_PAIR` `NO_PTR` · since");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt;\u02cdx\u02cd.example.test");
  });

  it("Discord: one embed within 4,096 characters with the CSV attached when cut, none when it fits", () => {
    const [payload] = renderMessage(message);
    expect((payload?.embeds[0]?.description ?? "").length).toBeLessThanOrEqual(4096);
    expect(payload?.files?.map((file) => [file.name, file.data.toString("utf8")])).toEqual([
      ["rdns-status.csv", message.attachment.content],
    ]);
    const small = planStatus(many.slice(0, 3), helos, null);
    expect(renderMessage(small)[0]?.files).toBeUndefined();
  });

  it("console: every row (a terminal has no limit)", () => {
    expect(renderText(message).match(/ · FAIL /g)).toHaveLength(192);
  });

  it("a table that fits says no 'more'", () => {
    const fitted = fitStatus(planStatus(many.slice(0, 3), helos, null), (line) => line, 3000);
    expect(fitted.more).toBe(0);
    expect(fitted.lines.join("\n")).not.toContain("more:");
  });
});

describe("paused watches (pure decisions)", () => {
  it(`pauses at the ${PAUSE_AFTER_FAILURES}rd failure in a row, once`, () => {
    expect(shouldPause({ failures: PAUSE_AFTER_FAILURES - 1, pausedAt: null })).toBe(false);
    expect(shouldPause({ failures: PAUSE_AFTER_FAILURES, pausedAt: null })).toBe(true);
    expect(shouldPause({ failures: PAUSE_AFTER_FAILURES + 1, pausedAt: "2026-12-01T00:00:00.000Z" })).toBe(
      false,
    );
  });

  it("runs while not paused, skips while paused, removes after 7 days paused", () => {
    const pausedAt = "2026-12-01T00:00:00.000Z";
    expect(watchRunGate({ failures: 2, pausedAt: null }, new Date("2026-12-09T00:00:00.000Z"))).toBe("run");
    expect(watchRunGate({ failures: 3, pausedAt }, new Date("2026-12-07T23:59:59.000Z"))).toBe("paused");
    expect(watchRunGate({ failures: 3, pausedAt }, new Date("2026-12-08T00:00:00.000Z"))).toBe("remove");
  });
});

describe("watchChange with a HELO", () => {
  const state = (problems: string[]) => ({
    verdict: "pass" as const,
    names: ["mail.example.test"],
    problems,
  });
  it("a HELO problem appearing or going away is a change even when the verdict stays", () => {
    expect(watchChange(state([]), state(["HELO_MISMATCH"]))).toBe("helo-broke");
    expect(watchChange(state(["HELO_MISMATCH"]), state([]))).toBe("helo-recovered");
    expect(watchChange(state(["HELO_MISMATCH"]), state(["HELO_MISMATCH", "MULTIPLE_PTR"]))).toBeNull();
  });
});

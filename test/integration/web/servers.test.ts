// The servers page's API, CSV, one-address page and token gate over a real socket, with watches
// in the real Redis and every row's data from real checks against the DNS lab.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CheckReport } from "../../../src/check/types.js";
import { HISTORY_LIMIT, readHistory } from "../../../src/store/history.js";
import { compareAndSetWatchState, readWatchState } from "../../../src/store/watch-states.js";
import type { RunningWebServer } from "../../../src/web/server.js";
import { connectLab } from "../../lab/lab.js";
import { CASES, HOSTILE_NAME } from "../../lab/zones.js";
import { webFixture } from "./support.js";

const RANGE = ["203.0.113.16", "203.0.113.17", "203.0.113.18", "203.0.113.19"]; // 203.0.113.16/30
const CHANGING = "192.0.2.62"; // PTR ptr62.example.test at start (test/lab/README.md)
const TOKEN = "web-test-token-0123456789";
const FIELDS = [
  "blocklists",
  "channel",
  "checkedAt",
  "everySeconds",
  "fcrdns",
  "helo",
  "ip",
  "mutedUntil",
  "owner",
  "paused",
  "problems",
  "ptr",
  "since",
  "verdict",
  "watch",
];

describe("servers page API", () => {
  const fixture = webFixture("web-api");
  const control = connectLab(inject("lab"));
  const reports = new Map<string, CheckReport>();
  let open: RunningWebServer;
  let locked: RunningWebServer;

  beforeAll(async () => {
    await fixture.watch("console:C-web", "203.0.113.16/30", RANGE);
    await fixture.watch("slack:C-other", CASES.hostile, [CASES.hostile]);
    await fixture.watch("slack:C-other", CASES.servfail, [CASES.servfail]);
    await fixture.watch("slack:C-other", "203.0.113.30", ["203.0.113.30"]); // never checked
    for (const ip of [...RANGE, CASES.hostile, CASES.servfail]) reports.set(ip, await fixture.check(ip));
    open = await fixture.serve();
    locked = await fixture.serve({ token: TOKEN });
  });
  afterAll(async () => {
    await control.setPtr(CHANGING, "ptr62.example.test");
    await fixture.close();
  });

  it("GET /api/servers: one row per watched address, grouped by channel and watch, as the checks said", async () => {
    const response = await fetch(`${open.url}/api/servers`);
    expect(response.status).toBe(200);
    const rows = (await response.json()) as Record<string, unknown>[];
    expect(rows.map((row) => `${row.channel} ${row.watch} ${row.ip}`)).toEqual([
      ...RANGE.map((ip) => `console:C-web 203.0.113.16/30 ${ip}`),
      `slack:C-other ${CASES.hostile} ${CASES.hostile}`,
      `slack:C-other ${CASES.servfail} ${CASES.servfail}`,
      "slack:C-other 203.0.113.30 203.0.113.30",
    ]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(FIELDS);
      const report = reports.get(String(row.ip));
      if (report === undefined) {
        expect(row).toMatchObject({ verdict: "pending", ptr: [], since: null, checkedAt: null });
        continue;
      }
      expect(row.verdict).toBe(report.verdict);
      expect(row.ptr).toEqual(report.ptr.names);
      expect(row.fcrdns).toBe(report.fcrdns);
      expect(row.checkedAt).toBe(report.checkedAt);
      expect(row.problems).toEqual([...new Set(report.problems.map((problem) => problem.code))].sort());
      expect(row.helo).toBeNull();
      // A conclusive check starts the history; "could not tell" is not a state change.
      expect(row.since).toBe(report.verdict === "inconclusive" ? null : report.checkedAt);
    }
    const byIp = new Map(rows.map((row) => [row.ip, row]));
    expect(byIp.get("203.0.113.19")).toMatchObject({ verdict: "fail", problems: ["NO_PTR"] });
    expect(byIp.get(CASES.hostile)).toMatchObject({ ptr: [HOSTILE_NAME], verdict: "pass" });
    expect(byIp.get(CASES.servfail)).toMatchObject({ verdict: "inconclusive" });
  });

  it("GET /servers.csv: the same rows", async () => {
    const response = await fetch(`${open.url}/servers.csv`);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + RANGE.length + 3);
    expect(lines.find((line) => line.startsWith("203.0.113.19,"))).toMatch(/,fail,NO_PTR,/);
  });

  it("GET /servers/<ip>: the report as rdns check prints it, and its history; 400 and 404 in one line", async () => {
    const page = await (await fetch(`${open.url}/servers/203.0.113.19`)).text();
    expect(page).toContain("NO_PTR");
    expect(page).toContain("console:C-web");
    expect(page).toContain('<pre class="report">FAIL');
    const hostile = await (await fetch(`${open.url}/servers/${CASES.hostile}`)).text();
    expect(hostile).not.toContain("<img");
    expect(hostile).toContain(
      "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;.hostile.example.test",
    );
    const bad = await fetch(`${open.url}/servers/not-an-ip`);
    expect(bad.status).toBe(400);
    expect((await bad.text()).trim().split("\n")).toHaveLength(1);
    expect((await fetch(`${open.url}/servers/203.0.113.250`)).status).toBe(404);
  });

  it("keeps each change in the history and moves 'since' with it; the first sight and unchanged checks add nothing", async () => {
    await fixture.watch("console:C-web", CHANGING, [CHANGING]);
    const first = await fixture.check(CHANGING);
    await fixture.check(CHANGING); // the same state again
    await control.setRecord("new62.example.test", "A", CHANGING, { replace: true });
    await control.setPtr(CHANGING, "new62.example.test");
    let second = await fixture.check(CHANGING);
    const deadline = Date.now() + 15_000; // the resolver's cached PTR lives 5 s
    while (second.ptr.names[0] !== "new62.example.test") {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 500));
      second = await fixture.check(CHANGING);
    }
    const history = await readHistory(fixture.redis, fixture.keys, "console:C-web", CHANGING);
    expect(first.ptr.names).toEqual(["ptr62.example.test"]);
    expect(history.map((entry) => [entry.at, entry.verdict, entry.names])).toEqual([
      [second.checkedAt, "pass", ["new62.example.test"]],
    ]);
    const rows = (await (await fetch(`${open.url}/api/servers`)).json()) as { ip: string; since: string }[];
    expect(rows.find((row) => row.ip === CHANGING)?.since).toBe(second.checkedAt);
  });

  it(`keeps the newest ${HISTORY_LIMIT} changes, appended with the state in one script`, async () => {
    const ip = "203.0.113.30";
    for (let n = 0; n < HISTORY_LIMIT + 5; n++) {
      const { text } = await readWatchState(fixture.redis, fixture.keys, "slack:C-other", ip);
      const at = new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
      const verdict: "pass" | "fail" = n % 2 === 0 ? "pass" : "fail";
      const state = { verdict, names: [], problems: [], since: at, checkedAt: at };
      const entry = { at, verdict, names: [], problems: [] };
      expect(
        await compareAndSetWatchState(fixture.redis, fixture.keys, "slack:C-other", ip, text, state, entry),
      ).toBe(true);
    }
    // A stale compare-and-set writes neither the state nor a history entry.
    const stale = { at: "2027-01-01T00:00:00.000Z", verdict: "pass" as const, names: [], problems: [] };
    expect(
      await compareAndSetWatchState(
        fixture.redis,
        fixture.keys,
        "slack:C-other",
        ip,
        "{}",
        { ...stale },
        stale,
      ),
    ).toBe(false);
    const history = await readHistory(fixture.redis, fixture.keys, "slack:C-other", ip);
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]?.at).toBe(new Date(Date.UTC(2026, 0, 1, 0, 5)).toISOString());
    expect(history.at(-1)?.at).toBe(new Date(Date.UTC(2026, 0, 1, 0, HISTORY_LIMIT + 4)).toISOString());
  });

  it("with WEB_TOKEN: 401 and nothing else without it; bearer, ?token= then cookie; /healthz open", async () => {
    for (const path of ["/", "/api/servers", "/servers.csv", "/servers/203.0.113.19", "/assets/servers.js"]) {
      const denied = await fetch(`${locked.url}${path}`);
      expect(denied.status, path).toBe(401);
      expect(await denied.text()).toBe("401 Unauthorized\n");
    }
    expect((await fetch(`${locked.url}/healthz`)).status).toBe(200);
    const bearer = await fetch(`${locked.url}/api/servers`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    const wrong = await fetch(`${locked.url}/api/servers`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
    const once = await fetch(`${locked.url}/?token=${TOKEN}`, { redirect: "manual" });
    expect(once.status).toBe(303);
    expect(once.headers.get("location")).toBe("/");
    const cookie = (once.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const page = await fetch(`${locked.url}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
  });
});

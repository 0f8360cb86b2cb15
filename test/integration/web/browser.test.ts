// The servers page in a real browser (Debian's Chromium through puppeteer-core) against the real
// server, Redis and DNS lab: rows and badges, sorting, filtering, the refresh that keeps both,
// the token flow, a phone-sized screen, and a PTR name holding markup that must stay text.
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../../src/web/server.js";
import { CASES, HOSTILE_NAME } from "../../lab/zones.js";
import { type Chromium, launchChromium } from "../../support/chromium.js";
import { webFixture } from "./support.js";

// The callbacks given to page.evaluate and friends run inside Chromium; the project's TypeScript
// has Node's types only, so the few browser globals they use are declared here.
declare const document: any;
declare const window: { violations: string[] };
declare function getComputedStyle(element: unknown): { display: string };

const RANGE = ["203.0.113.16", "203.0.113.17", "203.0.113.18", "203.0.113.19"];
const TOKEN = "browser-test-token-0123456789";
const LABELS: Record<string, string> = {
  pass: "PASS",
  fail: "FAIL",
  inconclusive: "COULD NOT TELL",
  pending: "PENDING",
};

/** What the page shows, row by row, for the visible rows. */
function visibleRows(page: Page) {
  return page.$$eval("#servers tr.row", (rows) =>
    rows
      .filter(
        (row) => !(row as { hidden?: boolean }).hidden && !(row.parentElement as { hidden?: boolean }).hidden,
      )
      .map((row) => ({
        ip: row.querySelector("td a")?.textContent ?? "",
        watch: row.querySelector("td .detail")?.textContent ?? "",
        ptr: row.querySelectorAll("td")[1]?.textContent ?? "",
        badge: row.querySelector(".badge")?.textContent ?? "",
        group: (row.parentElement?.previousElementSibling?.textContent ?? "").trim(),
      })),
  );
}

describe("servers page in Chromium", () => {
  const fixture = webFixture("web-browser");
  let chromium: Chromium;
  let open: RunningWebServer;
  let refreshing: RunningWebServer;
  let locked: RunningWebServer;
  const dialogs: string[] = [];

  beforeAll(async () => {
    await fixture.watch("console:C-web", "203.0.113.16/30", RANGE);
    await fixture.watch("slack:C-other", CASES.hostile, [CASES.hostile]);
    await fixture.watch("slack:C-other", CASES.servfail, [CASES.servfail]);
    await fixture.watch("slack:C-other", CASES.pass, [CASES.pass]);
    for (const ip of [...RANGE, CASES.hostile, CASES.servfail, CASES.pass]) await fixture.check(ip);
    open = await fixture.serve();
    refreshing = await fixture.serve({ refreshSeconds: 1 });
    locked = await fixture.serve({ token: TOKEN });
    chromium = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await fixture.close();
  });

  async function newPage(): Promise<Page> {
    const page = await chromium.browser.newPage();
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    // Any CSP violation means markup got through escaping and only the policy stopped it.
    await page.evaluateOnNewDocument(() => {
      window.violations = [];
      document.addEventListener("securitypolicyviolation", (event: { violatedDirective: string }) =>
        window.violations.push(event.violatedDirective),
      );
    });
    return page;
  }

  it("shows every watched address with its verdict badge in words, grouped by channel", async () => {
    const page = await newPage();
    await page.goto(`${open.url}/`);
    const api = (await (await fetch(`${open.url}/api/servers`)).json()) as { ip: string; verdict: string }[];
    const rows = await visibleRows(page);
    expect(rows.map((row) => row.ip)).toEqual(api.map((row) => row.ip));
    for (const [index, row] of rows.entries()) expect(row.badge).toBe(LABELS[api[index]?.verdict ?? ""]);
    expect(rows.map((row) => row.badge)).toEqual(expect.arrayContaining(["PASS", "FAIL", "COULD NOT TELL"]));
    expect(rows[0]?.group).toMatch(/console:C-web\s+1 watch, 4 addresses/);
    expect(rows[0]?.watch).toBe("watch 203.0.113.16/30");
    expect(rows.at(-1)?.group).toMatch(/slack:C-other\s+3 watches, 3 addresses/);
    await page.close();
  });

  it("shows a PTR name holding markup as text: no element made of it, no script run", async () => {
    const page = await newPage();
    await page.goto(`${open.url}/`);
    const hostile = (await visibleRows(page)).find((row) => row.ip === CASES.hostile);
    expect(hostile?.ptr).toContain(HOSTILE_NAME);
    expect(await page.$$eval("img", (images) => images.length)).toBe(0);
    await page.goto(`${open.url}/servers/${CASES.hostile}`);
    expect(await page.$eval("pre.report", (pre) => pre.textContent)).toContain(HOSTILE_NAME);
    expect(await page.$$eval("img", (images) => images.length)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300)); // an onerror would have fired by now
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => window.violations)).toEqual([]);
    await page.close();
  });

  it("sorts by a column within each group, both ways, and filters across groups", async () => {
    const page = await newPage();
    await page.goto(`${open.url}/`);
    const ipHeader = '#servers th[data-key="ip"] button';
    await page.click(ipHeader);
    expect(await page.$eval('#servers th[data-key="ip"]', (th) => th.getAttribute("aria-sort"))).toBe(
      "ascending",
    );
    await page.click(ipHeader);
    expect(await page.$eval('#servers th[data-key="ip"]', (th) => th.getAttribute("aria-sort"))).toBe(
      "descending",
    );
    const descending = (await visibleRows(page))
      .filter((row) => row.group.includes("C-web"))
      .map((row) => row.ip);
    expect(descending).toEqual([...RANGE].reverse());

    await page.click('#servers th[data-key="verdict"] button');
    expect(await page.$eval('#servers th[data-key="verdict"]', (th) => th.getAttribute("aria-sort"))).toBe(
      "ascending",
    );
    const byVerdict = (await visibleRows(page))
      .filter((row) => row.group.includes("C-other"))
      .map((row) => row.badge);
    expect(byVerdict).toEqual(["COULD NOT TELL", "PASS", "PASS"]);

    await page.type("#filter", "no_ptr");
    const filtered = await visibleRows(page);
    expect(filtered.map((row) => row.ip)).toEqual(["203.0.113.19"]);
    expect(await page.$eval("#filter-status", (status) => status.textContent)).toBe("1 of 7 shown");
    // The group with nothing left is hidden, heading and all.
    expect(
      await page.$$eval("tbody.group-head", (heads) => heads.filter((head) => !head.hidden).length),
    ).toBe(1);
    expect(page.url()).toMatch(/#sort=verdict&dir=asc&q=no_ptr$/);
    await page.close();
  });

  it("refreshes itself, keeping the sort and the filter", async () => {
    const page = await newPage();
    await page.goto(`${refreshing.url}/#sort=ip&dir=desc&q=c-web`);
    const before = (await visibleRows(page)).map((row) => row.ip);
    expect(before).toEqual([...RANGE].reverse());
    // A new watch appears in Redis; the next refresh (every 1 s in this test, 30 s by default) shows it.
    await fixture.watch("console:C-web", "203.0.113.13", ["203.0.113.13"]);
    await fixture.check("203.0.113.13");
    await page.waitForFunction(() => document.querySelectorAll("#servers tr.row").length === 8, {
      timeout: 15_000,
    });
    expect(Number(await page.$eval("body", (body) => body.dataset.refreshes))).toBeGreaterThan(0);
    const after = await visibleRows(page);
    expect(after.map((row) => row.ip)).toEqual([...RANGE].reverse().concat("203.0.113.13"));
    expect(await page.$eval("#filter", (input) => (input as { value?: string }).value)).toBe("c-web");
    expect(await page.$eval('#servers th[data-key="ip"]', (th) => th.getAttribute("aria-sort"))).toBe(
      "descending",
    );
    await page.close();
  });

  it("fits a phone's screen: each row a card, nothing wider than the screen", async () => {
    const page = await newPage();
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    await page.goto(`${open.url}/`);
    expect(await page.$eval("#servers tr.row", (row) => getComputedStyle(row).display)).toBe("block");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it("with WEB_TOKEN: 401 without it; ?token= once gives an HttpOnly cookie and a clean URL; bearer works", async () => {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    const denied = await page.goto(`${locked.url}/`);
    expect(denied?.status()).toBe(401);
    expect(await page.evaluate(() => document.body.innerText.trim())).toBe("401 Unauthorized");

    const opened = await page.goto(`${locked.url}/?token=${TOKEN}`);
    expect(opened?.status()).toBe(200);
    expect(page.url()).toBe(`${locked.url}/`);
    expect(await page.$$eval("#servers tr.row", (rows) => rows.length)).toBeGreaterThan(0);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "rdns_web", httpOnly: true, sameSite: "Strict" });
    expect(await page.evaluate(() => document.cookie)).toBe("");
    expect((await page.goto(`${locked.url}/servers/203.0.113.19`))?.status()).toBe(200);

    // From a link on another site (localhost is not the same site as 127.0.0.1).
    const elsewhere = await chromium.browser.createBrowserContext();
    const linkPage = await elsewhere.newPage();
    await linkPage.goto(`${locked.url.replace("127.0.0.1", "localhost")}/healthz`);
    await linkPage.evaluate((href) => {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = "open";
      document.body.append(link);
    }, `${locked.url}/?token=${TOKEN}`);
    await Promise.all([linkPage.waitForSelector("#servers", { timeout: 15_000 }), linkPage.click("a")]);
    expect(linkPage.url()).toBe(`${locked.url}/`);

    const bearerContext = await chromium.browser.createBrowserContext();
    const bearerPage = await bearerContext.newPage();
    await bearerPage.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN}` });
    expect((await bearerPage.goto(`${locked.url}/api/servers`))?.status()).toBe(200);
    await Promise.all([context.close(), elsewhere.close(), bearerContext.close()]);
  });
});

// Bull Board in a real browser (Debian's Chromium through puppeteer-core), on the servers page's
// server wired as `rdns serve` wires it (src/cli/serve.ts: the ops routes behind the page's own
// token check): it must render the queues at /admin/queues (the address the docs and the
// `?token=` redirect give) and at /admin/queues/, with the token as a cookie, and refuse without.
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues, type Queues } from "../../../src/queue/queues.js";
import { requireToken } from "../../../src/web/auth.js";
import { registerOps } from "../../../src/web/ops.js";
import { createOpsDeps, createRedisProbe } from "../../../src/web/ops-server.js";
import type { RunningWebServer } from "../../../src/web/server.js";
import { type Chromium, launchChromium } from "../../support/chromium.js";
import { labSettings, logger, REDIS_URL } from "../engine/support.js";
import { webFixture } from "./support.js";

declare const document: any;

const TOKEN = "admin-browser-token-0123456789";

describe("Bull Board in Chromium", () => {
  const fixture = webFixture("web-admin");
  const settings = { ...labSettings("web-admin"), prefix: fixture.prefix };
  const client = createRedis(REDIS_URL, "client");
  const probe = createRedisProbe(REDIS_URL);
  let queues: Queues;
  let server: RunningWebServer;
  let chromium: Chromium;

  beforeAll(async () => {
    queues = createQueues(client, settings);
    await queues.check.add("command", { ip: "203.0.113.10" } as never, {
      jobId: "admin-browser-1",
      delay: 3_600_000,
    });
    const deps = createOpsDeps(
      {
        config: { redis: { kind: "url", url: REDIS_URL }, WEB_TOKEN: TOKEN, ADMIN_WRITE: false },
        prefix: settings.prefix,
        queues,
        logger,
      },
      probe,
    );
    server = await fixture.serve({
      token: TOKEN,
      extend: (app) =>
        registerOps(app, { ...deps, healthz: false, admin: { ...deps.admin, access: requireToken(TOKEN) } }),
    });
    chromium = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await chromium?.close();
    await queues?.close();
    client.disconnect();
    probe.disconnect();
    await fixture.close();
  });

  /** A page that records what the browser could not load and what the CSP refused. */
  async function watchedPage(page: Page) {
    const failed: string[] = [];
    const refused: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    // Chromium names the directive that refused something: "... violates the following Content
    // Security Policy directive 'style-src 'self''".
    page.on("console", (message) => {
      const directive = /Content Security Policy directive '([\w-]+)/i.exec(message.text())?.[1];
      if (directive !== undefined) refused.push(directive);
    });
    return { failed, refused };
  }

  async function queueNames(page: Page): Promise<string> {
    await page.waitForFunction(() => document.body.innerText.includes("delivery-console"), {
      timeout: 20_000,
    });
    return page.evaluate(() => document.body.innerText as string);
  }

  it("renders the queues at /admin/queues after ?token=, and at /admin/queues/ with the cookie", async () => {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    const seen = await watchedPage(page);
    const opened = await page.goto(`${server.url}/admin/queues?token=${TOKEN}`);
    expect(opened?.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}/admin/queues`);
    const text = await queueNames(page);
    for (const name of ["check", "watch", "delivery-console", "delivery-slack"]) expect(text).toContain(name);
    expect(text).not.toMatch(/^\s*Loading\s*$/);

    const slash = await page.goto(`${server.url}/admin/queues/`);
    expect(slash?.status()).toBe(200);
    expect(await queueNames(page)).toContain("delivery-discord");
    expect(seen.failed).toEqual([]);
    // The board's scripts, <base> and API calls were allowed; the policy refuses only styles:
    // the inline ones of its "Loading" placeholder and Google's font stylesheet.
    expect(seen.refused.filter((directive) => directive !== "style-src")).toEqual([]);
    await context.close();
  });

  it("opens a queue's own page and reloads it (a deeper address than /admin/queues/)", async () => {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    const seen = await watchedPage(page);
    await page.goto(`${server.url}/admin/queues?token=${TOKEN}`);
    await queueNames(page);
    const deep = await page.goto(`${server.url}/admin/queues/queue/check?status=delayed`);
    expect(deep?.status()).toBe(200);
    await page.waitForFunction(() => document.body.innerText.includes("admin-browser-1"), {
      timeout: 20_000,
    });
    expect(seen.failed).toEqual([]);
    await context.close();
  });

  it("refuses without the token (401 and nothing of the board), at both addresses and for its API", async () => {
    const context = await chromium.browser.createBrowserContext();
    const page = await context.newPage();
    for (const path of ["/admin/queues", "/admin/queues/", "/admin/queues/api/queues"]) {
      const denied = await page.goto(`${server.url}${path}`);
      expect(denied?.status()).toBe(401);
      expect(await page.evaluate(() => document.body.innerText.trim())).toBe("401 Unauthorized");
    }
    const wrong = await page.goto(`${server.url}/admin/queues?token=wrong-${TOKEN}`);
    expect(wrong?.status()).toBe(401);
    await context.close();
  });

  it("keeps the servers page's own policy strict (no <base> allowed there)", async () => {
    const response = await fetch(`${server.url}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.headers.get("content-security-policy")).toMatch(/base-uri 'none'/);
    const admin = await fetch(`${server.url}/admin/queues`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(admin.headers.get("content-security-policy")).toMatch(/base-uri 'self'/);
    expect(admin.headers.get("content-security-policy")).toMatch(/script-src 'self'(;|$)/);
  });
});

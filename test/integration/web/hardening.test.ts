// Web details over a real socket: the token cookie is Secure behind a trusted TLS proxy and never
// on a client's word alone; /servers.csv writes bidi and control characters out as the page does,
// and still defuses formulas.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { saveLastReport } from "../../../src/store/reports.js";
import { claimWatchStates } from "../../../workers/check.js";
import { webFixture } from "./support.js";

const TOKEN = "web-hardening-token-0123456789";
const HTTPS = { "x-forwarded-proto": "https" };

async function cookieFor(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(`${url}/?token=${TOKEN}`, { headers, redirect: "manual" });
  expect(response.status).toBe(303);
  return response.headers.get("set-cookie") ?? "";
}

describe("the token cookie and TRUST_PROXY", () => {
  const fixture = webFixture("web-hardening-cookie");
  afterAll(() => fixture.close());

  it("is Secure when a trusted proxy says https, and not otherwise", async () => {
    const trusted = await fixture.serve({ token: TOKEN, trustProxy: true });
    expect(await cookieFor(trusted.url, HTTPS)).toMatch(/; Secure/);
    expect(await cookieFor(trusted.url, {})).not.toMatch(/Secure/);
    // Loopback only: the proxy's address is trusted, so is its header.
    const listed = await fixture.serve({ token: TOKEN, trustProxy: ["127.0.0.1"] });
    expect(await cookieFor(listed.url, HTTPS)).toMatch(/; Secure/);
    const elsewhere = await fixture.serve({ token: TOKEN, trustProxy: ["192.0.2.1"] });
    expect(await cookieFor(elsewhere.url, HTTPS)).not.toMatch(/Secure/);
    // Without TRUST_PROXY the header is anyone's claim: ignored.
    const direct = await fixture.serve({ token: TOKEN });
    expect(await cookieFor(direct.url, HTTPS)).not.toMatch(/Secure/);
    expect(await cookieFor(direct.url, {})).toMatch(/HttpOnly; SameSite=Strict/);
  });
});

describe("/servers.csv and invisible characters", () => {
  const fixture = webFixture("web-hardening-csv");
  afterAll(() => fixture.close());

  it("writes bidi and control characters out, and keeps formulas defused", async () => {
    const ip = "203.0.113.19";
    await fixture.watch("console:C-csv", ip, [ip]);
    const report = await fixture.check(ip);
    // As a hostile zone could publish: a formula, a right-to-left override, a bell, a newline.
    const hostile = {
      ...report,
      ptr: { ...report.ptr, names: ["=cmd\u202egro.elpmaxe\u0007.test\nx"] },
      checkedAt: new Date(Date.now() + 1000).toISOString(),
    };
    await saveLastReport(fixture.redis, fixture.keys, hostile, 3600);
    await claimWatchStates(fixture.redis, fixture.keys, `job-${randomUUID()}`, hostile);
    const server = await fixture.serve();
    const csv = await (await fetch(`${server.url}/servers.csv`)).text();
    const row = csv.split("\r\n").find((line) => line.startsWith(`${ip},`)) ?? "";
    expect(row).toContain("'=cmd\\u202egro.elpmaxe\\x07.test\\nx");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the raw controls are what must not appear
    expect(csv).not.toMatch(/[\u202e\u0007]/);
    // The page shows the same name the same way.
    const page = await (await fetch(`${server.url}/servers/${ip}`)).text();
    expect(page).toContain("\\u202e");
    expect(page).not.toContain("\u202e");
  });
});

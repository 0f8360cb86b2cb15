// Issue 28 point 1 on the servers page: a watched address whose PTR name resolves inside a network
// (test/lab/zones.ts PRIVATE_NAMES: 127.0.0.1, 10.1.2.3, 169.254.169.254) is shown on the page,
// its own page, /api/servers and /servers.csv without those addresses; a report made with
// SHOW_PRIVATE_ADDRESSES shows them. Real Redis, checks against the DNS lab recorded as the check
// worker records them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWebServer } from "../../../src/web/server.js";
import { CASES, PRIVATE_NAMES } from "../../lab/zones.js";
import { webFixture } from "./support.js";

const INSIDE = ["10.1.2.3", "169.254.169.254"];
/** 127.0.0.1 other than the lab's own servers ("127.0.0.1:<port>", configured, shown as such). */
const LOOPBACK = /127\.0\.0\.1(?!:\d)/;

function leaked(text: string): string[] {
  return [
    ...INSIDE.filter((address) => text.includes(address)),
    ...(LOOPBACK.test(text) ? ["127.0.0.1"] : []),
  ];
}

describe("the servers page names inside addresses, never shows them", () => {
  const fixture = webFixture("web-private-addresses");
  let open: RunningWebServer;

  beforeAll(async () => {
    await fixture.watch("console:C-inside", CASES.privateForward, [CASES.privateForward]);
    await fixture.watch("console:C-inside", CASES.pass, [CASES.pass]);
    const broken = await fixture.check(CASES.privateForward);
    expect(broken.verdict).toBe("fail");
    // The watched HELO-less pass, and a one-off check with a HELO resolving inside as its last report.
    await fixture.check(CASES.pass, { helo: PRIVATE_NAMES.inside });
    open = await fixture.serve();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it("the page, each address's page, /api/servers and /servers.csv", async () => {
    for (const path of [
      "/",
      `/servers/${CASES.privateForward}`,
      `/servers/${CASES.pass}`,
      "/api/servers",
      "/servers.csv",
    ]) {
      const response = await fetch(`${open.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(leaked(await response.text()), path).toEqual([]);
    }
    const detail = await (await fetch(`${open.url}/servers/${CASES.privateForward}`)).text();
    expect(detail).toContain(`${PRIVATE_NAMES.inside} -&gt; 3 private addresses`);
    const helo = await (await fetch(`${open.url}/servers/${CASES.pass}`)).text();
    expect(helo).toContain(`HELO ${PRIVATE_NAMES.inside} resolves to 3 private addresses`);
  });

  it("a report made with SHOW_PRIVATE_ADDRESSES shows them on the address's page", async () => {
    await fixture.check(CASES.privateForward, { showPrivateAddresses: true });
    const detail = await (await fetch(`${open.url}/servers/${CASES.privateForward}`)).text();
    expect(leaked(detail).sort()).toEqual(["10.1.2.3", "127.0.0.1", "169.254.169.254"]);
  });
});

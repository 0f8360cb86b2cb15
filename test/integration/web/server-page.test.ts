// GET /servers/<ip> shows a watch's state and the address's latest report as two labelled things:
// a one-off check with a bad HELO is the latest report, and the watch (which has no HELO) still
// passes. Real Redis, checks against the DNS lab recorded as the check worker records them.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import type { RunningWebServer } from "../../../src/web/server.js";
import { claimWatchStates } from "../../../workers/check.js";
import { CASES, HELOS } from "../../lab/zones.js";
import { webFixture } from "./support.js";

const IP = CASES.pass; // passes with no HELO; fails with a HELO that does not resolve

/** The text of the page's <section> whose heading is `heading`, tags stripped. */
function section(page: string, heading: string): string {
  const start = page.indexOf(`<h2>${heading}</h2>`);
  if (start < 0) return "";
  const end = page.indexOf("</section>", start);
  return page
    .slice(start, end)
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

describe("the one-address page", () => {
  const fixture = webFixture("web-server-page");
  const lab = inject("lab");
  let open: RunningWebServer;

  beforeAll(async () => {
    await fixture.watch("console:C-page", IP, [IP]);
    await fixture.check(IP); // the watch's own check: no HELO, passes
    // Someone's one-off `/rdns <ip> <helo>` with a HELO that does not resolve, recorded as the
    // check worker records it.
    const oneOff = await runCheck({
      ip: IP,
      helo: HELOS.unresolvable,
      resolvers: [lab.resolver],
      authorities: [lab.authority],
      timeoutMs: 1000,
    });
    expect(oneOff.verdict).toBe("fail");
    await claimWatchStates(fixture.redis, fixture.keys, `job-${randomUUID()}`, oneOff);
    open = await fixture.serve();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it("labels the watch's state and the latest one-off report apart, each with its own verdict", async () => {
    const page = await (await fetch(`${open.url}/servers/${IP}`)).text();
    const state = section(page, "Watch state");
    expect(state).toContain("console:C-page");
    expect(state).toContain("PASS");
    expect(state).not.toContain("FAIL");
    const latest = section(page, "Latest report (any check)");
    expect(latest).toContain(`with HELO ${HELOS.unresolvable}`);
    expect(latest).toContain("FAIL");
    // No verdict in the heading: it would speak for one of the two and contradict the other.
    expect(page).toMatch(new RegExp(`<h1>${IP.replace(/\./g, "\\.")}</h1>`));
  });
});

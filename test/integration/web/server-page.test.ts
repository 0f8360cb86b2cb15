// GET /servers/<ip> shows a watch's state and the address's latest report as two labelled things:
// a one-off check with a bad HELO is the latest report, and the watch (which has no HELO) still
// passes. Real Redis, checks against the DNS lab recorded as the check worker records them.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import type { RunningWebServer } from "../../../src/web/server.js";
import { claimWatchStates } from "../../../workers/check.js";
import { CASES, HELOS } from "../../lab/zones.js";
import { REDIS_URL } from "../engine/support.js";
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

describe("the one-address page reads only that address", () => {
  const fixture = webFixture("web-server-page-reads");
  let open: RunningWebServer;
  let monitor: Redis;
  const seen: string[][] = [];

  beforeAll(async () => {
    await fixture.watch("console:C-one", IP, [IP]);
    // Another channel's range watch, with a state for each of its addresses: the page about IP
    // must not read it.
    const range = Array.from({ length: 64 }, (_, i) => `203.0.113.${128 + i}`);
    await fixture.watch("console:C-other", "203.0.113.128/26", range);
    await fixture.redis.hset(
      fixture.keys.watchState("console:C-other"),
      Object.fromEntries(range.map((ip) => [ip, "{}"])),
    );
    await fixture.check(IP);
    open = await fixture.serve();
    monitor = await new Redis(REDIS_URL).monitor();
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((arg) => arg.includes(fixture.prefix))) seen.push(args);
    });
  });
  afterAll(async () => {
    monitor?.disconnect();
    await fixture.close();
  });

  it("touches no other channel's watches or states, and reads no whole watch list or state hash", async () => {
    const response = await fetch(`${open.url}/servers/${IP}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("console:C-one");
    // MONITOR reports commands in order: once this marker shows, the page's commands have too.
    const marker = `${fixture.prefix}:marker`;
    await fixture.redis.get(marker);
    for (let wait = 0; !seen.some((args) => args.includes(marker)) && wait < 500; wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const page = seen.slice(
      0,
      seen.findIndex((args) => args.includes(marker)),
    );
    expect(page.length).toBeGreaterThan(0);
    expect(page.filter((args) => args.some((arg) => arg.includes("C-other")))).toEqual([]);
    // Whole hashes: only the one channel's delivery health (two fields), never a watch list or a
    // state hash, which grow with the addresses watched.
    const whole = page.filter((args) => args[0]?.toLowerCase() === "hgetall").map((args) => args[1]);
    expect(whole).toEqual([fixture.keys.channelHealth("console:C-one")]);
  });
});

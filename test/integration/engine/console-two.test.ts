// Two consoles on one Redis and one QUEUE_PREFIX (`npm start` in one terminal, the README's piped
// `rdns serve` in another): each terminal gets the answers to what was typed in it, never the
// other's. Each console process has its own delivery route (src/queue/delivery-routes.ts).
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { storeKeys } from "../../../src/keys.js";
import { createConsolePlatform } from "../../../src/platforms/console/index.js";
import { ROUTE_TTL_MS } from "../../../src/queue/delivery-routes.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, keysMatching, labSettings, startLabRuntime, testRedis } from "./support.js";

function terminal(session: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  const seen = { text: "" };
  output.on("data", (chunk: Buffer) => {
    seen.text += chunk.toString();
  });
  return { input, seen, session, platform: createConsolePlatform({ input, output, session }) };
}

async function until(what: string, probe: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The thread addresses a terminal printed anything under. */
const addresses = (text: string) => new Set([...text.matchAll(/\[(console:[^\]]+)\]/g)].map((m) => m[1]));

describe("two consoles on one prefix", () => {
  const settings = labSettings("console-two", { dedupWindowMs: 30_000 });
  const runtimes: Runtime[] = [];

  afterAll(async () => {
    await Promise.allSettled(runtimes.map((runtime) => runtime.stop()));
    await cleanupPrefix(settings.prefix);
  });

  it("each terminal prints the answers to its own questions, and only those", async () => {
    const a = terminal("aaa111");
    const b = terminal("bbb222");
    runtimes.push(await startLabRuntime(settings, [a.platform]));
    runtimes.push(await startLabRuntime(settings, [b.platform]));
    // Three threads each, the same check (so they share one DNS check and its answer): six
    // threads' verdicts and reports on one Redis, two delivery workers taking jobs.
    const ask = "/rdns 203.0.113.10 mail.example.test\n";
    for (let i = 0; i < 3; i++) {
      a.input.write(ask);
      b.input.write(ask);
    }
    for (const t of [a, b]) {
      for (let n = 1; n <= 3; n++) {
        const thread = `console:main:${t.session}-${n}`;
        await until(`${thread}'s answer in its own terminal`, () =>
          t.seen.text.includes(`[${thread}] \u21b3 PASS: 203.0.113.10`),
        );
        await until(`${thread}'s verdict in its own terminal`, () =>
          t.seen.text.includes(`[${thread}] (updated) PASS`),
        );
      }
    }
    expect([...addresses(a.seen.text)].every((address) => address?.includes(":aaa111-"))).toBe(true);
    expect([...addresses(b.seen.text)].every((address) => address?.includes(":bbb222-"))).toBe(true);
  });

  it("refuses a second console with the same session on the prefix, naming QUEUE_PREFIX", async () => {
    const again = terminal("aaa111");
    await expect(startLabRuntime(settings, [again.platform])).rejects.toThrow(/QUEUE_PREFIX/);
  });

  it("lets go of its route when it stops: its queue is removed and later answers go to the shared one", async () => {
    const redis = testRedis();
    try {
      const routeKey = storeKeys(settings.prefix).deliveryRoute("console", "bbb222");
      expect(await redis.pttl(routeKey)).toBeGreaterThan(ROUTE_TTL_MS / 2);
      await runtimes.pop()?.stop();
      expect(await redis.exists(routeKey)).toBe(0);
      // Gone at once but for BullMQ's rate-limiter counter, which expires within its 1 s window.
      await expect
        .poll(() => keysMatching(redis, `${settings.prefix}:delivery-console-bbb222:*`), { timeout: 3000 })
        .toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

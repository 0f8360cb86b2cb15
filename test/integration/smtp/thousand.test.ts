// 1,000 connections at once to the engine's listener, each delivering one message to its own
// /rdns mailtest address (its own thread): every one is acknowledged and every thread gets its
// notice and its report queued; none is lost. In the timing project: it runs alone (vitest.config.ts).
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createMailTestAddress } from "../../../src/app/mailtest.js";
import { loadConfig } from "../../../src/config.js";
import type { Runtime } from "../../../src/runtime.js";
import {
  appContextOf,
  cleanupPrefix,
  labSettings,
  REDIS_URL,
  RecordingPlatform,
  startLabRuntime,
} from "../engine/support.js";
import { DOMAIN, sendRaw } from "./support.js";

/** Polls an async probe (queue counts) until it holds. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const COUNT = 1000;
let runtime: Runtime | null = null;
let prefix: string | null = null;

afterEach(async () => {
  await runtime?.stop();
  if (prefix !== null) await cleanupPrefix(prefix);
});

describe("the listener under 1,000 connections at once", () => {
  it("acknowledges every message, and every thread's notice and report is queued", async () => {
    const platform = new RecordingPlatform("console");
    const settings = { ...labSettings("mt-thousand"), checkConcurrency: 64 };
    prefix = settings.prefix;
    const config = loadConfig({
      REDIS_URL,
      SMTP_PORT: "0",
      SMTP_DOMAIN: DOMAIN,
      SMTP_MAX_CONNECTIONS_PER_IP: "5000",
    });
    runtime = await startLabRuntime(settings, [platform], { config });
    const ctx = { ...appContextOf(runtime, settings), mailtest: { domain: DOMAIN } };
    const addresses = await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        createMailTestAddress(
          ctx,
          DOMAIN,
          { platform: "console", channel: "C-load", thread: `test:C-load:t${i}`, parent: null },
          null,
        ),
      ),
    );
    const port = runtime.mailListener?.address.port ?? 0;
    const started = Date.now();
    const replies = await Promise.all(
      addresses.map(({ address }) =>
        sendRaw("127.0.0.1", port, address, `load-${randomUUID().slice(0, 8)}.example.test`),
      ),
    );
    const acknowledged = Date.now() - started;
    expect(replies.filter((reply) => reply.startsWith("250 2.0.0"))).toHaveLength(COUNT);
    // The 250 waited for the notice and the check to be queued: all 1,000 checks are in the
    // queue, each for its own thread. Then every check finishes and queues its report (the
    // delivery queue holds a notice and a report per thread); the chat posts from there as any
    // check's answer (the delivery worker's own tests), and as many as the time allows here.
    const checks = await runtime.queues.check.getJobs([
      "completed",
      "active",
      "waiting",
      "delayed",
      "prioritized",
    ]);
    expect(new Set(checks.map((job) => job.data.origins[0]?.thread)).size).toBe(COUNT);
    const deliveries = runtime.queues.delivery("console");
    await until(
      "every check done and its report queued",
      async () =>
        (await runtime?.queues.check.getJobCounts("completed"))?.completed === COUNT &&
        (await deliveries.count()) + ((await deliveries.getJobCounts("completed")).completed ?? 0) >=
          2 * COUNT,
      25_000,
    ).catch(async (error: Error) => {
      const counts = await runtime?.queues.check.getJobCounts();
      throw new Error(
        `${JSON.stringify(counts)} after ${Date.now() - started} ms (acknowledged in ${acknowledged} ms): ${error.message}`,
      );
    });
    const reported = new Set(
      platform.posted.filter((p) => p.message.kind === "report").map((p) => p.address),
    );
    expect(platform.posted.filter((p) => p.message.kind === "report")).toHaveLength(reported.size); // never twice
    console.log(
      `1,000 messages acknowledged in ${acknowledged} ms; every check done and its report queued at ${Date.now() - started} ms; ${reported.size} posted by then`,
    );
  }, 60_000);
});

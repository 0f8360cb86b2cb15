// Issue 29 item 4 against real servers and Redis: a watched address whose reverse zone's secondary
// (a real Knot, test/lab/secondary.ts) stops taking zone transfers. Checks are recorded the way
// the check and watch workers record them (workers/settle.ts), with the alert threshold at 1.5 s
// instead of 60 min (EngineSettings.authorityLagAlertMs): the thread hears the lag once, past
// the threshold, and once when the secondary caught up; the state records since when.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import type { CheckReport } from "../../../src/check/types.js";
import { storeKeys } from "../../../src/keys.js";
import type { DeliveryJob } from "../../../src/queue/jobs.js";
import { readWatchState } from "../../../src/store/watch-states.js";
import { addWatch } from "../../../src/store/watches.js";
import { settleWatchers } from "../../../workers/settle.js";
import { PAIR_IPS, pairHost, startZonePair, type ZonePair } from "../../lab/secondary.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "./support.js";

const IP = PAIR_IPS[6] as string;
const CHANNEL = "console:C-lag";
const ALERT_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a watch across a long lag of its zone's secondary", () => {
  const prefix = uniquePrefix("watchlag");
  const keys = storeKeys(prefix);
  let redis: Redis;
  let pair: ZonePair;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    pair = await startZonePair();
    const origin = {
      platform: "console" as const,
      channel: "C-lag",
      thread: "console:C-lag:t",
      parent: null,
    };
    const added = await addWatch(
      redis,
      keys,
      CHANNEL,
      { target: IP, ips: [IP], origin, user: "tester", createdAt: new Date().toISOString() },
      100,
    );
    expect(added.ok).toBe(true);
  });
  afterAll(async () => {
    await pair?.stop();
    await cleanupPrefix(prefix);
    redis?.disconnect();
  });

  /** One watch run's check of the address, settled as the watch worker settles it. */
  async function run(): Promise<{ report: CheckReport; notices: string[] }> {
    const report = await runCheck({
      ip: IP,
      resolvers: [pair.primary],
      authorities: [pair.primary, pair.secondary],
      timeoutMs: 1000,
    });
    const jobs: DeliveryJob[] = await settleWatchers(
      redis,
      keys,
      [{ report, jobId: `job-${randomUUID()}` }],
      { asker: "check", reportTtlSeconds: 3600, notice: { lagAlertMs: ALERT_MS } },
    );
    return {
      report,
      notices: jobs.flatMap((job) => (job.message.kind === "notice" ? [job.message.text] : [])),
    };
  }

  it("hears the lag once past the threshold, and its end", async () => {
    await pair.setPtr(IP, pairHost(IP));
    const serial = (await pair.serial(pair.primary)) as number;
    expect(await pair.waitForSerial(pair.secondary, serial)).toBe(true);
    expect((await run()).notices).toEqual([]); // the baseline: servers agree

    await pair.holdTransfers();
    await pair.removePtr(IP);
    const newest = (await pair.serial(pair.primary)) as number;
    const started = await run();
    expect(started.report.problems.map((problem) => problem.code)).toContain("AUTHORITY_LAG");
    expect(started.notices).toEqual([]);
    const state = (await readWatchState(redis, keys, CHANNEL, IP)).state;
    expect(state?.lag).toEqual({ since: started.report.checkedAt, alerted: false });

    await sleep(ALERT_MS + 200);
    const lasting = await run();
    expect(lasting.notices).toEqual([
      `${IP}: ${pair.secondary} has served serial ${serial} for under a minute while ${pair.primary} serves ${newest}: its zone transfers may be broken. Receivers whose resolvers ask it are told PTR ${pairHost(IP)}, fresh from it and not from a cache.`,
    ]);
    expect((await run()).notices).toEqual([]); // said once

    await pair.releaseTransfers();
    expect(await pair.waitForSerial(pair.secondary, newest)).toBe(true);
    const ended = await run();
    expect(ended.notices).toEqual([
      `${IP}: the reverse zone's name servers agree again (serial ${newest}), after under a minute of disagreement.`,
    ]);
    expect((await readWatchState(redis, keys, CHANNEL, IP)).state?.lag).toBeUndefined();
    expect((await run()).notices).toEqual([]);
  });
});

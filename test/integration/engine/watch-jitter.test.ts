// Watch runs spread over their interval (issue 10 item 6): watches made in the same second do not
// run in the same second. Read from BullMQ itself: each watch's job scheduler and the time of its
// next run, right after the watches are made, with no waiting for a run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWatchSchedulers } from "../../../src/app/watch-schedulers.js";
import { storeKeys } from "../../../src/keys.js";
import { watchRunSchedulerId } from "../../../src/queue/ids.js";
import { watchPhaseMs } from "../../../src/queue/watch-phase.js";
import { removeWatchRunScheduler } from "../../../src/queue/watch-schedulers.js";
import type { Runtime } from "../../../src/runtime.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const HOUR = 3_600_000;
const COUNT = 12;
/** Addresses with nothing in the lab's zones: each first run is a quick NXDOMAIN. */
const ips = Array.from({ length: COUNT }, (_, i) => `192.0.2.${200 + i}`);
/** One channel (and so one person) per watch: the per-user limit stays out of it. */
const channelOf = (i: number) => `C-jitter-${i}`;

describe("watch runs are spread over the interval", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watchjitter", { watchIntervalMs: HOUR });
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  const nextRuns = async () =>
    Promise.all(
      ips.map(async (ip, i) => {
        const scheduler = await runtime.queues.watch.getJobScheduler(
          watchRunSchedulerId(`console:${channelOf(i)}`, ip),
        );
        return Number(scheduler?.next);
      }),
    );

  it(`${COUNT} watches made in the same second get their scheduled runs spread over the hour`, async () => {
    const madeAt = Date.now();
    for (const [i, ip] of ips.entries()) {
      expect(await platform.command(["watch", ip], channelOf(i))).not.toBeNull();
    }
    const madeBy = Date.now();
    expect(madeBy - madeAt).toBeLessThan(1000);

    const next = await nextRuns();
    for (const [i, at] of next.entries()) {
      // On the watch's own phase of the hour, half an hour to an hour and a half from now.
      expect(at % HOUR).toBe(
        watchPhaseMs({ channel: `console:${channelOf(i)}`, target: ips[i] as string }, HOUR),
      );
      expect(at - madeAt).toBeGreaterThanOrEqual(HOUR / 2);
      expect(at - madeBy).toBeLessThan(HOUR + HOUR / 2);
    }
    // Before: every one of them at madeAt + 1 h, within the same second. Now no two share a
    // second (hashed phases: for 12 of them the closest pair is expected about 25 s apart), and
    // together they cover more than half the hour.
    const sorted = [...next].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((at, i) => at - (sorted[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThan(1000);
    expect((sorted.at(-1) as number) - (sorted[0] as number)).toBeGreaterThan(HOUR / 2);

    // A scheduler made again (a repair, or after its removal) lands on the same phase.
    const lost = { channel: `console:${channelOf(0)}`, target: ips[0] as string };
    await removeWatchRunScheduler(runtime.queues.watch, lost);
    expect(
      await runtime.queues.watch.getJobScheduler(watchRunSchedulerId(lost.channel, lost.target)),
    ).toBeUndefined();
    expect(await ensureWatchSchedulers({ ...runtime, keys, settings }, [lost])).toEqual([lost]);
    const again = (await nextRuns())[0] as number;
    expect(again % HOUR).toBe((next[0] as number) % HOUR);
  });
});

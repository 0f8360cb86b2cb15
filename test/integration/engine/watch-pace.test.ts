// Each watch its own pace (`/rdns watch <target> every <duration>`) and maintenance windows
// (`/rdns mute <target> <duration>`), through the console on the lab and Redis: the scheduler runs
// at the watch's own interval, and a muted watch's runs go on while its notices wait, summed up
// in its thread once when the window ends.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { storeKeys } from "../../../src/keys.js";
import { watchRunSchedulerId } from "../../../src/queue/ids.js";
import type { Runtime } from "../../../src/runtime.js";
import { getWatch } from "../../../src/store/watches.js";
import { connectLab } from "../../lab/lab.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

// Claimed in test/lab/README.md: no PTR in the zones; the test adds pace68's A and the PTR.
const IP = "192.0.2.68";
const NAME = "pace68.example.test";
const CHANNEL = "console:C-pace";

describe("a watch's own pace and its maintenance window", () => {
  const control = connectLab(inject("lab"));
  const platform = new RecordingPlatform("console");
  // Runs every second, unless a watch says otherwise.
  const settings = labSettings("watch-pace", { watchIntervalMs: 1000 });
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;

  beforeAll(async () => {
    await control.setRecord(NAME, "A", IP, { replace: true });
    await control.setPtr(IP, NAME);
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await control.removePtr(IP);
    await control.removeRecord(NAME);
    await cleanupPrefix(settings.prefix);
  });

  const everyOf = async (target: string) =>
    (await runtime.queues.watch.getJobSchedulers()).find(
      (scheduler) => scheduler.key === watchRunSchedulerId(CHANNEL, target),
    )?.every;
  const lastPrivate = () =>
    JSON.stringify(
      platform.posted.filter((p) => p.op === "private" && p.address === "C-pace").at(-1)?.message,
    );

  it("runs a watch at the interval it was given, and changes it when watched again", async () => {
    const target = "203.0.113.128/30";
    await platform.command(["watch", target, "every", "30m"], "C-pace");
    expect(await everyOf(target)).toBe(1_800_000);
    expect((await getWatch(runtime.redis, keys, CHANNEL, target))?.everyMs).toBe(1_800_000);
    await platform.command(["watch", target, "every", "2h"], "C-pace");
    expect(await everyOf(target)).toBe(7_200_000);
    expect(lastPrivate()).toContain("it is now checked every 2 h");
    await platform.command(["watches"], "C-pace");
    expect(lastPrivate()).toContain("203.0.113.128/30 (every 2 h)");
    await platform.command(["watch", target, "every", "1m"], "C-pace");
    expect(lastPrivate()).toContain("the duration must be between 5 min and 24 h");
    expect(await everyOf(target)).toBe(7_200_000);
    await platform.command(["unwatch", target], "C-pace");
  });

  it("holds a muted watch's notices while its runs go on, then sums them up once", async () => {
    const origin = await platform.command(["watch", IP], "C-pace");
    const thread = origin?.thread ?? "";
    await platform.waitFor(
      () => platform.in(thread).some((p) => p.message.kind === "watch-baseline"),
      15_000,
    );

    await platform.command(["mute", IP, "1h"], "C-pace");
    expect(JSON.stringify(platform.posted.at(-1)?.message)).toContain(`${IP} is muted for 1 h`);
    await platform.command(["watches"], "C-pace");
    expect(lastPrivate()).toMatch(new RegExp(`${IP.replace(/\./g, "\\.")} \\(muted until `));

    // It breaks while muted: the runs see it (its state and history), the thread hears nothing.
    await control.removePtr(IP);
    const stateKey = keys.watchState(CHANNEL);
    const deadline = Date.now() + 20_000;
    while (!((await runtime.redis.hget(stateKey, IP)) ?? "").includes('"verdict":"fail"')) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 2500)); // several more runs
    expect(platform.in(thread).filter((p) => p.message.kind === "watch-change")).toEqual([]);
    expect(await runtime.redis.hlen(keys.heldNotices(CHANNEL, IP))).toBe(1);

    // The window ends early: one summary in the watch's thread, and notices flow again.
    await platform.command(["mute", IP, "off"], "C-pace");
    const summaries = () =>
      platform.in(thread).filter((p) => JSON.stringify(p.message).includes("maintenance window"));
    await platform.waitFor(() => summaries().length === 1, 15_000);
    expect(JSON.stringify(summaries()[0]?.message)).toContain(
      `While it was muted: 1 broke. ${IP} broke (now fail)`,
    );
    expect(await runtime.redis.exists(keys.heldNotices(CHANNEL, IP))).toBe(0);
    await control.setPtr(IP, NAME);
    await platform.waitFor(
      () =>
        platform
          .in(thread)
          .some((p) => p.message.kind === "watch-change" && p.message.change === "recovered"),
      20_000,
    );
    expect(summaries()).toHaveLength(1);
    await platform.command(["unwatch", IP], "C-pace");
  }, 60_000);
});

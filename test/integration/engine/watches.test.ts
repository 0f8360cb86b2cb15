// Watches against the lab: a job scheduler re-checks the watched IP, and the watch's thread hears
// of each change (PTR name changed, broke, recovered) once, and of nothing else.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { storeKeys } from "../../../src/keys.js";
import { watchRunSchedulerId } from "../../../src/queue/ids.js";
import type { Runtime } from "../../../src/runtime.js";
import { readHistory } from "../../../src/store/history.js";
import { connectLab } from "../../lab/lab.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const IP = "192.0.2.61"; // PTR ptr61.example.test, A back to it

describe("watches", () => {
  const control = connectLab(inject("lab"));
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watches", { watchIntervalMs: 1000, watchCap: 20 });
  let runtime: Runtime;

  beforeAll(async () => {
    await control.setPtr(IP, "ptr61.example.test");
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await control.setPtr(IP, "ptr61.example.test");
    await control.removeRecord("new61.example.test");
    await cleanupPrefix(settings.prefix);
  });

  it("tells the watch's thread of drift, breakage and recovery, once each", async () => {
    const origin = await platform.command(["watch", IP], "C-watch");
    const thread = origin?.thread ?? "";
    expect(platform.posted.find((item) => item.address === thread)?.message.kind).toBe("notice");
    const stateKey = storeKeys(settings.prefix).watchState("console:C-watch");
    const deadline = Date.now() + 15_000;
    while ((await runtime.redis.hget(stateKey, IP)) === null) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The first run posts the baseline; after it, the thread hears only changes.
    await platform.waitFor(() => platform.in(thread).length === 1, 15_000);
    expect(platform.in(thread)[0]?.message).toMatchObject({
      kind: "watch-baseline",
      target: IP,
      pass: 1,
      fail: 0,
      inconclusive: 0,
    });
    const changes = () =>
      platform
        .in(thread)
        .slice(1)
        .map((item) => (item.message.kind === "watch-change" ? item.message.change : item.message.kind));

    await control.setRecord("new61.example.test", "A", IP, { replace: true });
    await control.setPtr(IP, "new61.example.test");
    await platform.waitFor(() => changes().length === 1, 20_000);
    expect(platform.in(thread)[1]?.message).toMatchObject({
      kind: "watch-change",
      change: "drifted",
      previousNames: ["ptr61.example.test"],
    });

    await control.removePtr(IP);
    await platform.waitFor(() => changes().length === 2, 20_000);
    await control.setPtr(IP, "new61.example.test");
    await platform.waitFor(() => changes().length === 3, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // several more runs: silence
    expect(changes()).toEqual(["drifted", "broke", "recovered"]);
    // The channel's history holds each change, in order, from the first (the first sight is the
    // state's `since`, not an entry: src/store/history.ts):
    // every entry differs from the one before (a warning coming or going, such as a resolver
    // still serving a cached answer, is a change of problem codes with the same verdict and names).
    const history = await readHistory(runtime.redis, storeKeys(settings.prefix), "console:C-watch", IP);
    const shapes = history.map((entry) => JSON.stringify([entry.verdict, entry.names, entry.problems]));
    for (const [index, shape] of shapes.slice(1).entries()) expect(shape).not.toBe(shapes[index]);
    const steps = history
      .map((entry) => `${entry.verdict} ${entry.names.join(",")}`)
      .filter((step, index, all) => index === 0 || step !== all[index - 1]);
    expect(steps).toEqual(["pass new61.example.test", "fail ", "pass new61.example.test"]);

    const schedulerIds = async () => (await runtime.queues.watch.getJobSchedulers()).map((s) => s.key);
    expect(await schedulerIds()).toContain(watchRunSchedulerId("console:C-watch", IP));
    await platform.command(["unwatch", IP], "C-watch");
    expect(await schedulerIds()).not.toContain(watchRunSchedulerId("console:C-watch", IP));
  });

  it("finds a watch of one address however it is written: plain, /32, /128, or an old /32 label", async () => {
    const stopped = () => {
      const last = platform.posted.at(-1);
      return last?.op === "post" && last.message.kind === "notice" ? last.message.text : null;
    };
    await platform.command(["watch", "203.0.113.40"], "C-forms");
    await platform.command(["unwatch", "203.0.113.40/32"], "C-forms");
    expect(stopped()).toBe("Stopped watching 203.0.113.40.");
    await platform.command(["watch", "2001:db8::40/128"], "C-forms");
    await platform.command(["unwatch", "[IPv6:2001:DB8::40]"], "C-forms");
    expect(stopped()).toBe("Stopped watching 2001:db8::40.");
    // A watch stored as "203.0.113.41/32" (before one form per address) is still found by its address.
    const key = storeKeys(settings.prefix).watches("console:C-forms");
    await runtime.redis.hset(
      key,
      "203.0.113.41/32",
      JSON.stringify({
        target: "203.0.113.41/32",
        ips: ["203.0.113.41"],
        origin: null,
        user: "U",
        createdAt: "",
      }),
    );
    await platform.command(["unwatch", "203.0.113.41"], "C-forms");
    expect(stopped()).toBe("Stopped watching 203.0.113.41/32.");
    expect(await runtime.redis.hlen(key)).toBe(0);
  });

  it("refuses a watch past the channel's cap, privately", async () => {
    await platform.command(["watch", "203.0.113.0/28"], "C-cap");
    const before = platform.posted.length;
    await platform.command(["watch", "203.0.113.16/29"], "C-cap");
    expect(platform.posted.slice(before)).toMatchObject([
      { op: "private", message: { kind: "usage-error" } },
    ]);
    expect((platform.posted.at(-1)?.message as { problem: string }).problem).toMatch(/at most 20/);
    await platform.command(["unwatch", "203.0.113.0/28"], "C-cap");
    expect(await runtime.queues.watch.getJobSchedulersCount()).toBe(0);
  });
});

// `/rdns watch 192.88.0.0/16` through the real command path: refused privately, naming the
// reserved block inside, and nothing stored or scheduled.
import { afterAll, describe, expect, it } from "vitest";
import { storeKeys } from "../../../src/keys.js";
import type { Runtime } from "../../../src/runtime.js";
import { listWatches } from "../../../src/store/watches.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

describe("a watch range with a non-public block inside", () => {
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watchpublic");
  let runtime: Runtime;

  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  it("is refused, naming 192.88.99.0/24; a public range is watched after it", async () => {
    runtime = await startLabRuntime(settings, [platform], { worker: false });
    await platform.command(["watch", "192.88.0.0/16"], "C-pub");
    const refusals = platform.posted.filter((item) => item.op === "private");
    expect(refusals).toHaveLength(1);
    expect(JSON.stringify(refusals[0]?.message)).toContain(
      "192.88.99.0/24 is in the retired 6to4 relay anycast block",
    );
    expect(await listWatches(runtime.redis, storeKeys(settings.prefix), "console:C-pub")).toEqual([]);
    expect(await runtime.queues.watch.getJobSchedulers()).toEqual([]);

    await platform.command(["watch", "198.51.100.0/24"], "C-pub");
    const stored = await listWatches(runtime.redis, storeKeys(settings.prefix), "console:C-pub");
    expect(stored.map((watch) => watch.target)).toEqual(["198.51.100.0/24"]);
  });
});

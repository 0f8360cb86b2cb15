// A deployment upgraded from the key layout before the hash tag (`rdns:...`) keeps its watches,
// chains and queued jobs: the runtime renames the old keys before anything reads them
// (src/queue/migrate-keys.ts). The old layout is written by the engine itself running on the
// untagged prefix, as the previous version did, plus the two store keys whose shape changed.
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { storeKeys } from "../../../src/keys.js";
import { migrateUntaggedKeys } from "../../../src/queue/migrate-keys.js";
import type { Runtime } from "../../../src/runtime.js";
import {
  cleanupPrefix,
  keysMatching,
  labSettings,
  REDIS_URL,
  RecordingPlatform,
  startLabRuntime,
} from "./support.js";

const WATCHED = "192.0.2.60"; // has a PTR and a matching A (the lab's zones)

// A Cluster never had untagged keys (the migration does not run there).
describe.skipIf(process.env.TEST_REDIS_CLUSTER_NODES !== undefined)("upgrading to hash-tagged keys", () => {
  const settings = labSettings("upgrade");
  const old = settings.prefix.slice(1, -1);
  const keys = storeKeys(settings.prefix);
  const redis = new Redis(REDIS_URL);
  let runtime: Runtime | undefined;

  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
    await cleanupPrefix(old);
    redis.disconnect();
  });

  it("renames the old keys at start-up: the watch is listed and the queued check answers", async () => {
    // The previous version: keys under the bare prefix, no check worker, so the check stays queued.
    const before = new RecordingPlatform();
    runtime = await startLabRuntime({ ...settings, prefix: old }, [before], { worker: false });
    await before.command(["watch", WATCHED], "C-up");
    const asked = await before.command([WATCHED, "mail.example.test"], "C-ask");
    expect(asked).not.toBeNull();
    await runtime.stop();
    runtime = undefined;
    // The two keys whose names changed shape, as the previous version wrote them.
    await redis.hset(`${old}:s:dedup:{192.0.2.99|}`, "job", "old-job", "state", "done");
    await redis.rpush(`${old}:s:dedup:{192.0.2.99|}:chain-old`, "origin");
    await redis.rpush(`${old}:s:history:{${old}:s:watchstate:console:C-up}:192.0.2.99`, "entry");
    const oldKeys = await keysMatching(redis, `${old}:*`);
    expect(oldKeys).toContain(`${old}:s:watches:console:C-up`);
    expect(oldKeys.some((key) => key.startsWith(`${old}:check:`))).toBe(true);
    expect(await keysMatching(redis, `${settings.prefix}:*`)).toEqual([]);

    const logs: { msg: string; renamed?: number }[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => logs.push(JSON.parse(line)) });
    const after = new RecordingPlatform();
    runtime = await startLabRuntime(settings, [after], { logger });
    expect(logs.filter((line) => line.renamed !== undefined)).toEqual([
      expect.objectContaining({ renamed: oldKeys.length }),
    ]);
    expect(await keysMatching(redis, `${old}:*`)).toEqual([]);
    expect(await redis.hget(keys.dedup("192.0.2.99", null), "job")).toBe("old-job");
    expect(await redis.lrange(`${keys.dedup("192.0.2.99", null)}:chain-old`, 0, -1)).toEqual(["origin"]);
    expect(await redis.lrange(keys.watchHistory("console:C-up", "192.0.2.99"), 0, -1)).toEqual(["entry"]);

    await after.command(["watches"], "C-up");
    expect(after.posted.at(-1)?.message).toEqual({ kind: "watches", channel: "C-up", targets: [WATCHED] });
    // The check queued before the upgrade runs now and answers in the asker's thread.
    const thread = asked?.thread ?? "";
    await after.waitFor(
      (posted) => posted.some((item) => item.address === thread && item.op === "reply"),
      30_000,
    );
  });

  it("never overwrites, renames each key once when two processes start together, then finds nothing", async () => {
    const prefix = `${old}-race`;
    const tagged = `{${prefix}}`;
    const count = 600;
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i++) pipeline.set(`${prefix}:s:k${i}`, `v${i}`);
    pipeline.set(`${prefix}:s:taken`, "old");
    pipeline.set(`${tagged}:s:taken`, "new");
    await pipeline.exec();
    const other = new Redis(REDIS_URL);
    try {
      const [a, b] = await Promise.all([
        migrateUntaggedKeys(redis, tagged),
        migrateUntaggedKeys(other, tagged),
      ]);
      expect(a.renamed + b.renamed).toBe(count);
      expect([...new Set([...a.kept, ...b.kept])]).toEqual([`${prefix}:s:taken`]);
      expect(await redis.get(`${tagged}:s:taken`)).toBe("new");
      expect(await redis.get(`${prefix}:s:taken`)).toBe("old");
      expect(await redis.get(`${tagged}:s:k${count - 1}`)).toBe(`v${count - 1}`);
      expect(await migrateUntaggedKeys(redis, tagged)).toEqual({ renamed: 0, kept: [`${prefix}:s:taken`] });
    } finally {
      other.disconnect();
      await cleanupPrefix(prefix);
      await cleanupPrefix(tagged);
    }
  });
});

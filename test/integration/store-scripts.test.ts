// The store's scripts go to Redis by SHA (EVALSHA), not as their text per call: watched with
// MONITOR, one connection's script calls are one EVAL per script (the first on the socket, which
// loads it) and EVALSHA after that, single and pipelined; each call names its keys as KEYS.
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeKeys } from "../../src/keys.js";
import { getLastReport, saveLastReport, saveLastReports } from "../../src/store/reports.js";
import { SCRIPTS, type ScriptName, scriptText } from "../../src/store/scripts.js";
import { countWatchedAddresses } from "../../src/store/watches.js";
import { makeReport } from "../fixtures/check-report.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "./engine/support.js";

const prefix = uniquePrefix("store-scripts");
const keys = storeKeys(prefix);
let redis: Redis;
let watcher: Redis;
/** The commands `redis` sent, as MONITOR saw them (name and arguments). */
const seen: string[][] = [];

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  const info = String(await redis.client("INFO"));
  const address = /\baddr=(\S+)/.exec(info)?.[1];
  const monitor = await new Redis(REDIS_URL).monitor();
  watcher = monitor;
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    if (source === address) seen.push(args);
  });
});

afterAll(async () => {
  watcher?.disconnect();
  redis?.disconnect();
  await cleanupPrefix(prefix);
});

const sha = (name: ScriptName) => createHash("sha1").update(scriptText(name)).digest("hex");

/**
 * Waits until MONITOR has reported `count` commands of the connection (up to 10 s: on a loaded
 * machine MONITOR's feed can lag the commands by more than a second).
 */
async function commandsSeen(count: number): Promise<string[][]> {
  for (let wait = 0; seen.length < count && wait < 500; wait++) await new Promise((r) => setTimeout(r, 20));
  return seen.splice(0, seen.length);
}

describe("store scripts over one connection", () => {
  it("send their text once, then only their SHA, single and pipelined", async () => {
    const ips = Array.from({ length: 5 }, (_, i) => `203.0.113.${i + 1}`);
    await saveLastReport(redis, keys, makeReport({ ip: "203.0.113.9" }), 60);
    await saveLastReport(redis, keys, makeReport({ ip: "203.0.113.9" }), 60);
    await saveLastReports(
      redis,
      keys,
      ips.map((ip) => makeReport({ ip })),
      60,
    );
    await countWatchedAddresses(redis, keys, "console:C-none");
    await countWatchedAddresses(redis, keys, "console:C-none");
    expect((await getLastReport(redis, keys, "203.0.113.3"))?.ip).toBe("203.0.113.3");

    // Two EVALs, seven EVALSHAs and the GET.
    const commands = await commandsSeen(10);
    const scripts = commands.filter(([name]) => /^eval/i.test(name ?? ""));
    const byName = (name: string) => scripts.filter(([command]) => command?.toLowerCase() === name);
    // Seven saves and two counts: one EVAL per script (its first use on this socket), the rest by SHA.
    expect(byName("eval")).toHaveLength(2);
    expect(byName("evalsha")).toHaveLength(7);
    // The EVALs carry a script's text (MONITOR shows it escaped), every EVALSHA one of the two SHAs.
    expect(byName("eval").every((args) => (args[1] ?? "").includes("redis.call"))).toBe(true);
    const shas = [sha("rdnsReportSetIfNewer"), sha("rdnsWatchCount")];
    expect(new Set(byName("evalsha").map((args) => args[1]))).toEqual(new Set(shas));
    // Each call declares its keys: the count, then the keys themselves.
    for (const args of scripts) {
      const keyCount = Number(args[2]);
      const keysPassed = args.slice(3, 3 + keyCount);
      expect([SCRIPTS.rdnsReportSetIfNewer.keys, SCRIPTS.rdnsWatchCount.keys]).toContain(keyCount);
      expect(keysPassed.every((key) => key.startsWith(`${prefix}:s:`))).toBe(true);
    }
  });

  it("are loaded in Redis under their SHA after use", async () => {
    expect(await redis.script("EXISTS", sha("rdnsReportSetIfNewer"), sha("rdnsWatchCount"))).toEqual([1, 1]);
  });
});

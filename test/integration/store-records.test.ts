// Records read from Redis go through their schema (src/store/<record>.ts): what older versions
// wrote is upgraded there, and a record that fails its schema is absent or an error as its module
// says. Watch records keep their target only; their addresses follow from it.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { storeKeys } from "../../src/keys.js";
import { readChainResult, saveChainResult } from "../../src/store/chain-results.js";
import { readChain } from "../../src/store/chains.js";
import { readHistory } from "../../src/store/history.js";
import { CorruptRecordError } from "../../src/store/record.js";
import { getLastReport, getLastReports } from "../../src/store/reports.js";
import { readWatchState } from "../../src/store/watch-states.js";
import { addWatch, getWatch, listWatches, setWatchOrigin, watchersOf } from "../../src/store/watches.js";
import { makeReport } from "../fixtures/check-report.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "./engine/support.js";

const prefix = uniquePrefix("store-records");
const keys = storeKeys(prefix);
const redis = new Redis(REDIS_URL);
const origin = { platform: "console" as const, channel: "C1", thread: "console:C1:t", parent: null };

afterAll(async () => {
  redis.disconnect();
  await cleanupPrefix(prefix);
});

describe("watch records", () => {
  it("store the target, not its addresses, and derive the addresses from it", async () => {
    const channel = "console:C-target";
    const ips = Array.from({ length: 256 }, (_, i) => `198.51.100.${i}`);
    await addWatch(
      redis,
      keys,
      channel,
      { target: "198.51.100.0/24", ips, origin, user: "U", createdAt: "t" },
      1024,
    );
    const text = (await redis.hget(keys.watches(channel), "198.51.100.0/24")) ?? "";
    expect(text).not.toContain("198.51.100.7");
    expect(text.length).toBeLessThan(300);
    const [record] = await listWatches(redis, keys, channel);
    expect(record?.ips).toEqual(ips);
    expect(record?.helo).toBeNull();
    expect((await watchersOf(redis, keys, "198.51.100.77")).map((found) => found.record.target)).toEqual([
      "198.51.100.0/24",
    ]);
  });

  it("written with every address and no HELO: read from the target, written back without them", async () => {
    const channel = "console:C-old";
    // As older versions wrote it: the address list (here a wrong one, so derivation shows), no helo.
    const old = { target: "203.0.113.0/30", ips: ["192.0.2.1"], origin: null, user: "U", createdAt: "t" };
    await redis.hset(keys.watches(channel), old.target, JSON.stringify(old));
    const record = await getWatch(redis, keys, channel, old.target);
    expect(record?.ips).toEqual(["203.0.113.0", "203.0.113.1", "203.0.113.2", "203.0.113.3"]);
    expect(record?.helo).toBeNull();
    expect(await setWatchOrigin(redis, keys, channel, old.target, origin)).toBe(true);
    const stored = JSON.parse((await redis.hget(keys.watches(channel), old.target)) ?? "{}");
    expect(stored).toEqual({
      target: old.target,
      origin,
      user: "U",
      createdAt: "t",
      helo: null,
      everyMs: null,
      mutedUntil: null,
    });
  });

  it("that fail their schema are an error naming the key", async () => {
    const channel = "console:C-bad";
    await redis.hset(keys.watches(channel), "203.0.113.9", JSON.stringify({ target: "203.0.113.9" }));
    await expect(getWatch(redis, keys, channel, "203.0.113.9")).rejects.toThrow(CorruptRecordError);
    await expect(listWatches(redis, keys, channel)).rejects.toThrow(keys.watches(channel));
  });
});

describe("records treated as absent when they fail their schema", () => {
  it("a last report, a chain result, a watch state, a history entry", async () => {
    await redis.set(keys.lastReport("203.0.113.20"), JSON.stringify({ ip: "203.0.113.20" }));
    await redis.set(keys.lastReport("203.0.113.21"), "not json");
    await redis.set(keys.lastReport("203.0.113.22"), JSON.stringify(makeReport({ ip: "203.0.113.22" })));
    expect(await getLastReport(redis, keys, "203.0.113.20")).toBeNull();
    expect([
      ...(await getLastReports(redis, keys, ["203.0.113.20", "203.0.113.21", "203.0.113.22"])).keys(),
    ]).toEqual(["203.0.113.22"]);

    await redis.set(keys.chainResult("chain-bad"), JSON.stringify({ verdict: "maybe" }));
    expect(await readChainResult(redis, keys, "chain-bad")).toBeNull();
    await saveChainResult(redis, keys, "chain-good", makeReport({ ip: "203.0.113.23" }), 60_000);
    expect((await readChainResult(redis, keys, "chain-good"))?.ip).toBe("203.0.113.23");

    await redis.hset(keys.watchState("console:C-s"), "203.0.113.24", JSON.stringify({ verdict: "unknown" }));
    const read = await readWatchState(redis, keys, "console:C-s", "203.0.113.24");
    expect(read.state).toBeNull();
    expect(read.text).not.toBeNull(); // the compare-and-set still compares what is stored

    const entry = { at: "2026-12-01T00:00:00.000Z", verdict: "fail", names: [], problems: ["NO_PTR"] };
    await redis.rpush(keys.watchHistory("console:C-s", "203.0.113.24"), "{", JSON.stringify(entry));
    expect(await readHistory(redis, keys, "console:C-s", "203.0.113.24")).toEqual([entry]);
  });
});

describe("chains", () => {
  it("opened before firstFailureAt, rechecks and job existed read with their upgrades", async () => {
    await redis.hset(keys.chain("chain-old"), {
      ip: "203.0.113.30",
      state: "open",
      openedAt: "2026-12-01T00:00:00.000Z",
    });
    expect(await readChain(redis, keys, "chain-old")).toMatchObject({
      ip: "203.0.113.30",
      state: "open",
      helo: null,
      origins: [],
      firstFailureAt: "2026-12-01T00:00:00.000Z",
      rechecks: 0,
      job: null,
      ended: null,
    });
  });

  it("a chain whose origins do not parse is an error, not 'no chain'", async () => {
    await redis.hset(keys.chain("chain-bad"), { ip: "203.0.113.31", state: "open", origins: "[{" });
    await expect(readChain(redis, keys, "chain-bad")).rejects.toThrow(CorruptRecordError);
  });
});

// The last report per IP keeps the newest check (by checkedAt) against real Redis: a slow check
// that started earlier and finishes later must not replace a newer answer, whatever order the
// writes arrive in, and however many writers race.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import type { CheckReport } from "../../src/check/types.js";
import { storeKeys } from "../../src/keys.js";
import { getLastReport, getLastReports, LastReportReader, saveLastReport } from "../../src/store/reports.js";
import { CASES } from "../lab/zones.js";
import { cleanupPrefix, REDIS_URL, uniquePrefix } from "./engine/support.js";

const prefix = uniquePrefix("last-report");
const keys = storeKeys(prefix);
let redis: Redis;
let pass: CheckReport;
let fail: CheckReport;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  const lab = inject("lab");
  const options = { helo: null, resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 };
  // Two real reports of different IPs; each is re-dated below as checks of one IP made at other times.
  [pass, fail] = await Promise.all([
    runCheck({ ip: CASES.pass, ...options }),
    runCheck({ ip: CASES.nxdomain, ...options }),
  ]);
});

afterAll(async () => {
  redis?.disconnect();
  await cleanupPrefix(prefix);
});

/** `report` as a check of `ip` that started at `at`. */
function at(report: CheckReport, ip: string, iso: string): CheckReport {
  return { ...report, ip, checkedAt: iso };
}

describe("saveLastReport keeps the newest report by checkedAt", () => {
  it("an older report arriving after a newer one is refused; a newer one replaces", async () => {
    const ip = "203.0.113.200";
    const newer = at(pass, ip, "2026-12-02T10:00:05.000Z");
    const older = at(fail, ip, "2026-12-02T10:00:00.000Z");
    expect(await saveLastReport(redis, keys, newer, 3600)).toBe(true);
    expect(await saveLastReport(redis, keys, older, 3600)).toBe(false);
    expect(await getLastReport(redis, keys, ip)).toEqual(newer);
    expect((await getLastReports(redis, keys, [ip])).get(ip)?.verdict).toBe("pass");

    const newest = at(fail, ip, "2026-12-02T10:00:09.000Z");
    expect(await saveLastReport(redis, keys, newest, 3600)).toBe(true);
    expect(await getLastReport(redis, keys, ip)).toEqual(newest);
  });

  it("the same time is written again (a retried job), with the TTL renewed", async () => {
    const ip = "203.0.113.201";
    const report = at(pass, ip, "2026-12-02T11:00:00.000Z");
    expect(await saveLastReport(redis, keys, report, 60)).toBe(true);
    const again = { ...report, verdict: "fail" as const };
    expect(await saveLastReport(redis, keys, again, 3600)).toBe(true);
    expect((await getLastReport(redis, keys, ip))?.verdict).toBe("fail");
    expect(await redis.ttl(keys.lastReport(ip))).toBeGreaterThan(3500);
  });

  it("a refused write leaves the newer report's TTL alone", async () => {
    const ip = "203.0.113.202";
    await saveLastReport(redis, keys, at(pass, ip, "2026-12-02T12:00:05.000Z"), 600);
    await saveLastReport(redis, keys, at(fail, ip, "2026-12-02T12:00:00.000Z"), 86_400);
    const ttl = await redis.ttl(keys.lastReport(ip));
    expect(ttl).toBeGreaterThan(500);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it("times with and without milliseconds compare as times", async () => {
    const ip = "203.0.113.205";
    await saveLastReport(redis, keys, at(pass, ip, "2026-12-02T12:30:00.250Z"), 3600);
    // Without the fraction this time is earlier, though "Z" sorts after "." as a string.
    expect(await saveLastReport(redis, keys, at(fail, ip, "2026-12-02T12:30:00Z"), 3600)).toBe(false);
    expect(await saveLastReport(redis, keys, at(fail, ip, "2026-12-02T12:30:01Z"), 3600)).toBe(true);
    expect((await getLastReport(redis, keys, ip))?.checkedAt).toBe("2026-12-02T12:30:01Z");
  });

  it("a stored value that is not a report is replaced", async () => {
    const ip = "203.0.113.203";
    await redis.set(keys.lastReport(ip), "not json", "EX", 60);
    const report = at(pass, ip, "2026-12-02T13:00:00.000Z");
    expect(await saveLastReport(redis, keys, report, 3600)).toBe(true);
    expect(await getLastReport(redis, keys, ip)).toEqual(report);
  });

  it("200 writes of one IP from 8 connections in shuffled order: the newest stays", async () => {
    const ip = "203.0.113.204";
    const base = Date.parse("2026-12-02T14:00:00.000Z");
    const reports = Array.from({ length: 200 }, (_, i) =>
      at(i % 2 === 0 ? pass : fail, ip, new Date(base + i * 37).toISOString()),
    );
    // A fixed shuffle (so a failure can be replayed): multiply by a unit mod 200.
    const order = reports.map((_, i) => reports[(i * 77) % 200] as CheckReport);
    expect(new Set(order.map((r) => r.checkedAt)).size).toBe(200);
    const writers = Array.from({ length: 8 }, () => new Redis(REDIS_URL));
    try {
      const results = await Promise.all(
        order.map((report, i) => saveLastReport(writers[i % 8] as Redis, keys, report, 3600)),
      );
      expect(results.filter(Boolean).length).toBeGreaterThan(0);
      expect(await getLastReport(redis, keys, ip)).toEqual(reports[199]);
    } finally {
      for (const writer of writers) writer.disconnect();
    }
  });
});

describe("LastReportReader", () => {
  it("parses a report again only when its stored text changed, and keeps only the last read's addresses", async () => {
    const [a, b] = ["203.0.113.210", "203.0.113.211"];
    await saveLastReport(redis, keys, at(pass, a, "2026-12-02T15:00:00.000Z"), 3600);
    await saveLastReport(redis, keys, at(pass, b, "2026-12-02T15:00:00.000Z"), 3600);
    const reader = new LastReportReader();
    const first = await reader.read(redis, keys, [a, b, "203.0.113.212"]);
    expect([...first.keys()]).toEqual([a, b]);
    expect(first.get(a)).toEqual(await getLastReport(redis, keys, a));

    // b is checked again: a is the same object as before (not parsed again), b is the new report.
    const newer = at(fail, b, "2026-12-02T15:00:09.000Z");
    await saveLastReport(redis, keys, newer, 3600);
    const second = await reader.read(redis, keys, [a, b]);
    expect(second.get(a)).toBe(first.get(a));
    expect(second.get(b)).not.toBe(first.get(b));
    expect(second.get(b)).toEqual(newer);

    // An address left out of a read is forgotten: asked again later, it is parsed afresh.
    await reader.read(redis, keys, [b]);
    const third = await reader.read(redis, keys, [a, b]);
    expect(third.get(a)).not.toBe(first.get(a));
    expect(third.get(a)).toEqual(first.get(a));
    expect(third.get(b)).toBe(second.get(b));
    // Gone from Redis: gone from the answer.
    await redis.del(keys.lastReport(a));
    expect((await reader.read(redis, keys, [a, b])).has(a)).toBe(false);
  });
});

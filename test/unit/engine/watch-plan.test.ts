// The watch run planner: a range cut into chunk jobs spread over a short window (a baseline) or
// half the interval (a scheduled run), the retry of a chunk's inconclusive addresses, and the
// baseline summary (listed, or grouped when many).
import { describe, expect, it } from "vitest";
import type { BaselineLine } from "../../../src/chat/types.js";
import { targetPrefix } from "../../../src/store/watch-prefixes.js";
import {
  BASELINE_LINES,
  baselineLineOf,
  chunkWindowMs,
  MAX_SPREAD_MS,
  planBaseline,
  planChunkRetry,
  planWatchRun,
} from "../../../workers/watch-plan.js";
import { makeReport } from "../../fixtures/check-report.js";

const range = (count: number) => Array.from({ length: count }, (_, i) => `198.51.${i >> 8}.${i & 255}`);

describe("planWatchRun", () => {
  it("cuts a /16 into 256 chunks of 256, every address once, spread over at most 60 s", () => {
    const ips = range(65_536);
    const chunks = planWatchRun({
      runId: "run-1",
      chunkSize: 256,
      channel: "slack:C1",
      record: { target: "198.51.0.0/16", ips },
      baseline: true,
      intervalMs: 3_600_000,
    });
    expect(chunks).toHaveLength(256);
    expect(chunks.every((chunk) => chunk.data.ips.length === 256)).toBe(true);
    expect(new Set(chunks.flatMap((chunk) => chunk.data.ips)).size).toBe(65_536);
    expect(new Set(chunks.map((chunk) => chunk.opts.jobId)).size).toBe(256);
    expect(chunks[0]?.data).toMatchObject({
      kind: "chunk",
      index: 0,
      attempt: 1,
      baseline: true,
      runId: "run-1",
    });
    const delays = chunks.map((chunk) => chunk.opts.delay);
    expect(delays[0]).toBe(0);
    // 200 ms apart: 51 s for 256 chunks, under the 60 s ceiling.
    expect(delays.at(-1)).toBe(51_000);
    expect(delays.at(-1)).toBeLessThanOrEqual(MAX_SPREAD_MS);
    expect([...delays].sort((a, b) => a - b)).toEqual(delays);
  });

  it("spreads a scheduled run's chunks evenly over the first half of its interval; one chunk starts at once", () => {
    const chunks = planWatchRun({
      runId: "r",
      chunkSize: 256,
      channel: "c",
      record: { target: "198.51.0.0/16", ips: range(65_536) },
      baseline: false,
      intervalMs: 3_600_000,
    });
    const delays = chunks.map((chunk) => chunk.opts.delay);
    expect(delays[0]).toBe(0);
    // The last chunk starts at half the interval: it has the other half to finish in.
    expect(delays.at(-1)).toBe(1_800_000);
    expect(delays.at(-1)).toBe(chunkWindowMs(256, 3_600_000, false));
    const gaps = delays.slice(1).map((delay, i) => delay - (delays[i] ?? 0));
    // Evenly: 1 800 000 / 255 = 7058.8 ms, rounded per chunk.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(7058);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(7059);
    // The same /16's baseline run stays prompt: 200 ms apart, under 60 s in all.
    expect(chunkWindowMs(256, 3_600_000, true)).toBe(51_000);
    expect(chunkWindowMs(256, 10_000, true)).toBe(2500);
    expect(chunkWindowMs(256, 10_000, false)).toBe(5000);
    const one = planWatchRun({
      runId: "r",
      chunkSize: 256,
      channel: "c",
      record: { target: "203.0.113.5", ips: ["203.0.113.5"], helo: "mail.example.test" },
      baseline: false,
      intervalMs: 10_000,
    });
    expect(one.map((chunk) => [chunk.data.ips, chunk.opts.delay])).toEqual([[["203.0.113.5"], 0]]);
    // The watch's HELO name goes with every chunk, so each address is checked with it.
    expect(one[0]?.data.helo).toBe("mail.example.test");
  });

  it("gives the same ids when a run job runs again", () => {
    const input = {
      runId: "run-9",
      chunkSize: 16,
      channel: "c",
      record: { target: "203.0.113.0/26", ips: range(64) },
      baseline: true,
      intervalMs: 60_000,
    };
    expect(planWatchRun(input).map((c) => c.opts.jobId)).toEqual(
      planWatchRun(input).map((c) => c.opts.jobId),
    );
  });
});

describe("planChunkRetry", () => {
  const chunk = planWatchRun({
    runId: "r",
    chunkSize: 256,
    channel: "c",
    record: { target: "203.0.113.0/28", ips: range(16) },
    baseline: true,
    intervalMs: 60_000,
  })[0]?.data;
  const policy = { checkAttempts: 3, checkRetryDelayMs: 200 };

  it("asks the inconclusive addresses again after a back-off, until the last attempt", () => {
    if (chunk === undefined) throw new Error("no chunk");
    expect(planChunkRetry(chunk, [], policy)).toBeNull();
    const second = planChunkRetry(chunk, ["198.51.0.3"], policy);
    expect(second?.data).toMatchObject({ attempt: 2, ips: ["198.51.0.3"], index: 0, baseline: true });
    expect(second?.opts.delay).toBe(200);
    const third = second && planChunkRetry(second.data, ["198.51.0.3"], policy);
    expect(third?.opts.delay).toBe(400);
    expect(third?.opts.jobId).not.toBe(second?.opts.jobId);
    expect(third && planChunkRetry(third.data, ["198.51.0.3"], policy)).toBeNull();
  });
});

describe("baselines", () => {
  it("puts a non-passing address in one line: PTR and the error before a warning", () => {
    expect(baselineLineOf(makeReport({ verdict: "pass" }))).toBeNull();
    const line = baselineLineOf(
      makeReport({
        ptr: { status: "found", names: ["host.example.test"] },
        problems: [
          { code: "GENERIC_PTR", severity: "warning", message: "looks generic", fix: "" },
          { code: "BROKEN_PAIR", severity: "error", message: "no name points back", fix: "" },
        ],
      }),
    );
    expect(line).toEqual({
      ip: "203.0.113.5",
      verdict: "fail",
      ptr: ["host.example.test"],
      problem: "BROKEN_PAIR",
      detail: "no name points back",
    });
  });

  const line = (
    ip: string,
    problem: string | null,
    verdict: BaselineLine["verdict"] = "fail",
  ): BaselineLine => ({
    ip,
    verdict,
    ptr: [],
    problem,
    detail: "d",
  });

  it("lists a few non-passing addresses one by one, in address order", () => {
    const message = planBaseline("203.0.113.0/28", { pass: 13, fail: 2, inconclusive: 1 }, [
      line("203.0.113.10", "NO_PTR"),
      line("203.0.113.9", "DNS_ERROR", "inconclusive"),
      line("203.0.113.2", "NO_PTR"),
    ]);
    expect(message.groups).toEqual([]);
    expect(message.lines.map((l) => l.ip)).toEqual(["203.0.113.2", "203.0.113.9", "203.0.113.10"]);
    expect(message.unlisted).toBe(0);
  });

  it("groups many by problem, counting every one, and lists only the first", () => {
    const found = range(300).map((ip, i) => line(ip, i % 3 === 0 ? "BROKEN_PAIR" : "NO_PTR"));
    const message = planBaseline("198.51.0.0/23", { pass: 212, fail: 300, inconclusive: 0 }, found);
    expect(message.groups.map((g) => [g.problem, g.count])).toEqual([
      ["NO_PTR", 200],
      ["BROKEN_PAIR", 100],
    ]);
    expect(message.groups[0]?.ips).toEqual([
      "198.51.0.1",
      "198.51.0.2",
      "198.51.0.4",
      "198.51.0.5",
      "198.51.0.7",
    ]);
    expect(message.lines).toHaveLength(BASELINE_LINES / 2);
    expect(message.unlisted).toBe(300 - BASELINE_LINES / 2);
  });
});

describe("watch prefixes", () => {
  it("writes a block as family and prefix bits, so containment is a string prefix", () => {
    expect(targetPrefix("198.51.0.0/16")).toBe("4|1100011000110011");
    expect(targetPrefix("198.51.0.7")).toBe(`4|${"1100011000110011"}${"0".repeat(13)}111`);
    expect(targetPrefix("198.51.0.7").startsWith(targetPrefix("198.51.0.0/16"))).toBe(true);
    expect(targetPrefix("198.52.0.7").startsWith(targetPrefix("198.51.0.0/16"))).toBe(false);
    expect(targetPrefix("2001:db8::/112")).toHaveLength(2 + 112);
    // IPv4 and IPv6 never contain each other.
    expect(targetPrefix("::c633:7").startsWith(targetPrefix("198.51.0.0/16"))).toBe(false);
  });
});

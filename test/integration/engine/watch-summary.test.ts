// Many changes, one message (issue 28, point 7), against real Redis and the DNS lab: a /28 watched
// in chunks of 4, its runs taken by hand so a chunk can run twice (a crash's re-run) or end after
// the run stopped waiting. More than five addresses breaking in one run are one summary whose CSV
// rows are exactly those addresses; up to five are told one by one; nothing is told twice, a
// chunk that ends late still tells its own changes, and a run waits for the retry of an address
// that could not be told (asked of the lab's silent port once).
import type { Job } from "bullmq";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OutboundMessage } from "../../../src/chat/types.js";
import { runCheck } from "../../../src/check/index.js";
import { storeKeys } from "../../../src/keys.js";
import { watchRunEndJobId } from "../../../src/queue/ids.js";
import type { WatchJob } from "../../../src/queue/jobs.js";
import type { Runtime } from "../../../src/runtime.js";
import { processWatchJob, type WatchOutcome } from "../../../workers/watch.js";
import { connectLab } from "../../lab/lab.js";
import { cleanupPrefix, labSettings, logger, RecordingPlatform, startLabRuntime } from "./support.js";

// 192.0.2.160-175: owned by this file (test/lab/README.md lists the lab's addresses).
const RANGE = "192.0.2.160/28";
const IPS = Array.from({ length: 16 }, (_, i) => `192.0.2.${160 + i}`);
const nameOf = (ip: string) => `ws${ip.split(".")[3]}.example.test`;
const CHANNEL = "C-summary";

describe("a range watch's run with many changes", () => {
  const lab = inject("lab");
  const control = connectLab(lab);
  /** Addresses whose next check asks a server that never answers (could not tell). */
  const silentOnce = new Set<string>();
  const platform = new RecordingPlatform("console");
  const settings = labSettings("watchsummary", { watchChunkSize: 4, watchIntervalMs: 3_600_000 });
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;
  let thread = "";

  const deps = () => ({
    redis: runtime.redis,
    queues: runtime.queues,
    settings,
    logger,
    runCheck: (options: Parameters<typeof runCheck>[0]) => {
      if (!silentOnce.delete(options.ip)) return runCheck(options);
      return runCheck({ ...options, resolvers: [lab.dead], authorities: [lab.dead] });
    },
  });
  const run = (id: string, data: WatchJob) => processWatchJob({ id, data } as Job<WatchJob>, deps());
  const chunksOf = async (runId: string) =>
    ((await runtime.queues.watch.getJobs(["waiting", "delayed"])) as Job<WatchJob>[])
      .filter((job) => job.data.kind === "chunk" && job.data.runId === runId)
      .sort((a, b) => (a.data.kind === "chunk" && b.data.kind === "chunk" ? a.data.index - b.data.index : 0));
  const messages = () => platform.in(thread).map((item) => item.message);
  const kinds = (list: OutboundMessage[]) => list.map((message) => message.kind);
  const csvIps = (content: string) =>
    (parse(content, { columns: true }) as Record<string, string>[]).map((row) => row.ip);

  /** Waits until a direct check of each address says `verdict` (the resolver's cache has let go). */
  async function settledAs(ips: readonly string[], verdict: "pass" | "fail"): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const reports = await Promise.all(ips.map((ip) => runCheck({ ip, helo: null, ...settings.check })));
      if (reports.every((report) => report.verdict === verdict)) return;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function fix(ips: readonly string[]): Promise<void> {
    for (const ip of ips) await control.setPtr(ip, nameOf(ip));
    await settledAs(ips, "pass");
  }
  async function breakAll(ips: readonly string[]): Promise<void> {
    for (const ip of ips) await control.removePtr(ip);
    await settledAs(ips, "fail");
  }

  beforeAll(async () => {
    for (const ip of IPS) await control.setRecord(nameOf(ip), "A", ip, { replace: true });
    await fix(IPS);
    // No workers: every run and chunk below is taken by hand; the bot delivers.
    runtime = await startLabRuntime(settings, [platform], { worker: false });
    const origin = await platform.command(["watch", RANGE], CHANNEL);
    thread = origin?.thread ?? "";
    const [first] = (await runtime.queues.watch.getWaiting()) as Job<WatchJob>[];
    const firstId = first?.id ?? "";
    expect(await run(firstId, first?.data as WatchJob)).toMatchObject({
      kind: "run",
      chunks: 4,
      baseline: true,
    });
    for (const chunk of await chunksOf(firstId)) await run(chunk.id ?? "", chunk.data);
    await platform.waitFor(() => platform.in(thread).length === 1, 15_000);
    expect(messages()[0]).toMatchObject({ kind: "watch-baseline", pass: 16 });
  }, 90_000);

  afterAll(async () => {
    await runtime?.stop();
    for (const ip of IPS) {
      await control.removePtr(ip);
      await control.removeRecord(nameOf(ip));
    }
    await cleanupPrefix(settings.prefix);
  });

  it("eight addresses broken in one run: one summary, its CSV exactly those, a chunk run twice counted once", async () => {
    const broken = IPS.slice(2, 10); // across chunks 0, 1 and 2
    await breakAll(broken);
    expect(await run("run-2", { kind: "run", channel: `console:${CHANNEL}`, target: RANGE })).toMatchObject({
      chunks: 4,
      baseline: false,
    });
    const chunks = await chunksOf("run-2");
    expect(chunks.every((chunk) => chunk.data.kind === "chunk" && chunk.data.summary === true)).toBe(true);
    // Chunk 1 runs twice (a worker that died after its writes), before and after the others.
    const [c0, c1, c2, c3] = chunks;
    await run(c1?.id ?? "", c1?.data as WatchJob);
    await run(c1?.id ?? "", c1?.data as WatchJob);
    for (const chunk of [c0, c2]) await run(chunk?.id ?? "", chunk?.data as WatchJob);
    // Nothing is told before the run's last chunk ends.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(messages()).toHaveLength(1);
    // Every change is a row; only the first five of the thread are kept whole (a report view each).
    expect(await runtime.redis.hlen(keys.watchRunRows("run-2"))).toBe(8);
    expect(await runtime.redis.hlen(keys.watchRunNotices("run-2"))).toBe(5);
    const last = (await run(c3?.id ?? "", c3?.data as WatchJob)) as Extract<WatchOutcome, { kind: "chunk" }>;
    expect(last.kind).toBe("chunk");
    await platform.waitFor(() => messages().length >= 2, 15_000);
    // Chunk 0 again after the run ended, and the run-end job when its wait is over: nothing more.
    await run(c0?.id ?? "", c0?.data as WatchJob);
    expect(
      await run(watchRunEndJobId("run-2"), { kind: "run-end", channel: "", target: RANGE, runId: "run-2" }),
    ).toEqual({
      kind: "run-end",
      sent: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(kinds(messages())).toEqual(["watch-baseline", "watch-summary"]);
    const summary = messages()[1];
    if (summary?.kind !== "watch-summary") throw new Error("no summary");
    expect(summary).toMatchObject({
      target: RANGE,
      total: 8,
      changes: [{ change: "broke", count: 8 }],
      groups: [{ problem: "NO_PTR", count: 8, ips: broken.slice(0, 5) }],
    });
    expect(summary.lines.map((line) => line.ip)).toEqual(broken);
    const rows = parse(summary.attachment.content, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.ip)).toEqual(broken);
    for (const [index, row] of rows.entries())
      expect(row).toMatchObject({
        change: "broke",
        verdict: "fail",
        ptr: "",
        previous: nameOf(broken[index] ?? ""),
      });
    // The run's notices are gone from Redis once sent; its ids stay until they expire.
    expect(await runtime.redis.exists(keys.watchRunRows("run-2"), keys.watchRunNotices("run-2"))).toBe(0);
    // Its ids and counts stay an hour (a chunk run again adds nothing), not the day they had.
    for (const key of [
      keys.watchRun("run-2"),
      keys.watchRunCounted("run-2"),
      keys.watchRunNoticed("run-2"),
    ]) {
      expect(await runtime.redis.ttl(key)).toBeGreaterThan(0);
      expect(await runtime.redis.ttl(key)).toBeLessThanOrEqual(3600);
    }
  }, 90_000);

  it("three changes in a run are told one by one", async () => {
    const before = messages().length;
    const recovered = IPS.slice(2, 5);
    await fix(recovered);
    await run("run-3", { kind: "run", channel: `console:${CHANNEL}`, target: RANGE });
    for (const chunk of await chunksOf("run-3")) await run(chunk.id ?? "", chunk.data);
    await platform.waitFor(() => messages().length >= before + 3, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const told = messages().slice(before);
    expect(
      told.map((message) =>
        message.kind === "watch-change" ? `${message.report.ip} ${message.change}` : message.kind,
      ),
    ).toEqual(recovered.map((ip) => `${ip} recovered`));
  }, 60_000);

  it("a chunk that ends after the run stopped waiting tells its own changes; nothing is lost", async () => {
    const before = messages().length;
    // Seven changes: three broken in chunk 0; recovered, three in chunk 1 and one in chunk 2.
    const broken = [IPS[0], IPS[1], IPS[3]] as string[];
    const recovered = IPS.slice(5, 9);
    await breakAll(broken);
    await fix(recovered);
    await run("run-4", { kind: "run", channel: `console:${CHANNEL}`, target: RANGE });
    const [c0, c1, c2, c3] = await chunksOf("run-4");
    for (const chunk of [c0, c2, c3]) await run(chunk?.id ?? "", chunk?.data as WatchJob);
    // The run-end job: its wait is over, chunk 1 has not ended. What was collected goes out.
    expect(
      await run(watchRunEndJobId("run-4"), { kind: "run-end", channel: "", target: RANGE, runId: "run-4" }),
    ).toEqual({
      kind: "run-end",
      sent: 4,
    });
    await run(c1?.id ?? "", c1?.data as WatchJob);
    await platform.waitFor(() => messages().length >= before + 7, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const told = messages()
      .slice(before)
      .map((message) =>
        message.kind === "watch-change" ? `${message.report.ip} ${message.change}` : message.kind,
      );
    expect(told.sort()).toEqual(
      [...broken.map((ip) => `${ip} broke`), ...recovered.map((ip) => `${ip} recovered`)].sort(),
    );
  }, 60_000);

  it("a chunk's address that could not be told is retried, and the run waits for it: one summary of six", async () => {
    const before = messages().length;
    const broken = IPS.slice(10, 16); // chunk 2 (170, 171) and chunk 3 (172-175)
    await breakAll(broken);
    silentOnce.add(IPS[12] ?? "");
    await run("run-5", { kind: "run", channel: `console:${CHANNEL}`, target: RANGE });
    for (const chunk of await chunksOf("run-5")) await run(chunk.id ?? "", chunk.data);
    // Chunk 3 queued a retry of 192.0.2.172: the run is not over, nothing is told.
    const retries = (await chunksOf("run-5")).filter(
      (job) => job.data.kind === "chunk" && job.data.attempt === 2,
    );
    expect(retries.map((job) => (job.data.kind === "chunk" ? job.data.ips : []))).toEqual([[IPS[12]]]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(messages()).toHaveLength(before);
    for (const retry of retries) await run(retry.id ?? "", retry.data);
    await platform.waitFor(() => messages().length > before, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const told = messages().slice(before);
    expect(kinds(told)).toEqual(["watch-summary"]);
    const [summary] = told;
    if (summary?.kind !== "watch-summary") throw new Error("no summary");
    expect(summary.total).toBe(6);
    expect(csvIps(summary.attachment.content)).toEqual(broken);
  }, 60_000);

  it("a muted range holds its changes as before, and sums them up once when the window ends", async () => {
    const before = messages().length;
    await platform.command(["mute", RANGE, "1h"], CHANNEL);
    const recovered = IPS.slice(10, 16);
    await fix(recovered);
    await run("run-6", { kind: "run", channel: `console:${CHANNEL}`, target: RANGE });
    for (const chunk of await chunksOf("run-6")) await run(chunk.id ?? "", chunk.data);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(messages()).toHaveLength(before);
    expect(await runtime.redis.hlen(keys.heldNotices(`console:${CHANNEL}`, RANGE))).toBe(6);

    await platform.command(["mute", RANGE, "off"], CHANNEL);
    const unmute = ((await runtime.queues.watch.getJobs(["waiting", "delayed"])) as Job<WatchJob>[]).filter(
      (job) => job.data.kind === "unmute",
    );
    // The 1 h window's end and the early one: only the window's current end sums up.
    expect(unmute).toHaveLength(2);
    for (const job of unmute) await run(job.id ?? "", job.data);
    await platform.waitFor(() => messages().length > before, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const told = messages().slice(before);
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0])).toContain("While it was muted: 6 recovered.");
  }, 60_000);
});

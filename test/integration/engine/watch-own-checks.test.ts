// A watch's state belongs to the watch: a one-off `/rdns <ip> <helo>` by anyone, with a HELO the
// watch never had (or a bad one), neither posts into the watch's thread nor changes the watch's
// state, its row on the servers page (GET /api/servers) or `/rdns status` (docs/architecture.md,
// "Watches"). Real engine, Redis and lab; the watched address passes and is never edited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSnapshot } from "../../../src/app/load-servers.js";
import { buildServerRows, type ServerRow } from "../../../src/app/server-rows.js";
import { channelStatus } from "../../../src/app/status.js";
import { storeKeys } from "../../../src/keys.js";
import type { Runtime } from "../../../src/runtime.js";
import { getLastReport } from "../../../src/store/reports.js";
import { CASES, HELOS } from "../../lab/zones.js";
import { cleanupPrefix, labSettings, RecordingPlatform, startLabRuntime } from "./support.js";

const IP = CASES.pass; // PTR mail.example.test, A back to it: passes with no HELO or HELO mail.example.test

describe("a one-off check with another HELO leaves a watch alone", () => {
  const platform = new RecordingPlatform("console");
  // No scheduled run within the test: only the baseline run and the one-off checks run.
  const settings = labSettings("watchown", { watchIntervalMs: 3_600_000 });
  const keys = storeKeys(settings.prefix);
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await startLabRuntime(settings, [platform]);
  });
  afterAll(async () => {
    await runtime?.stop();
    await cleanupPrefix(settings.prefix);
  });

  /** Watches IP in `channel` (with `helo`) and waits for its baseline; returns the watch's thread. */
  async function watch(channel: string, helo: string | null): Promise<string> {
    const origin = await platform.command(helo === null ? ["watch", IP] : ["watch", IP, helo], channel);
    const thread = origin?.thread ?? "";
    await platform.waitFor(
      () => platform.in(thread).some((item) => item.message.kind === "watch-baseline"),
      20_000,
    );
    return thread;
  }

  /** What the watch shows: its stored state, its row on the servers page, its `/rdns status` row. */
  async function shown(channel: string) {
    const rows = buildServerRows(await loadSnapshot({ redis: runtime.redis, keys }));
    const status = await channelStatus(
      { redis: runtime.redis, keys },
      { platform: "console", channel, scope: { label: IP, ips: [IP] } },
    );
    return {
      state: await runtime.redis.hget(keys.watchState(`console:${channel}`), IP),
      row: rows.find((row) => row.channel === `console:${channel}`) as ServerRow,
      status: status.rows,
    };
  }

  /** `/rdns <IP> <helo>` from another channel, until its answer is in. */
  async function oneOff(helo: string): Promise<void> {
    const origin = await platform.command([IP, helo], "C-someone");
    const thread = origin?.thread ?? "";
    await platform.waitFor(() => platform.in(thread).some((item) => item.message.kind === "report"), 20_000);
    const report = platform.in(thread).find((item) => item.message.kind === "report")?.message;
    // The one-off itself fails on its HELO: it is the report someone asked for.
    expect(report).toMatchObject({ kind: "report", report: { ip: IP, verdict: "fail" } });
  }

  /** The watch's thread and what it shows, unchanged by one-off checks that fail on their HELO. */
  async function expectUnchangedByOneOffs(channel: string, thread: string, helos: string[]): Promise<void> {
    const before = await shown(channel);
    const posted = platform.in(thread).length;
    for (const helo of helos) await oneOff(helo);
    // The last one-off is the IP's latest report (the detail page shows it, labelled as such).
    expect((await getLastReport(runtime.redis, keys, IP))?.helo?.name).toBe(helos.at(-1));
    // Any notice would have been queued with the one-off's answer: give a late one time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(platform.in(thread)).toHaveLength(posted);
    expect(await shown(channel)).toEqual(before);
  }

  it("a watch with no HELO: nothing in its thread, its state, row and status as they were", async () => {
    const thread = await watch("C-plain", null);
    expect((await shown("C-plain")).row).toMatchObject({ verdict: "pass", helo: null, fcrdns: "pass" });
    // A HELO that does not resolve, then one that resolves elsewhere: both fail the one-off check.
    await expectUnchangedByOneOffs("C-plain", thread, [HELOS.unresolvable, HELOS.elsewhere]);
  });

  it("a watch with its own HELO: the same", async () => {
    const thread = await watch("C-helo", HELOS.equal);
    expect((await shown("C-helo")).row).toMatchObject({
      verdict: "pass",
      helo: { name: HELOS.equal, matchesPtr: true },
      fcrdns: "pass",
    });
    // Other names than the first test's (whose answers the de-duplication window would reuse).
    await expectUnchangedByOneOffs("C-helo", thread, [HELOS.notFqdn, "nothere-either.example.test"]);
  });
});

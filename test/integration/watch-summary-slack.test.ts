// A watch run's summary through Bolt against the fake Web API (issue 28, point 7): a /29 watched
// from Slack, the engine's workers checking it against the DNS lab. Six of its addresses break;
// the next run posts one summary in the watch's thread, within Block Kit's limits, and uploads
// every changed address as one CSV into that thread (the v2 upload flow).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime.js";
import { createSlackHarness, SIGNING_SECRET, type SlackHarness } from "../fakes/slack/harness.js";
import { postSigned, slashCommandForm } from "../fakes/slack/requests.js";
import { until } from "../support/until.js";
import { cleanupPrefix, labSettings, startLabRuntime } from "./engine/support.js";
import { addressesOf, breakSix, csvIps, forget, prepare } from "./watch-summary/support.js";

describe("Slack: six addresses of a /29 break in one run", () => {
  // 192.0.2.176-183: owned by this test.
  const RANGE = "192.0.2.176/29";
  const IPS = addressesOf(176);
  const CHANNEL = "C0SUMMARY";
  const settings = labSettings("summary-slack", { watchIntervalMs: 3_600_000 });
  let h: SlackHarness;
  let runtime: Runtime;

  beforeAll(async () => {
    await prepare(IPS, settings.check);
    h = await createSlackHarness({ mode: "http" });
    runtime = await startLabRuntime(settings, [h.platform]);
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await h?.close();
    await cleanupPrefix(settings.prefix);
    await forget(IPS);
  });

  it("one summary in the watch's thread, within Block Kit's limits, and one CSV of exactly those six", async () => {
    const form = slashCommandForm({
      text: `watch ${RANGE}`,
      channel: CHANNEL,
      responseUrl: `${h.fake.url}/response/watch`,
    });
    const answer = await postSigned(h.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: "application/x-www-form-urlencoded",
    });
    expect(answer.status).toBe(200);
    const watchTs = (
      await until("the watch's thread", () => h.fake.posted.find((m) => m.thread_ts === undefined), 15_000)
    ).ts;
    const inThread = () => h.fake.posted.filter((m) => m.thread_ts === watchTs);
    await until("the baseline", () => inThread()[0], 30_000);

    const broken = await breakSix(IPS, settings.check);
    await runtime.queues.watch.add(
      "run",
      { kind: "run", channel: `slack:${CHANNEL}`, target: RANGE },
      { jobId: `run-${randomUUID()}` },
    );
    const upload = await until("the CSV upload", () => h.fake.uploads[0], 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const replies = inThread().slice(1);
    expect(replies).toHaveLength(1);
    const [summary] = replies;
    expect(summary?.text).toContain(`${RANGE}\`: 6 addresses changed in one run: 6 broke`);
    const blocks = summary?.blocks as { type: string; text?: { text: string } }[];
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const block of blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    expect(blocks.map((block) => block.text?.text ?? "").join("\n")).toContain("*`NO_PTR`*: 6 addresses");

    expect(h.fake.uploads).toHaveLength(1);
    expect(upload).toMatchObject({ filename: "rdns-watch-changes.csv", channel: CHANNEL, threadTs: watchTs });
    expect(csvIps(upload.content)).toEqual(broken);
  }, 90_000);
});

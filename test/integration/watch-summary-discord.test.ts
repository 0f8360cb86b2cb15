// A watch run's summary through discord.js against the fake gateway and REST (issue 28, point
// 7): a /29 watched from Discord, the engine's workers checking it against the DNS lab. Six of
// its addresses break; the next run posts one summary embed in the watch's thread, within
// Discord's limits, carrying every changed address as one CSV (files[0] of the message).
//
// Bolt is loaded first, as in `rdns serve` with Slack and Discord both configured: its Socket Mode
// brings undici 7, which claims the default HTTP agent every undici of the process shares. A
// message with a file must still reach Discord (src/platforms/discord/client.ts restAgent).
import "@slack/bolt";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type Runtime, startRuntime } from "../../src/runtime.js";
import { type EngineSettings, settingsFromConfig } from "../../src/settings.js";
import { FakeDiscord } from "../fakes/discord/index.js";
import { until } from "../support/until.js";
import { cleanupPrefix, logger } from "./engine/support.js";
import { addressesOf, breakSix, csvIps, forget, prepare } from "./watch-summary/support.js";

const lab = inject("lab");

describe("Discord: six addresses of a /29 break in one run", () => {
  // 192.0.2.184-191: owned by this test.
  const RANGE = "192.0.2.184/29";
  const IPS = addressesOf(184);
  let fake: FakeDiscord;
  let runtime: Runtime;
  let settings: EngineSettings;

  beforeAll(async () => {
    fake = await new FakeDiscord().start();
    const config = loadConfig({
      QUEUE_PREFIX: `test-summary-discord-${randomUUID().slice(0, 8)}`,
      DISCORD_TOKEN: "fake-token",
      DISCORD_API_URL: fake.apiUrl,
      LOG_LEVEL: "silent",
    });
    settings = {
      ...settingsFromConfig(config),
      check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 },
      checkRetryDelayMs: 200,
      deliveryRetryDelayMs: 200,
      watchIntervalMs: 3_600_000,
    };
    await prepare(IPS, settings.check);
    runtime = await startRuntime({ config, logger, bot: true, worker: true, settings });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await fake?.stop();
    if (settings !== undefined) await cleanupPrefix(settings.prefix);
    await forget(IPS);
  });

  it("one summary embed in the watch's thread, within Discord's limits, with one CSV of exactly those six", async () => {
    fake.slashCommand("watch", { range: RANGE });
    const thread = await until(
      "the watch's thread",
      () => [...fake.channels.values()].find((c) => c.type === 11),
      20_000,
    );
    const inThread = () => fake.rest.botMessages(thread.id as string);
    await until("the baseline", () => inThread()[0], 30_000);

    const broken = await breakSix(IPS, settings.check);
    await runtime.queues.watch.add(
      "run",
      { kind: "run", channel: `discord:${fake.generalChannelId}`, target: RANGE },
      { jobId: `run-${randomUUID()}` },
    );
    await until("the summary", () => inThread()[1], 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const replies = inThread().slice(1);
    expect(replies).toHaveLength(1);
    const [summary] = replies;
    const embeds = summary?.embeds as { title?: string; description?: string }[];
    expect(embeds).toHaveLength(1);
    expect(embeds[0]?.title).toBe(`Watch ${RANGE}: 6 addresses changed in one run: 6 broke`);
    expect(embeds[0]?.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(embeds[0]?.description).toContain("**NO\\_PTR**: 6 addresses");
    expect(summary?.allowed_mentions).toMatchObject({ parse: [] });
    const files = summary?.attachments as { filename: string; content: string }[];
    expect(files.map((file) => file.filename)).toEqual(["rdns-watch-changes.csv"]);
    expect(csvIps(files[0]?.content ?? "")).toEqual(broken);
  }, 90_000);
});

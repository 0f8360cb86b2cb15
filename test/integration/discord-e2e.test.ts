// The whole flow behind Discord: the real discord.js against the loopback fake, the engine's
// handlers, BullMQ queues and workers on the real Redis, and runCheck against the DNS lab.
// `/rdns check` -> deferred -> thread -> check worker -> delivery worker -> verdict on the parent
// and the report in the thread; a fixed PTR -> re-check -> "cleared" in the same thread.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { type Runtime, startRuntime } from "../../src/runtime.js";
import { type EngineSettings, settingsFromConfig } from "../../src/settings.js";
import { FakeDiscord } from "../fakes/discord/index.js";
import { connectLab } from "../lab/lab.js";
import { CASES, SPARE_NO_PTR, SPARE_WITH_PTR } from "../lab/zones.js";
import { until as poll } from "../support/until.js";

const lab = inject("lab");
const logger = createLogger(process.env.TEST_LOG ?? "silent");

/** Through queues, workers and DNS: waits longer than the platform tests do. */
function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  return poll(what, probe, timeoutMs);
}

describe("Discord end to end: real discord.js, Redis, BullMQ workers and the DNS lab", () => {
  let fake: FakeDiscord;
  let runtime: Runtime;
  let settings: EngineSettings;

  beforeEach(async () => {
    fake = await new FakeDiscord().start();
    // The platform comes from the registry (src/platforms/registry.ts), as `rdns serve` makes it.
    const config = loadConfig({
      QUEUE_PREFIX: `test-discord-${randomUUID().slice(0, 8)}`,
      DISCORD_TOKEN: "fake-token",
      DISCORD_API_URL: fake.apiUrl,
      SUPPORT_CHANNELS: fake.supportChannelId,
      LOG_LEVEL: "silent",
    });
    settings = {
      ...settingsFromConfig(config),
      check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 },
      dedupWindowMs: 0,
      watchIntervalMs: 1000,
      recheckMarginMs: 500,
      recheckBackoffMs: [1000],
      checkRetryDelayMs: 200,
      deliveryRetryDelayMs: 200,
      lockDurationMs: 5000,
      stalledIntervalMs: 5000,
    };
    runtime = await startRuntime({ config, logger, bot: true, worker: true, settings });
  });

  afterEach(async () => {
    const keys = await runtime.redis.keys(`${settings.prefix}:*`);
    if (keys.length > 0) await runtime.redis.del(...keys);
    await runtime.stop();
    await fake.stop();
  });

  it("/rdns check of an IP without PTR: verdict embed on the parent, report in its thread, once", async () => {
    fake.slashCommand("check", { ip: CASES.nxdomain });
    const parent = await until("the verdict on the parent", () =>
      fake.rest.botMessages(fake.generalChannelId).find((m) => m.embeds.length > 0),
    );
    expect(parent.embeds[0]).toMatchObject({ color: 0xe74c3c, title: expect.stringContaining("fails") });
    expect(JSON.stringify(parent.embeds[0])).toContain("nxdomain");
    const report = await until("the report in the thread", () => fake.rest.botMessages(parent.id)[0]);
    expect(JSON.stringify(report.embeds)).toContain("NO_PTR");
    // Deferred first (type 5), and the parent edited through the channel with the bot token.
    expect(fake.rest.requests.find((r) => r.path.startsWith("/interactions/"))?.body).toMatchObject({
      type: 5,
    });
    expect(
      fake.rest.requests.some(
        (r) => r.method === "PATCH" && r.path === `/channels/${fake.generalChannelId}/messages/${parent.id}`,
      ),
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.rest.botMessages(parent.id)).toHaveLength(1);
  });

  it("a pasted Gmail bounce: thread on the message, the bounce's facts and the check of its IP", async () => {
    const id = fake.postMessage(
      `customer got this:\n550-5.7.25 [${CASES.nxdomain}] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not accept messages from IPs with missing PTR records. - gsmtp`,
    );
    const facts = await until("the bounce in the thread", () =>
      fake.rest.botMessages(id).find((m) => JSON.stringify(m.embeds).includes("Bounce read")),
    );
    expect(JSON.stringify(facts.embeds)).toContain("5.7.25");
    const report = await until("the report in the thread", () =>
      fake.rest
        .botMessages(id)
        .find((m) => JSON.stringify(m.embeds).includes(`Report for ${CASES.nxdomain}`)),
    );
    expect(report.embeds[0]).toMatchObject({ color: 0xe74c3c });
    expect(fake.channels.get(id)).toMatchObject({ type: 11, parent_id: fake.supportChannelId });
    // Nothing else posted in the support channel itself.
    expect(fake.rest.botMessages(fake.supportChannelId)).toHaveLength(0);
  });

  it("/rdns watch: a thread for the watch, and 'broke' in it when the PTR is removed", async () => {
    const ip = SPARE_WITH_PTR[4] as string;
    const control = connectLab(lab);
    try {
      fake.slashCommand("watch", { range: ip });
      const thread = await until("the watch thread", () =>
        [...fake.channels.values()].find((c) => c.type === 11),
      );
      expect(thread.name).toMatch(new RegExp(`^Watching ${ip.replace(/\./g, "\\.")} `));
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the first run sets the baseline
      await control.removePtr(ip);
      const broke = await until(
        "'broke' in the watch thread",
        () =>
          fake.rest.botMessages(thread.id as string).find((m) => JSON.stringify(m.embeds).includes("broke")),
        30_000,
      );
      expect(broke.embeds[0]).toMatchObject({ color: 0xe74c3c, title: expect.stringContaining(ip) });
    } finally {
      await control.setPtr(ip, "ptr64.example.test");
    }
  });

  it("a gateway RECONNECT mid-flow loses nothing: the report still arrives exactly once", async () => {
    fake.slashCommand("check", { ip: CASES.pass });
    await until("the thread", () => [...fake.channels.values()].find((c) => c.type === 11));
    fake.gateway.requestReconnect();
    const parent = await until("the verdict", () =>
      fake.rest.botMessages(fake.generalChannelId).find((m) => m.embeds.length > 0),
    );
    expect(parent.embeds[0]).toMatchObject({ color: 0x2ecc71 });
    await until("the report", () => fake.rest.botMessages(parent.id)[0]);
    await until("the resume", () => fake.gateway.received.find((r) => r.op === 6));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.rest.botMessages(parent.id)).toHaveLength(1);
  });

  it("a PTR fixed at the authority: re-checked when the cache lets go, 'cleared' in the same thread", async () => {
    const ip = SPARE_NO_PTR[8] as string;
    const control = connectLab(lab);
    try {
      fake.slashCommand("check", { ip });
      const parent = await until("the failing verdict", () =>
        fake.rest.botMessages(fake.generalChannelId).find((m) => m.embeds.length > 0),
      );
      expect(parent.embeds[0]).toMatchObject({ color: 0xe74c3c });
      await control.setPtr(ip, "spare59.example.test");
      const cleared = await until(
        "cleared in the thread",
        () => fake.rest.botMessages(parent.id).find((m) => JSON.stringify(m.embeds).includes("Cleared")),
        30_000,
      );
      expect(cleared.embeds[0]).toMatchObject({ color: 0x2ecc71 });
      expect(fake.rest.messages.get(parent.id)?.embeds[0]).toMatchObject({ color: 0x2ecc71 });
    } finally {
      await control.removePtr(ip);
    }
  });
});

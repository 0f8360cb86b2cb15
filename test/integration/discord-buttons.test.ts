// Issue 10, measured (c) on Discord: a press of "Re-check now" (INTERACTION_CREATE type 3,
// MESSAGE_COMPONENT) through the real discord.js and the app's pipeline, acknowledged with a
// deferred update (type 6), starts exactly one check on the DNS lab, whose result lands in the
// thread of the message the button is on. "Stop re-checking" ends the chain once and says who.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { type CheckOptions, runCheck } from "../../src/check/index.js";
import { loadConfig } from "../../src/config.js";
import { storeKeys } from "../../src/keys.js";
import { createLogger } from "../../src/log.js";
import { type Runtime, startRuntime } from "../../src/runtime.js";
import { type EngineSettings, settingsFromConfig } from "../../src/settings.js";
import { openChainsOf } from "../../src/store/chains.js";
import { FakeDiscord, type FakeMessage } from "../fakes/discord/index.js";
import { CASES } from "../lab/zones.js";
import { until as poll } from "../support/until.js";
import { cleanupPrefix } from "./engine/support.js";

const lab = inject("lab");
const logger = createLogger(process.env.TEST_LOG ?? "silent");
const EPHEMERAL = 64;

function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  return poll(what, probe, timeoutMs);
}

type Row = { components: { custom_id: string; label: string }[] };
const customIds = (message: FakeMessage | undefined) =>
  ((message?.components ?? []) as Row[]).flatMap((row) => row.components.map((c) => c.custom_id));

describe("Discord buttons: real discord.js, Redis, BullMQ workers and the DNS lab", () => {
  let fake: FakeDiscord;
  let runtime: Runtime;
  let settings: EngineSettings;
  let checks: Map<string, number>;

  beforeEach(async () => {
    fake = await new FakeDiscord().start();
    checks = new Map();
    const config = loadConfig({
      QUEUE_PREFIX: `test-discord-buttons-${randomUUID().slice(0, 8)}`,
      DISCORD_TOKEN: "fake-token",
      DISCORD_API_URL: fake.apiUrl,
      SUPPORT_CHANNELS: fake.supportChannelId,
      LOG_LEVEL: "silent",
    });
    settings = {
      ...settingsFromConfig(config),
      check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 },
      checkRetryDelayMs: 200,
      deliveryRetryDelayMs: 200,
      lockDurationMs: 5000,
      stalledIntervalMs: 5000,
    };
    runtime = await startRuntime({
      config,
      logger,
      bot: true,
      worker: true,
      settings,
      runCheck: (options: CheckOptions) => {
        checks.set(options.ip, (checks.get(options.ip) ?? 0) + 1);
        return runCheck(options);
      },
    });
  });

  afterEach(async () => {
    const keys = await runtime.redis.keys(`${settings.prefix}:*`);
    await runtime.stop();
    if (keys.length > 0) await cleanupPrefix(settings.prefix);
    await fake.stop();
  });

  /** `/rdns check`, then the verdict on the parent and the report in its thread. */
  async function checked(ip: string): Promise<{ parent: FakeMessage; report: FakeMessage }> {
    fake.slashCommand("check", { ip, helo: "mail.example.test" });
    const parent = await until("the verdict on the parent", () =>
      fake.rest.botMessages(fake.generalChannelId).find((m) => m.embeds.length > 0),
    );
    const report = await until("the report in the thread", () => fake.rest.botMessages(parent.id).at(-1));
    return { parent, report };
  }

  const ephemerals = () => fake.rest.botMessages().filter((m) => (m.flags & EPHEMERAL) !== 0);
  const reports = (threadId: string, ip: string) =>
    fake.rest.botMessages(threadId).filter((m) => JSON.stringify(m.embeds).includes(`Report for ${ip}`));

  it("Re-check now on the report: deferred update, one check, its result in the same thread", async () => {
    const { parent, report } = await checked(CASES.pass);
    expect(checks.get(CASES.pass)).toBe(1);
    expect(customIds(report)).toEqual([
      `rdns:recheck:${CASES.pass}/mail.example.test`,
      `rdns:watch:${CASES.pass}`,
    ]);
    const id = fake.pressButton(report.id, customIds(report)[0] as string);
    const callback = await until("the acknowledgement", () =>
      fake.rest.requests.find((r) => r.path.startsWith(`/interactions/${id}/`)),
    );
    expect(callback.body).toMatchObject({ type: 6 });
    await until("the re-check's report in the thread", () => reports(parent.id, CASES.pass).length >= 2);
    const told = await until("the private answer", () => ephemerals().at(-1));
    expect(told.channel_id).toBe(parent.id);
    expect(told.content).toContain("Re-checking");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(checks.get(CASES.pass)).toBe(2);
    expect(reports(parent.id, CASES.pass)).toHaveLength(2);
    // Nothing new in the channel itself: the result went to the thread.
    expect(
      fake.rest.botMessages(fake.generalChannelId).filter((m) => (m.flags & EPHEMERAL) === 0),
    ).toHaveLength(1);
  });

  it("Re-check now on the parent verdict: the result in the thread hanging off it, the verdict brought up to date", async () => {
    const { parent } = await checked(CASES.pass);
    const edits = () =>
      fake.rest.requests.filter(
        (r) => r.method === "PATCH" && r.path === `/channels/${fake.generalChannelId}/messages/${parent.id}`,
      ).length;
    const before = edits();
    fake.pressButton(parent.id, customIds(parent)[0] as string);
    await until("the re-check's report in the thread", () => reports(parent.id, CASES.pass).length >= 2);
    await until("the verdict edited again", () => edits() > before);
    expect(checks.get(CASES.pass)).toBe(2);
  });

  it("Stop re-checking ends the chain once: the thread says who, a second press is told privately", async () => {
    const { parent, report } = await checked(CASES.nxdomain);
    const stop = await until("the stop button on the open chain's report", () =>
      customIds(report).find((id) => id.startsWith("rdns:stop:")),
    );
    expect(customIds(report)[0]).toBe(`rdns:recheck:${stop.slice("rdns:stop:".length)}`);
    fake.pressButton(report.id, stop);
    const said = await until("who stopped it, in the thread", () =>
      fake.rest.botMessages(parent.id).find((m) => m.content.includes("stopped re-checking")),
    );
    expect(said.content).toContain("Alice stopped re-checking");
    fake.pressButton(report.id, stop);
    const second = await until("the second press's private answer", () =>
      ephemerals().find((m) => m.content.includes("already ended")),
    );
    expect(second.content).toContain("stopped by Alice");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      fake.rest.botMessages(parent.id).filter((m) => m.content.includes("stopped re-checking")),
    ).toHaveLength(1);
    // Re-check now still works on the stopped chain's message: the chain names the IP and HELO.
    fake.pressButton(report.id, customIds(report)[0] as string);
    await until("the re-check's report in the thread", () => reports(parent.id, CASES.nxdomain).length >= 2);
    expect(checks.get(CASES.nxdomain)).toBe(2);
  });

  it("Re-check now on a failing chain: the chain adopts the check, one open chain, one stopped notice", async () => {
    const { parent, report } = await checked(CASES.nxdomain);
    const keys = storeKeys(settings.prefix);
    const [chainId] = await openChainsOf(runtime.redis, keys, CASES.nxdomain);
    expect(customIds(report)[0]).toBe(`rdns:recheck:${chainId}`);
    fake.pressButton(report.id, customIds(report)[0] as string);
    await until("the re-check's report in the thread", () => reports(parent.id, CASES.nxdomain).length >= 2);
    expect(checks.get(CASES.nxdomain)).toBe(2);
    // Still failing, still the one chain the button belongs to; the new result's buttons act on it.
    expect(await openChainsOf(runtime.redis, keys, CASES.nxdomain)).toEqual([chainId]);
    const second = reports(parent.id, CASES.nxdomain)[1] as FakeMessage;
    expect(customIds(second)).toContain(`rdns:stop:${chainId}`);
    fake.pressButton(second.id, `rdns:stop:${chainId}`);
    const stopped = () =>
      fake.rest.botMessages(parent.id).filter((m) => m.content.includes("stopped re-checking"));
    await until("who stopped it, in the thread", () => stopped().length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stopped()).toHaveLength(1);
    expect(await openChainsOf(runtime.redis, keys, CASES.nxdomain)).toEqual([]);
  });

  it("a custom id that is not a button we made is answered privately; nothing is checked", async () => {
    const { report } = await checked(CASES.pass);
    fake.pressButton(report.id, "rdns:recheck:10.0.0.1");
    await until("the private answer", () => ephemerals().find((m) => m.content.includes("out of date")));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(checks.get(CASES.pass)).toBe(1);
    expect(checks.get("10.0.0.1")).toBeUndefined();
  });
});

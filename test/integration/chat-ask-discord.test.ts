// Acting on any message in Discord (docs/chat-commands.md "Act on any message", "Autocomplete"):
// the "Check with rdns" message context-menu command (type 2 / data type 3 with
// resolved.messages), mentions, DMs and autocomplete (type 4), through the real discord.js
// against the fake REST and gateway, with the app's real pipeline on real Redis and the Discord
// delivery worker.
import { performance } from "node:perf_hooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatPlatform } from "../../src/chat/types.js";
import { storeKeys } from "../../src/keys.js";
import { createLogger } from "../../src/log.js";
import { createDiscordPlatform } from "../../src/platforms/discord/index.js";
import { FakeDiscord, type FakeMessage, PERSON } from "../fakes/discord/index.js";
import { seededIp, seedWatches } from "../support/seed-watches.js";
import { until } from "../support/until.js";
import { startTestApp, type TestApp } from "./platform-contract/app.js";

const EPHEMERAL = 64;
const bounce = (ip: string) =>
  `550-5.7.25 [${ip}] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.`;
const shown = (m: FakeMessage) => `${m.content}\n${JSON.stringify(m.embeds)}`.replace(/\\/g, "");

describe("Discord: act on any message, autocomplete", () => {
  let app: TestApp;
  let fake: FakeDiscord;
  let platform: ChatPlatform;

  beforeEach(async () => {
    app = await startTestApp("ask-discord", null);
    fake = await new FakeDiscord().start();
    platform = createDiscordPlatform(
      {
        DISCORD_TOKEN: "fake-token",
        DISCORD_API_URL: fake.apiUrl,
        SUPPORT_CHANNELS: [fake.supportChannelId],
      },
      createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    );
    await platform.start(app.handlers);
    app.deliver(platform);
  });
  afterEach(async () => {
    await platform.stop();
    await fake.stop();
    await app.close();
  });

  const inChannel = (channelId: string) =>
    [...fake.rest.messages.values()].filter((m) => m.channel_id === channelId);

  it("answers 'Check with rdns' on a bounce in a thread on that message", async () => {
    const target = fake.postMessage(bounce("203.0.113.51"), { channelId: fake.generalChannelId });
    const token = fake.messageCommand(target, fake.generalChannelId);
    const reading = await until("the reading in the thread", () =>
      inChannel(target).find((m) => shown(m).includes("203.0.113.51")),
    );
    expect(fake.channels.get(target)?.type).toBe(11); // a thread on the message itself
    expect(shown(reading)).toMatch(/PTR|reverse DNS/i);
    // The ephemeral "thinking…" says where the answer went.
    const original = await until("the ephemeral note", () => {
      const id = fake.rest.originals.get(token);
      const message = id === undefined ? undefined : fake.rest.messages.get(id);
      return message?.content.includes("thread") && message;
    });
    expect(original.flags & EPHEMERAL).toBe(EPHEMERAL);
  });

  it("answers privately, saying why, where the bot may not post; the results go to a DM", async () => {
    const closed = fake.addTextChannel("theirs");
    fake.rest.closed.add(closed);
    const target = fake.postMessage(bounce("203.0.113.52"), { channelId: closed });
    const token = fake.messageCommand(target, closed, 2);
    const said = await until("the private reason", () => {
      const id = fake.rest.originals.get(token);
      const message = id === undefined ? undefined : fake.rest.messages.get(id);
      return message?.content.includes("can't post") && message;
    });
    expect(said.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(said.content).toContain("Missing Access");
    const dm = await until("the reading in a DM", () =>
      [...fake.rest.messages.values()].find(
        (m) => fake.channels.get(m.channel_id)?.type === 1 && shown(m).includes("203.0.113.52"),
      ),
    );
    expect(fake.channels.get(dm.channel_id)?.recipients).toMatchObject([{ id: PERSON.id }]);
    // Nothing public there: only the person's message and the interaction's ephemeral answer.
    expect(inChannel(closed).filter((m) => m.id !== target && (m.flags & EPHEMERAL) === 0)).toEqual([]);
  });

  it("reads an attached .eml on the chosen message, and says plainly when there is nothing", async () => {
    const withFile = fake.postMessage("see attached", {
      channelId: fake.generalChannelId,
      attachments: [
        { name: "bounce.eml", content: Buffer.from(`Subject: failure\n\n${bounce("203.0.113.53")}\n`) },
      ],
    });
    fake.messageCommand(withFile, fake.generalChannelId);
    await until("the file's reading", () =>
      inChannel(withFile).find((m) => shown(m).includes("203.0.113.53")),
    );
    const nothing = fake.postMessage("lunch at noon?", { channelId: fake.generalChannelId });
    const token = fake.messageCommand(nothing, fake.generalChannelId);
    await until("the plain private answer", () => {
      const id = fake.rest.originals.get(token);
      return id !== undefined && fake.rest.messages.get(id)?.content.includes("found nothing to check");
    });
    expect(fake.channels.has(nothing)).toBe(false); // no thread opened for it
  });

  it("answers a mention and a DM", async () => {
    const mention = fake.postMessage(`<@${fake.applicationId}> 203.0.113.54`, {
      channelId: fake.generalChannelId,
      mentionsBot: true,
    });
    await until("the mention's answer", () =>
      inChannel(mention).find((m) => shown(m).includes("203.0.113.54")),
    );
    const dm = "1900000000000000001";
    fake.channels.set(dm, { id: dm, type: 1, recipients: [PERSON] });
    const asked = fake.postMessage(bounce("203.0.113.55"), { channelId: dm, dm: true });
    // Threads cannot hang in a DM: the answer is a reply to the message, in the DM.
    const answer = await until("the DM's answer", () =>
      inChannel(dm).find((m) => m.author.id === fake.applicationId && shown(m).includes("203.0.113.55")),
    );
    expect(answer.message_reference).toMatchObject({ message_id: asked });
  });

  it("autocompletes address options from 65,536 watched addresses within 3 s, at most 25", async () => {
    const keys = storeKeys(app.prefix);
    const redis = (await import("ioredis")).Redis;
    const client = new redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      await seedWatches(client, keys, `discord:${fake.generalChannelId}`, 65_536);
    } finally {
      await client.quit();
    }
    const times: number[] = [];
    for (const [sub, option, typed] of [
      ["status", "range", "198.18.3"],
      ["unwatch", "range", "198.18.200.1"],
      ["recheck", "ip", ""],
      ["stop", "ip", "198.18.255.25"],
      ["watch", "range", "198"],
    ] as const) {
      const started = performance.now();
      const token = fake.autocomplete(sub, option, typed);
      const answer = await until(
        "the autocomplete answer",
        () => fake.rest.autocompleteAnswers.get(token),
        3000,
      );
      times.push(answer.at - started);
      expect(answer.choices.length).toBeLessThanOrEqual(25);
      for (const choice of answer.choices) expect(choice.value.startsWith(typed)).toBe(true);
      if (sub === "status") {
        expect(answer.choices).toHaveLength(25);
        expect(answer.choices.every((c) => c.value.startsWith("198.18.3"))).toBe(true);
      }
      if (sub === "unwatch") expect(answer.choices[0]?.value).toBe("198.18.200.1");
      // The addresses that start with what was typed; the shortest (the exact one) first.
      if (sub === "stop")
        expect(answer.choices.map((c) => c.value)).toEqual([
          "198.18.255.25",
          ...[0, 1, 2, 3, 4, 5].map((n) => seededIp(65530 + n)),
        ]);
      if (sub === "watch") expect(answer.choices).toEqual([]); // not an option offered choices
    }
    expect(Math.max(...times)).toBeLessThan(3000);
  });
});

// The Discord platform for the contract suite: real discord.js against the fake gateway and
// REST. A command line in Discord's syntax (`/rdns check ip:… helo:…`) becomes an
// INTERACTION_CREATE with those options; ephemeral follow-ups are private, the rest public.
import { OPTIONS } from "../../../src/app/command-syntax.js";
import type { ChatPlatform } from "../../../src/chat/types.js";
import { createLogger } from "../../../src/log.js";
import { buildRdnsCommand } from "../../../src/platforms/discord/commands.js";
import { createDiscordPlatform } from "../../../src/platforms/discord/index.js";
import { FakeDiscord, type FakeMessage } from "../../fakes/discord/index.js";
import type { TestApp } from "./app.js";
import { type PastePlace, type PlatformDriver, until } from "./driver.js";

const EPHEMERAL = 64;

/** Discord markdown escapes and mention breakers, undone; code spans unwrapped. */
function plain(text: unknown): string {
  return String(text ?? "")
    .replace(/\u200b/g, "")
    .replace(/`/g, "")
    .replace(/\\([\\*_~|>#\-.:<[\]()])/g, "$1");
}

/** `/rdns check ip:203.0.113.5 helo:x` -> ["check", { ip, helo }] (no spaces inside values). */
function options(line: string): [string, Record<string, string>] {
  const [, sub = "help", ...pairs] = line.trim().split(/\s+/);
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(":");
    values[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return [sub, values];
}

/** SUPPORT_CHANNELS lists the fake's support channel by id, and two more channels by name. */
function start(fake: FakeDiscord): ChatPlatform {
  return createDiscordPlatform(
    {
      DISCORD_TOKEN: "fake-token",
      DISCORD_API_URL: fake.apiUrl,
      SUPPORT_CHANNELS: [fake.supportChannelId, "bounces", "#postmaster"],
    },
    createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
  );
}

const ANOTHER_BOT = {
  id: "1100000000000000077",
  username: "other",
  discriminator: "0",
  avatar: null,
  bot: true,
};

/** A message as a reader sees it: its text and its embeds' text. */
function shown(message: FakeMessage): string {
  const embeds = message.embeds as {
    title?: string;
    description?: string;
    fields?: { name: string; value: string }[];
  }[];
  return plain(
    [
      message.content,
      ...embeds.flatMap((embed) => [
        embed.title ?? "",
        embed.description ?? "",
        ...(embed.fields ?? []).map((field) => `${field.name}: ${field.value}`),
      ]),
    ].join("\n"),
  );
}

export function discordDriver(): PlatformDriver {
  let fake: FakeDiscord | null = null;
  let platform: ChatPlatform | null = null;
  const world = () => {
    if (fake === null) throw new Error("not started");
    return fake;
  };
  const followUps = () =>
    world().rest.requests.filter((r) => r.method === "POST" && /^\/webhooks\/\d+\/[^/]+$/.test(r.path));
  const privateAnswers = () =>
    followUps()
      .filter((r) => ((r.body?.flags as number | undefined) ?? 0) & EPHEMERAL)
      .map((r) => plain(r.body?.content));
  const channels = new Map<NonNullable<PastePlace["channel"]>, string>();
  const posedAsBot = new Set<string>();
  return {
    name: "discord",
    syntax: OPTIONS,
    async start(app: TestApp) {
      fake = await new FakeDiscord().start();
      // Before the bot connects: the guild it receives holds them.
      channels.set("by-id", fake.supportChannelId);
      channels.set("by-name", fake.addTextChannel("bounces"));
      channels.set("by-hash-name", fake.addTextChannel("postmaster"));
      channels.set("elsewhere", fake.generalChannelId);
      platform = start(fake);
      await platform.start(app.handlers);
    },
    sender() {
      if (platform === null) throw new Error("not started");
      return platform;
    },
    world: { channels: true, bots: true, threads: true, edits: true },
    async paste(text: string, place: PastePlace = {}) {
      const f = world();
      let channelId = channels.get(place.channel ?? "by-id") as string;
      if (place.inThread === true) {
        // A person's thread on their own question, then the paste inside it.
        const question = f.postMessage("a question", { channelId });
        channelId = f.openPersonThread(channelId, question);
      }
      const author = { person: undefined, "another-bot": ANOTHER_BOT, itself: { ...f.botUser } }[
        place.author ?? "person"
      ];
      const id = f.postMessage(text, { channelId, ...(author === undefined ? {} : { author }) });
      if (place.author === "itself") posedAsBot.add(id);
      return id;
    },
    async pasteFile(name: string, content: Buffer, contentType: string) {
      const channelId = channels.get("by-id") as string;
      return world().postMessage("", { channelId, attachments: [{ name, content, contentType }] });
    },
    async edit(handle: string, text: string) {
      world().editMessage(handle, text);
    },
    // A thread on a message has that message's id.
    answersOn: (handle: string) => world().rest.botMessages(handle).map(shown),
    // What the bot sent (a message the scenario posted in the bot's name is not one).
    botTexts: () =>
      world()
        .rest.botMessages()
        .filter((message) => !posedAsBot.has(message.id))
        .map(shown),
    async send(line: string) {
      const f = world();
      const [sub, values] = options(line);
      const sent = Date.now();
      const id = f.slashCommand(sub, values);
      const callback = await until("the interaction's acknowledgement", () =>
        f.rest.requests.find((r) => r.path.startsWith(`/interactions/${id}/`)),
      );
      if ((callback.body as { type?: number } | null)?.type !== 5) throw new Error("not deferred");
      return callback.at - sent;
    },
    async pressWatch(ip: string) {
      const f = world();
      // A message of the bot's in the channel, carrying the button, as a check result would.
      const message = f.rest.createMessage(f.generalChannelId, { content: "result" });
      const sent = Date.now();
      const id = f.pressButton(message.id, `rdns:watch:${ip}`);
      const callback = await until("the press's acknowledgement", () =>
        f.rest.requests.find((r) => r.path.startsWith(`/interactions/${id}/`)),
      );
      if ((callback.body as { type?: number } | null)?.type !== 6) throw new Error("not a deferred update");
      return callback.at - sent;
    },
    async waitForPrivate(count) {
      await until(`${count} private answers`, () => privateAnswers().length >= count);
    },
    privateAnswers,
    publicMessages: () =>
      world()
        .rest.botMessages()
        .filter((message) => (message.flags & EPHEMERAL) === 0 && message.content !== "")
        .map((message) => plain(message.content)),
    publicNow: () =>
      world()
        .rest.botMessages()
        .filter((message) => (message.flags & EPHEMERAL) === 0)
        .map((message) =>
          plain(
            [
              message.content,
              ...(message.embeds as { description?: string }[]).map((embed) => embed.description ?? ""),
            ].join("\n"),
          ),
        ),
    threadsOpened: () => [...world().channels.values()].filter((channel) => channel.type === 11).length,
    accepts(app, line) {
      // What Discord's client lets a user send: the registered subcommand with its declared options.
      const [sub, values] = options(line);
      const json = buildRdnsCommand(app.commands).toJSON();
      const registered = (
        json.options as { name: string; options?: { name: string; required?: boolean }[] }[]
      ).find((option) => option.name === sub);
      if (registered === undefined) return false;
      const declared = registered.options ?? [];
      return (
        Object.keys(values).every((name) => declared.some((option) => option.name === name)) &&
        declared.every((option) => option.required !== true || values[option.name] !== undefined)
      );
    },
    async stop() {
      await platform?.stop();
      await fake?.stop();
      platform = null;
      fake = null;
    },
    async failedStart() {
      const refusing = await new FakeDiscord({ refuseIdentify: 4004 }).start();
      const wrong = start(refusing);
      try {
        await wrong.start({ onCommand: async () => {}, onPaste: async () => {}, onButton: async () => {} });
        return null;
      } catch (error) {
        return (error as Error).message;
      } finally {
        await wrong.stop();
        await refusing.stop();
      }
    },
  };
}

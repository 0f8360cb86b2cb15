// The Discord front end with the real discord.js against the loopback fake (test/fakes/discord):
// inbound slash commands and pasted bounces, outbound deliveries, reconnects and rate limits.
// The app side is a small recording InboundHandlers that does what the engine does.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  ChatPlatform,
  CommandRequest,
  InboundHandlers,
  Origin,
  PastedMessage,
} from "../../src/chat/types.js";
import { ConfigError } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { createDiscordPlatform } from "../../src/platforms/discord/index.js";
import { MAX_ATTACHMENT_BYTES } from "../../src/platforms/discord/messages.js";
import { FakeDiscord } from "../fakes/discord/index.js";
import { makeReport } from "../fixtures/check-report.js";
import { until } from "../support/until.js";

/** Records what arrives and answers like the engine: checks open a thread, mistakes go private. */
class RecordingHandlers implements InboundHandlers {
  commands: CommandRequest[] = [];
  pastes: PastedMessage[] = [];
  origins: Origin[] = [];

  async onCommand(
    request: CommandRequest,
    respond: Parameters<InboundHandlers["onCommand"]>[1],
  ): Promise<void> {
    this.commands.push(request);
    const [verb, first = "", second] = request.args;
    if (verb === "help") {
      await respond.replyPublicly({ kind: "notice", text: "Use /rdns check ip:203.0.113.5" });
    } else if (!/^[\d.:a-f]+$/i.test(first)) {
      await respond.replyPrivately({
        kind: "usage-error",
        problem: `"${first}" is not an IP address.`,
        example: "/rdns check ip:203.0.113.5 helo:mail.example.com",
      });
    } else {
      this.origins.push(await respond.openThread({ kind: "checking", ip: first, helo: second ?? null }));
    }
  }

  async onPaste(message: PastedMessage, respond: Parameters<InboundHandlers["onPaste"]>[1]): Promise<void> {
    this.pastes.push(message);
    const text = message.text + message.attachments.map((a) => a.content.toString("utf8")).join("\n");
    if (/5\.7\.25/.test(text)) this.origins.push(await respond.openThread());
  }

  async onButton(): Promise<void> {}
}

describe("Discord platform against the fake Discord", () => {
  let fake: FakeDiscord;
  let platform: ChatPlatform;
  let handlers: RecordingHandlers;

  beforeEach(async () => {
    fake = await new FakeDiscord({ heartbeatIntervalMs: 300 }).start();
    platform = createDiscordPlatform(
      {
        DISCORD_TOKEN: "fake-token",
        DISCORD_API_URL: fake.apiUrl,
        SUPPORT_CHANNELS: [fake.supportChannelId],
      },
      createLogger(process.env.TEST_LOG ?? "silent"),
    );
    handlers = new RecordingHandlers();
    await platform.start(handlers);
  });

  afterEach(async () => {
    await platform.stop();
    await fake.stop();
  });

  it("is ready while its gateway session is, and not once stopped (/readyz)", async () => {
    expect(platform.ready()).toBe(true);
    await platform.stop();
    expect(platform.ready()).toBe(false);
  });

  it("connects through GET /gateway/bot on DISCORD_API_URL and identifies with the intents it needs", () => {
    expect(fake.rest.requests.some((r) => r.method === "GET" && r.path === "/gateway/bot")).toBe(true);
    const identify = fake.gateway.received.find((r) => r.op === 2);
    // Guilds (1) | GuildMessages (512) | MessageContent (32768) | DirectMessages (4096)
    expect((identify?.d as { intents: number }).intents).toBe(1 | 512 | 32768 | 4096);
  });

  it("keeps the connection: heartbeats are acknowledged, no zombie reconnects", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.gateway.received.filter((r) => r.op === 1).length).toBeGreaterThanOrEqual(3);
    expect(fake.gateway.connectionCount).toBe(1);
  });

  it("/rdns check: deferred at once, original edited, thread on it, verdict edit and report in the thread", async () => {
    const dispatchedAt = Date.now();
    const interactionId = fake.slashCommand("check", { ip: "203.0.113.5", helo: "mail.example.test" });
    const origin = await until("the thread", () => handlers.origins[0]);

    const first = fake.rest.requests.find((r) => r.path.startsWith("/interactions/"));
    expect(first?.path).toBe(`/interactions/${interactionId}/token-${interactionId}/callback`);
    expect(first?.body).toMatchObject({ type: 5 });
    // Deferred well inside Discord's 3 s, before the app is even asked.
    expect((first?.at ?? Infinity) - dispatchedAt).toBeLessThan(1000);
    expect(handlers.commands[0]).toMatchObject({
      platform: "discord",
      requestId: interactionId,
      channel: fake.generalChannelId,
      args: ["check", "203.0.113.5", "mail.example.test"],
    });

    const parentId = origin.parent?.split(":")[2] as string;
    expect(origin).toEqual({
      platform: "discord",
      channel: fake.generalChannelId,
      parent: `discord:${fake.generalChannelId}:${parentId}`,
      thread: `discord:${parentId}`,
    });
    expect(fake.rest.messages.get(parentId)?.content).toContain("Checking 203.0.113.5");
    expect(fake.channels.get(parentId)).toMatchObject({ type: 11, parent_id: fake.generalChannelId });

    // What the delivery worker does later, with the bot token (the interaction token expires).
    const report = makeReport();
    await platform.update(origin.parent as string, { kind: "verdict", report });
    await platform.reply(origin.thread, { kind: "report", report });
    await platform.reply(origin.thread, {
      kind: "cleared",
      report: makeReport({ verdict: "pass" }),
      elapsedSeconds: 300,
      rechecks: 3,
    });

    const edit = fake.rest.requests.filter((r) => r.method === "PATCH" && r.path.startsWith("/channels/"));
    expect(edit.map((r) => r.path)).toEqual([`/channels/${fake.generalChannelId}/messages/${parentId}`]);
    const parent = fake.rest.messages.get(parentId);
    expect(parent?.embeds[0]).toMatchObject({
      color: 0xe74c3c,
      title: expect.stringContaining("203.0.113.5"),
    });
    const inThread = fake.rest.botMessages(parentId);
    expect(inThread).toHaveLength(2);
    expect(JSON.stringify(inThread[0]?.embeds)).toContain("Caches (time left)");
    expect(JSON.stringify(inThread[1]?.embeds)).toContain("Cleared");
  });

  it("answers in the channel itself where it may not open threads (403)", async () => {
    fake.rest.failNext("POST", /\/threads$/, 403);
    fake.slashCommand("check", { ip: "203.0.113.5" });
    const origin = await until("the origin", () => handlers.origins[0]);
    expect(origin.thread).toBe(`discord:${fake.generalChannelId}`);
    await platform.reply(origin.thread, { kind: "notice", text: "in the channel" });
    expect(fake.rest.botMessages(fake.generalChannelId).map((m) => m.content)).toContain("in the channel");
  });

  it("asked inside a thread, answers in that thread (a thread cannot hold a thread)", async () => {
    const threadId = "1200000000000000042";
    fake.channels.set(threadId, {
      id: threadId,
      type: 11,
      guild_id: fake.guildId,
      parent_id: fake.supportChannelId,
      name: "older thread",
      thread_metadata: { archived: false, auto_archive_duration: 1440, locked: false },
    });
    fake.slashCommand("check", { ip: "203.0.113.5" }, threadId);
    const origin = await until("the origin", () => handlers.origins[0]);
    expect(origin.thread).toBe(`discord:${threadId}`);
    expect(origin.parent).toMatch(new RegExp(`^discord:${threadId}:\\d+$`));
    expect(fake.rest.requests.some((r) => r.path.endsWith("/threads"))).toBe(false);
  });

  it("answers a mistake ephemerally with an example, removing the public placeholder", async () => {
    const id = fake.slashCommand("check", { ip: "mail.example.test" });
    await until("the follow-up", () =>
      fake.rest.requests.find((r) => r.method === "POST" && r.path.startsWith("/webhooks/")),
    );
    const followUp = fake.rest.requests.find((r) => r.method === "POST" && r.path.startsWith("/webhooks/"));
    expect(followUp?.body?.flags).toBe(64);
    expect(followUp?.body?.content).toContain("Example: `/rdns check ip:203.0.113.5");
    expect(
      fake.rest.requests.some(
        (r) => r.method === "DELETE" && r.path.endsWith(`token-${id}/messages/@original`),
      ),
    ).toBe(true);
    // What people see: one ephemeral message, and no public one.
    const seen = fake.rest.botMessages(fake.generalChannelId);
    expect(seen.map((m) => m.flags & 64)).toEqual([64]);
  });

  it("repeats at most 80 characters of a huge mistaken option, in one message, cut before escaping", async () => {
    fake.slashCommand("check", { ip: "*_`".repeat(2000) }); // 6,000 characters of markdown
    await until("the follow-up", () =>
      fake.rest.requests.find((r) => r.method === "POST" && r.path.startsWith("/webhooks/")),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = fake.rest.requests.filter((r) => r.method === "POST" && r.path.startsWith("/webhooks/"));
    expect(sent).toHaveLength(1);
    const content = String(sent[0]?.body?.content);
    const quoted = /"(.*)"/.exec(content)?.[1] ?? "";
    expect(quoted).toBe(`${"\\*\\_\\`".repeat(26)}\\*…`); // 79 characters and an ellipsis, each escaped
    expect(content.length).toBeLessThan(500);
  });

  it("reads a pasted bounce in a support channel and opens the thread on that message", async () => {
    const bounce =
      "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup";
    const id = fake.postMessage(`got this today:\n${bounce}`);
    const origin = await until("the paste thread", () => handlers.origins[0]);
    expect(origin).toEqual({
      platform: "discord",
      channel: fake.supportChannelId,
      thread: `discord:${id}`,
      parent: null,
    });
    expect(fake.channels.get(id)).toMatchObject({ type: 11, parent_id: fake.supportChannelId });
    await platform.reply(origin.thread, { kind: "notice", text: "Reading the bounce" });
    expect(fake.rest.botMessages(id)).toHaveLength(1);
  });

  it("downloads an attached .eml (bounded) and passes it on", async () => {
    const eml = Buffer.from("From: MAILER-DAEMON\r\n\r\n550-5.7.25 [203.0.113.5] no PTR\r\n");
    fake.postMessage("", { attachments: [{ name: "bounce.eml", content: eml }] });
    await until("the paste", () => handlers.pastes[0]);
    expect(handlers.pastes[0]?.attachments).toEqual([{ name: "bounce.eml", content: eml }]);
    await until("the thread", () => handlers.origins[0]);
  });

  it("reads at most MAX_ATTACHMENT_BYTES of a large .eml", async () => {
    const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 500_000, "a");
    fake.postMessage("", { attachments: [{ name: "huge.eml", content: big }] });
    const paste = await until("the paste", () => handlers.pastes[0]);
    expect(paste.attachments[0]?.content.length).toBe(MAX_ATTACHMENT_BYTES);
  });

  it("ignores bots (itself included), and messages outside SUPPORT_CHANNELS", async () => {
    fake.postMessage("550-5.7.25 from a bot", { author: { ...fake.botUser } });
    fake.postMessage("550-5.7.25 from another bot", {
      author: { id: "1100000000000000077", username: "other", discriminator: "0", avatar: null, bot: true },
    });
    fake.postMessage("550-5.7.25 in general", { channelId: fake.generalChannelId });
    fake.postMessage("marker");
    await until("the marker", () => handlers.pastes.find((p) => p.text === "marker"));
    expect(handlers.pastes.map((p) => p.text)).toEqual(["marker"]);
  });

  it("sends allowed_mentions that ping nobody with every message, and escapes crafted text", async () => {
    fake.slashCommand("check", { ip: "203.0.113.5" });
    const origin = await until("the thread", () => handlers.origins[0]);
    const crafted = makeReport({
      ptr: { status: "found", names: ["@everyone.**bold**.example"] },
      summary: "<@1100000000000000001> [click](http://evil.test) @here",
    });
    await platform.update(origin.parent as string, { kind: "verdict", report: crafted });
    await platform.reply(origin.thread, { kind: "report", report: crafted });
    await platform.post(fake.generalChannelId, { kind: "notice", text: "hello @everyone" });
    fake.slashCommand("help");
    await until("help", () => fake.rest.botMessages().some((m) => m.content.includes("Use /rdns")));

    const sending = fake.rest.requests.filter(
      (r) =>
        r.body !== null &&
        ["POST", "PATCH"].includes(r.method) &&
        ("content" in r.body || "embeds" in r.body),
    );
    expect(sending.length).toBeGreaterThanOrEqual(5);
    for (const r of sending)
      expect(r.body?.allowed_mentions, `${r.method} ${r.path}`).toMatchObject({ parse: [] });
    const everything = JSON.stringify(fake.rest.botMessages());
    expect(everything).not.toMatch(/(?<!\\u200b)@everyone|(?<!\\u200b)@here/);
    expect(everything).not.toContain("<@1100000000000000001>");
    expect(everything).not.toMatch(/(?<!\\\\)\[click\]\(/);
    expect(everything).not.toContain("**bold**");
  });

  it("survives a gateway RECONNECT mid-flow: resumes, and the delivery arrives exactly once", async () => {
    fake.slashCommand("check", { ip: "203.0.113.5" });
    const origin = await until("the thread", () => handlers.origins[0]);
    fake.gateway.requestReconnect();
    // A delivery sent while the gateway is away goes over REST and is not affected.
    await platform.reply(origin.thread, { kind: "report", report: makeReport() });
    await until("the resume", () => fake.gateway.received.find((r) => r.op === 6));
    // The delivery job retried after a lost response: the nonce makes Discord return the same message.
    await platform.reply(origin.thread, { kind: "report", report: makeReport() });
    const threadId = origin.thread.split(":")[1] as string;
    expect(fake.rest.botMessages(threadId)).toHaveLength(1);
    // The session still carries events after the resume.
    fake.slashCommand("check", { ip: "203.0.113.6" });
    await until("the second thread", () => handlers.origins[1]);
    expect(fake.gateway.connectionCount).toBe(2);
    expect(fake.gateway.received.filter((r) => r.op === 2)).toHaveLength(1);
  });

  it("a dropped connection resumes and replays the command sent meanwhile, handled once", async () => {
    fake.gateway.dropConnection();
    const id = fake.slashCommand("check", { ip: "203.0.113.7" }); // sent while the client is away
    await until("the replayed command's thread", () => handlers.origins[0]);
    expect(fake.gateway.received.filter((r) => r.op === 6)).toHaveLength(1);
    expect(fake.gateway.received.filter((r) => r.op === 2)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handlers.commands.map((c) => c.requestId)).toEqual([id]);
    expect(fake.rest.requests.filter((r) => r.path.endsWith("/callback"))).toHaveLength(1);
  });

  it("waits out a 429 (retry_after, X-RateLimit headers) without holding up other channels", async () => {
    fake.slashCommand("check", { ip: "203.0.113.5" });
    const origin = await until("the thread", () => handlers.origins[0]);
    const threadId = origin.thread.split(":")[1] as string;
    fake.rest.failNext("POST", new RegExp(`^/channels/${threadId}/messages$`), 429, 1);
    const started = Date.now();
    const limited = platform.reply(origin.thread, { kind: "notice", text: "rate limited, then sent" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await platform.post(fake.supportChannelId, { kind: "notice", text: "other channel" });
    const otherDoneAt = Date.now();
    await limited;
    const limitedDoneAt = Date.now();
    expect(otherDoneAt - started).toBeLessThan(900);
    expect(limitedDoneAt - started).toBeGreaterThanOrEqual(1000);
    expect(fake.rest.botMessages(threadId).map((m) => m.content)).toEqual(["rate limited, then sent"]);
    const attempts = fake.rest.requests.filter((r) => r.path === `/channels/${threadId}/messages`);
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
  });

  it("hands a long rate limit back to the queue with retryAfterMs, and marks hopeless errors permanent", async () => {
    fake.rest.failNext("POST", /^\/channels\/\d+\/messages$/, 429, 30);
    const limited = await platform
      .post(fake.generalChannelId, { kind: "notice", text: "x" })
      .catch((e: unknown) => e);
    expect(limited).toMatchObject({ retryAfterMs: expect.any(Number) });
    expect((limited as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(20_000);
    const unknown = await platform
      .post("1200000000000000555", { kind: "notice", text: "x" })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ permanent: true, code: 10003 });
    const garbage = await platform
      .reply("slack:C1:2", { kind: "notice", text: "x" })
      .catch((e: unknown) => e);
    expect(garbage).toMatchObject({ permanent: true });
  });

  it("a dropped REST connection throws for the job to retry; a lost answer is not posted twice", async () => {
    fake.rest.failNext("POST", /^\/channels\/\d+\/messages$/, 0);
    const dropped = await platform
      .post(fake.generalChannelId, { kind: "notice", text: "a" })
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(Error);
    expect(dropped).not.toMatchObject({ permanent: true });
    // Discord posted it but the answer was lost: the retried delivery sends the same nonce.
    fake.rest.failNext("POST", /^\/channels\/\d+\/messages$/, -1);
    const lost = await platform
      .post(fake.generalChannelId, { kind: "notice", text: "b" })
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Error);
    const retried = await platform.post(fake.generalChannelId, { kind: "notice", text: "b" });
    expect(fake.rest.botMessages(fake.generalChannelId).map((m) => m.content)).toEqual(["b"]);
    expect(retried).toBe(
      `discord:${fake.generalChannelId}:${fake.rest.botMessages(fake.generalChannelId)[0]?.id}`,
    );
  });

  it("two deliveries saying the same thing both arrive; a retry of one (same delivery id) does not", async () => {
    const same = { kind: "notice", text: "203.0.113.5 has no PTR record" } as const;
    // Two people asked about the same IP and both answers fell back to the channel.
    const first = await platform.post(fake.generalChannelId, same, { deliveryId: "delivery-a" });
    const second = await platform.post(fake.generalChannelId, same, { deliveryId: "delivery-b" });
    expect(second).not.toBe(first);
    // delivery-a retried after its answer was lost: Discord returns the message it already made.
    fake.rest.failNext("POST", /^\/channels\/\d+\/messages$/, -1);
    await platform
      .reply(`discord:${fake.generalChannelId}`, same, { deliveryId: "delivery-c" })
      .catch(() => {});
    const retried = await platform.reply(`discord:${fake.generalChannelId}`, same, {
      deliveryId: "delivery-c",
    });
    const again = await platform.post(fake.generalChannelId, same, { deliveryId: "delivery-a" });
    expect(again).toBe(first);
    const seen = fake.rest.botMessages(fake.generalChannelId);
    expect(seen.map((m) => m.content)).toEqual([same.text, same.text, same.text]);
    expect(new Set(seen.map((m) => m.id)).size).toBe(3);
    expect(retried).toBe(`discord:${fake.generalChannelId}:${seen[2]?.id}`);
  });

  it("throws when Discord keeps failing, so the delivery job is retried", async () => {
    for (let i = 0; i < 5; i++) fake.rest.failNext("POST", /^\/channels\/\d+\/messages$/, 500);
    const failure = await platform
      .post(fake.generalChannelId, { kind: "notice", text: "x" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toMatchObject({ permanent: true });
    await platform.post(fake.generalChannelId, { kind: "notice", text: "after the outage" });
    expect(fake.rest.botMessages(fake.generalChannelId).map((m) => m.content)).toEqual(["after the outage"]);
  });
});

describe("Discord start-up errors a person can act on", () => {
  it.each([
    [4014, /Message Content Intent/],
    [4004, /DISCORD_TOKEN/],
  ])("gateway close %i -> a ConfigError naming the fix", async (code, message) => {
    const fake = await new FakeDiscord({ refuseIdentify: code }).start();
    const platform = createDiscordPlatform(
      { DISCORD_TOKEN: "fake-token", DISCORD_API_URL: fake.apiUrl, SUPPORT_CHANNELS: [] },
      createLogger("silent"),
    );
    try {
      const failure = await platform.start(new RecordingHandlers()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toMatch(message);
    } finally {
      await platform.stop();
      await fake.stop();
    }
  });
});

describe("Discord stop()", () => {
  it("waits for a slow command handler to finish its work before closing the client", async () => {
    const fake = await new FakeDiscord().start();
    const platform = createDiscordPlatform(
      { DISCORD_TOKEN: "fake-token", DISCORD_API_URL: fake.apiUrl, SUPPORT_CHANNELS: [] },
      createLogger("silent"),
    );
    const handlers = new RecordingHandlers();
    const slow: InboundHandlers = {
      async onCommand(request, respond) {
        await new Promise((resolve) => setTimeout(resolve, 800)); // a slow enqueue
        await handlers.onCommand(request, respond);
      },
      onPaste: (message, respond) => handlers.onPaste(message, respond),
      onButton: async () => {},
    };
    try {
      await platform.start(slow);
      fake.slashCommand("check", { ip: "203.0.113.5" });
      await until("the defer", () => fake.rest.requests.find((r) => r.path.endsWith("/callback")));
      await platform.stop();
      // The handler ran to the end (its thread is open) before stop() returned.
      expect(handlers.origins).toHaveLength(1);
      expect(fake.rest.messages.get(handlers.origins[0]?.parent?.split(":")[2] as string)?.content).toContain(
        "Checking 203.0.113.5",
      );
    } finally {
      await platform.stop();
      await fake.stop();
    }
  });
});

// The Slack adapter over HTTP with the real Bolt HTTPReceiver, the fake Web API on loopback and
// real Redis: signed requests, ack before work, threads, de-duplication, 429s, escaping. (Command
// limits are the app pipeline's: test/integration/platform-contract/.)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RateLimitedError } from "../../src/chat/types.js";
import { SlackApiError } from "../../src/platforms/slack/index.js";
import {
  SIGNING_SECRET,
  type SlackHarness,
  SUPPORT_CHANNEL,
  startSlackHarness,
} from "../fakes/slack/harness.js";
import { RecordingHandlers } from "../fakes/slack/recording-handlers.js";
import { eventCallback, postSigned, slashCommandForm } from "../fakes/slack/requests.js";
import { makeReport } from "../fixtures/check-report.js";

const FORM = "application/x-www-form-urlencoded" as const;
const JSON_TYPE = "application/json" as const;

let handlers: RecordingHandlers;
let h: SlackHarness;

beforeEach(async () => {
  handlers = new RecordingHandlers();
  h = await startSlackHarness(handlers);
});

afterEach(async () => {
  await h.close();
});

function command(text: string, extra: { channel?: string; user?: string } = {}) {
  return postSigned(
    h.eventsUrl,
    slashCommandForm({ text, responseUrl: `${h.fake.url}/response/1`, ...extra }),
    {
      secret: SIGNING_SECRET,
      contentType: FORM,
    },
  );
}

function pasteEvent(event: Record<string, unknown>, eventId: string, retryNum?: number) {
  const body = JSON.stringify(
    eventCallback({ type: "message", channel: SUPPORT_CHANNEL, ts: "1700000100.000200", ...event }, eventId),
  );
  return postSigned(h.eventsUrl, body, { secret: SIGNING_SECRET, contentType: JSON_TYPE, retryNum });
}

describe("Slack over HTTP: /rdns", () => {
  it("acks at once, posts the parent, then the report lands in its thread and the verdict in the parent", async () => {
    const answer = await command("203.0.113.5 mail.example.test");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1000);
    await h.fake.waitFor(() => handlers.commands[0]?.origin != null, 5000, "parent post");
    const [parent] = h.fake.callsTo("chat.postMessage");
    expect(parent?.args.channel).toBe("C0CMD");
    expect(parent?.args.thread_ts).toBeUndefined();
    expect(String(parent?.args.text)).toContain("Checking `203.0.113.5` with HELO `mail.example.test`");
    expect(parent?.args.link_names).toBe("false");
    const origin = handlers.commands[0]?.origin;
    expect(origin).toEqual({
      platform: "slack",
      channel: "C0CMD",
      thread: "slack:C0CMD:1700000000.000001",
      parent: "slack:C0CMD:1700000000.000001",
    });
    expect(handlers.commands[0]?.request).toMatchObject({
      channel: "C0CMD",
      user: "U0ASKER",
      args: ["203.0.113.5", "mail.example.test"],
    });

    // What the engine's delivery worker does with the origin.
    const report = makeReport();
    const replyAddress = await h.platform.reply(origin?.thread ?? "", { kind: "report", report });
    await h.platform.update(origin?.parent ?? "", { kind: "verdict", report });
    const reply = h.fake.callsTo("chat.postMessage")[1];
    expect(reply?.args).toMatchObject({ channel: "C0CMD", thread_ts: "1700000000.000001" });
    expect(replyAddress).toBe("slack:C0CMD:1700000000.000002");
    const blocks = reply?.args.blocks as { type: string }[];
    expect(blocks[0]?.type).toBe("header");
    const update = h.fake.callsTo("chat.update")[0];
    expect(update?.args).toMatchObject({ channel: "C0CMD", ts: "1700000000.000001" });
    expect(String(update?.args.text)).toContain(":x: *203.0.113.5* fails");
  });

  it("acks before the command's work: a slow command does not delay the ack", async () => {
    handlers.commandDelayMs = 3500;
    const answer = await command("203.0.113.7");
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(500);
    await h.fake.waitFor(() => handlers.commands.length === 1, 2000, "command handed over");
    expect(handlers.commands[0]?.origin).toBeNull();
    await h.fake.waitFor(() => handlers.commands[0]?.origin != null, 6000, "parent after slow work");
  });

  it("answers a mistake privately with an example, posting nothing in the channel", async () => {
    expect((await command("not-an-ip")).status).toBe(200);
    await h.fake.waitFor((f) => f.callsTo("chat.postEphemeral").length === 1, 5000, "ephemeral");
    const [ephemeral] = h.fake.callsTo("chat.postEphemeral");
    expect(ephemeral?.args).toMatchObject({ channel: "C0CMD", user: "U0ASKER" });
    expect(String(ephemeral?.args.text)).toContain("Example: `/rdns 203.0.113.5 mail.example.com`");
    expect(h.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("repeats at most 80 characters of a huge mistaken input, cut before escaping", async () => {
    // 6,000 characters that escape to entities: a cut after escaping would leave half an entity.
    expect((await command("&".repeat(6000))).status).toBe(200);
    await h.fake.waitFor((f) => f.callsTo("chat.postEphemeral").length === 1, 5000, "ephemeral");
    const text = String(h.fake.callsTo("chat.postEphemeral")[0]?.args.text);
    const quoted = /"(.*)"/.exec(text)?.[1] ?? "";
    expect(quoted).toBe(`${"&amp;".repeat(79)}…`); // 79 characters and an ellipsis
    expect(text.length).toBeLessThan(500);
    expect(h.fake.callsTo("chat.postEphemeral")).toHaveLength(1);
  });

  it("falls back to response_url where the bot cannot post ephemerally", async () => {
    h.fake.failNext("chat.postEphemeral", { status: 200, error: "channel_not_found" });
    await command("nope");
    await h.fake.waitFor((f) => f.responses.length === 1, 5000, "response_url post");
    expect(h.fake.responses[0]?.body).toMatchObject({ response_type: "ephemeral" });
  });

  it("tells the asker to invite the bot where it cannot post the parent", async () => {
    h.fake.failNext("chat.postMessage", { status: 200, error: "not_in_channel" });
    await command("203.0.113.5", { channel: "G0PRIVATE" });
    await h.fake.waitFor((f) => f.responses.length >= 1, 5000, "response_url hint");
    expect(String(h.fake.responses[0]?.body.text)).toContain("/invite @rdns");
    expect(h.fake.responses[0]?.body.response_type).toBe("ephemeral");
  });

  it("refuses a bad signature and a stale timestamp with 401, and posts nothing", async () => {
    const form = slashCommandForm({ text: "203.0.113.5", responseUrl: `${h.fake.url}/response/1` });
    const bad = await postSigned(h.eventsUrl, form, { secret: "wrong-secret", contentType: FORM });
    const stale = await postSigned(h.eventsUrl, form, {
      secret: SIGNING_SECRET,
      contentType: FORM,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(bad.status).toBe(401);
    expect(stale.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handlers.commands).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.method.startsWith("chat."))).toHaveLength(0);
  });
});

describe("Slack over HTTP: pasted bounces", () => {
  const bounce =
    "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup";

  it("opens the thread on the pasted message itself, once per event even when Slack retries", async () => {
    expect((await pasteEvent({ user: "U0PASTER", text: bounce }, "Ev0001")).status).toBe(200);
    expect((await pasteEvent({ user: "U0PASTER", text: bounce }, "Ev0001", 1)).status).toBe(200);
    await h.fake.waitFor(() => handlers.pastes.length >= 1, 5000, "paste");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handlers.pastes).toHaveLength(1);
    expect(handlers.pastes[0]?.origin).toEqual({
      platform: "slack",
      channel: SUPPORT_CHANNEL,
      thread: `slack:${SUPPORT_CHANNEL}:1700000100.000200`,
      parent: null,
    });
    expect(handlers.pastes[0]?.message).toMatchObject({
      requestId: "slack:Ev0001",
      user: "U0PASTER",
      text: bounce,
    });
    await h.platform.reply(handlers.pastes[0]?.origin?.thread ?? "", { kind: "notice", text: "read it" });
    expect(h.fake.callsTo("chat.postMessage")[0]?.args).toMatchObject({
      channel: SUPPORT_CHANNEL,
      thread_ts: "1700000100.000200",
    });
  });

  it("two bot processes sharing Redis answer an event once between them", async () => {
    const otherHandlers = new RecordingHandlers();
    const other = await startSlackHarness(otherHandlers, { keyPrefix: h.keyPrefix });
    try {
      const body = JSON.stringify(
        eventCallback(
          {
            type: "message",
            channel: SUPPORT_CHANNEL,
            ts: "1700000100.000900",
            user: "U0PASTER",
            text: bounce,
          },
          "Ev0099",
        ),
      );
      const results = await Promise.all(
        [h.eventsUrl, other.eventsUrl].map((url, i) =>
          postSigned(url, body, {
            secret: SIGNING_SECRET,
            contentType: JSON_TYPE,
            retryNum: i === 0 ? undefined : 1,
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      await h.fake.waitFor(
        () => handlers.pastes.length + otherHandlers.pastes.length >= 1,
        5000,
        "one paste",
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handlers.pastes.length + otherHandlers.pastes.length).toBe(1);
    } finally {
      await other.close();
    }
  });

  it("unwraps Slack's mrkdwn so the bounce reader sees the pasted text", async () => {
    const text =
      "550 5.7.25 &lt;<mailto:bob@example.com|bob@example.com>&gt; see <https://support.google.com/mail/?p=NotAuthorizedError>";
    await pasteEvent({ user: "U0PASTER", text }, "Ev0002");
    await h.fake.waitFor(() => handlers.pastes.length === 1, 5000, "paste");
    expect(handlers.pastes[0]?.message.text).toBe(
      "550 5.7.25 <bob@example.com> see https://support.google.com/mail/?p=NotAuthorizedError",
    );
  });

  it("ignores bots, itself, edits, joins and other channels", async () => {
    await pasteEvent({ bot_id: "B0OTHER", subtype: "bot_message", text: bounce }, "Ev0003");
    await pasteEvent({ user: "UBOTSELF", text: bounce }, "Ev0004");
    await pasteEvent({ user: "U0PASTER", subtype: "message_changed", text: bounce }, "Ev0005");
    await pasteEvent({ user: "U0PASTER", subtype: "channel_join", text: "joined" }, "Ev0006");
    await pasteEvent({ user: "U0PASTER", text: bounce, channel: "C0ELSEWHERE" }, "Ev0007");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(handlers.pastes).toHaveLength(0);
  });

  it("reads a shared .eml with files.info and the bot token, and skips one over the size limit", async () => {
    const eml = Buffer.from(`From: MAILER-DAEMON\r\nSubject: Undelivered\r\n\r\n${bounce}\r\n`);
    h.fake.addFile({ id: "F0EML", name: "bounce.eml", content: eml });
    h.fake.addFile({ id: "F0BIG", name: "huge.eml", content: Buffer.alloc(2 * 1024 * 1024, 65) });
    await pasteEvent(
      {
        user: "U0PASTER",
        subtype: "file_share",
        text: "",
        files: [
          { id: "F0EML", name: "bounce.eml", mimetype: "message/rfc822" },
          { id: "F0BIG", name: "huge.eml" },
          { id: "F0PNG", name: "screenshot.png", mimetype: "image/png" },
        ],
      },
      "Ev0008",
    );
    await h.fake.waitFor(() => handlers.pastes.length === 1, 5000, "paste with file");
    const pasted = handlers.pastes[0]?.message;
    expect(pasted?.attachments.map((a) => a.name)).toEqual(["bounce.eml"]);
    expect(pasted?.attachments[0]?.content.equals(eml)).toBe(true);
    expect(h.fake.downloads).toEqual([{ id: "F0EML", authorized: true }]);
    expect(h.fake.callsTo("files.info").map((c) => c.args.file)).toEqual(["F0EML", "F0BIG"]);
    expect(handlers.pastes[0]?.origin?.thread).toBe(`slack:${SUPPORT_CHANNEL}:1700000100.000200`);
  });
});

describe("Slack over HTTP: outbound", () => {
  it("turns a 429 into RateLimitedError carrying Retry-After, then succeeds on the retry", async () => {
    h.fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const started = Date.now();
    const error = await h.platform
      .reply("slack:C0CMD:1700000000.000001", { kind: "notice", text: "hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(1000);
    expect(Date.now() - started).toBeLessThan(900); // not waited out in-process
    // Another delivery is not held up by the first one's rate limit.
    await h.platform.post("C0OTHER", { kind: "notice", text: "unrelated" });
    await new Promise((resolve) => setTimeout(resolve, (error as RateLimitedError).retryAfterMs));
    const address = await h.platform.reply("slack:C0CMD:1700000000.000001", { kind: "notice", text: "hi" });
    expect(address).toMatch(/^slack:C0CMD:/);
    expect(h.fake.calls.filter((c) => c.method === "chat.postMessage").map((c) => c.status)).toEqual([
      429, 200, 200,
    ]);
  });

  it("marks what retrying cannot fix as permanent, with what to do", async () => {
    h.fake.failNext("chat.postMessage", { status: 200, error: "not_in_channel" });
    const error = await h.platform.post("C0PRIVATE", { kind: "notice", text: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toMatchObject({ code: "not_in_channel", permanent: true });
    expect(String((error as Error).message)).toContain("/invite");
  });

  it("says the same thing as plain text when Slack refuses the blocks", async () => {
    h.fake.failNext("chat.postMessage", { status: 200, error: "invalid_blocks" });
    await h.platform.reply("slack:C0CMD:1700000000.000001", { kind: "report", report: makeReport() });
    const [refused, plain] = h.fake.calls.filter((c) => c.method === "chat.postMessage");
    expect((refused?.args.blocks as unknown[]).length).toBeGreaterThan(3);
    expect(plain?.args.blocks).toEqual([]);
    expect(plain?.args.text).toBe(refused?.args.text);
    expect(plain?.args.thread_ts).toBe("1700000000.000001");
  });

  it("waits out a short 429 for the parent message while the person waits", async () => {
    h.fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    await command("203.0.113.9");
    await h.fake.waitFor(() => handlers.commands[0]?.origin != null, 5000, "parent after 429");
    const [limited, ok] = h.fake.calls.filter((c) => c.method === "chat.postMessage");
    expect(limited?.status).toBe(429);
    expect((ok?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(handlers.commands[0]?.origin?.thread).toMatch(/^slack:C0CMD:/);
  });

  it("never lets user or DNS text ping or link: input and a crafted PTR name are escaped", async () => {
    // As Slack sends what was typed: &, <, > escaped.
    await command("&lt;!channel&gt; &lt;@U123&gt;");
    await h.fake.waitFor((f) => f.callsTo("chat.postEphemeral").length === 1, 5000, "usage error");
    const usage = JSON.stringify(h.fake.callsTo("chat.postEphemeral")[0]?.args);
    expect(usage).not.toMatch(/<!channel>|<@U123>/);
    expect(usage).toContain("&lt;!channel&gt;");

    const crafted = "<!channel>.<https://evil.test|click>.example";
    const report = makeReport({
      verdict: "pass",
      summary: `PTR ${crafted} confirms`,
      ptr: { status: "found", names: [crafted] },
    });
    await h.platform.post("C0CMD", { kind: "report", report });
    const posted = h.fake.callsTo("chat.postMessage")[0]?.args;
    const everything = JSON.stringify(posted);
    expect(everything).not.toMatch(/<!channel>|<https:\/\/evil/);
    expect(everything).toContain("&lt;!channel&gt;.&lt;https://evil.test|click&gt;.example");
    expect(posted).toMatchObject({ link_names: "false", parse: "none" });
  });
});

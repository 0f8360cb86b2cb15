// Acting on any message in Slack (docs/chat-commands.md "Act on any message", "App Home"): the
// "Check with rdns" message shortcut, mentions, direct messages and the Home tab, through the real
// Bolt (HTTP receiver, signed requests) against the fake Web API, with the app's real pipeline
// on real Redis and the Slack delivery worker.
import { performance } from "node:perf_hooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NOTHING_FOUND } from "../../src/app/ask.js";
import { storeKeys } from "../../src/keys.js";
import { threadReply } from "../../src/queue/deliveries.js";
import { enqueueDeliveries } from "../../src/queue/queues.js";
import { createSlackHarness, SIGNING_SECRET, type SlackHarness } from "../fakes/slack/harness.js";
import {
  eventCallback,
  interactivityForm,
  messageShortcutPayload,
  postSigned,
  slashCommandForm,
} from "../fakes/slack/requests.js";
import { seedWatches } from "../support/seed-watches.js";
import { until } from "../support/until.js";
import { startTestApp, type TestApp } from "./platform-contract/app.js";

const bounce = (ip: string) =>
  `550-5.7.25 [${ip}] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.`;

describe("Slack: act on any message, App Home", () => {
  let app: TestApp;
  let h: SlackHarness;
  let events = 0;

  beforeEach(async () => {
    app = await startTestApp("ask-slack", null);
    h = await createSlackHarness({ env: { SERVERS_PAGE_URL: "https://rdns.example.test/servers" } });
    await h.platform.start(app.handlers);
    app.deliver(h.platform);
    await app.listen([h.platform]);
  });
  afterEach(async () => {
    await h.close();
    await app.close();
  });

  const shortcut = async (
    channel: string,
    message: Parameters<typeof messageShortcutPayload>[0]["message"],
  ) => {
    const started = performance.now();
    const answer = await postSigned(
      h.eventsUrl,
      interactivityForm(
        messageShortcutPayload({ channel, message, responseUrl: `${h.fake.url}/response/shortcut` }),
      ),
      { secret: SIGNING_SECRET, contentType: "application/x-www-form-urlencoded" },
    );
    expect(answer.status).toBe(200);
    return performance.now() - started;
  };
  const event = async (body: Record<string, unknown>) => {
    const answer = await postSigned(h.eventsUrl, JSON.stringify(eventCallback(body, `EvAsk${++events}`)), {
      secret: SIGNING_SECRET,
      contentType: "application/json",
    });
    expect(answer.status).toBe(200);
  };
  /** A posted message as a reader sees it: its fallback text and its blocks' texts. */
  const shown = (message: { text: string; blocks?: unknown }) =>
    `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
  const inThread = (channel: string, ts: string) =>
    h.fake.posted.filter((m) => m.channel === channel && m.thread_ts === ts).map(shown);
  const privately = () => h.fake.responses.map((r) => String(r.body.text));

  it("answers a shortcut on a bounce in that message's thread, in a channel the bot is in", async () => {
    const ms = await shortcut("C0OPS", { ts: "1700000100.000100", text: bounce("203.0.113.41") });
    expect(ms).toBeLessThan(3000);
    const replies = await until("the reading in the thread", () => {
      const found = inThread("C0OPS", "1700000100.000100");
      return found.length > 0 && found;
    });
    expect(replies.join("\n")).toContain("203.0.113.41");
    expect(privately()).toEqual([]);
  });

  it("answers privately, saying why, for a DM the bot is not in; the results go to a DM", async () => {
    h.fake.closed.set("D0THEIRS", "channel_not_found");
    await shortcut("D0THEIRS", { ts: "1700000200.000100", text: bounce("203.0.113.42") });
    const why = await until("the private reason", () => privately().find((t) => t.includes("can't post")));
    expect(why).toContain("a direct message I'm not in");
    const dm = await until("the reading in a DM", () => h.fake.posted.find((m) => m.channel === "D0ASKER"));
    expect(shown(dm)).toContain("203.0.113.42");
    expect(h.fake.callsTo("conversations.open")[0]?.args.users).toBe("U0ASKER");
    expect(h.fake.posted.filter((m) => m.channel === "D0THEIRS")).toEqual([]);
  });

  it("reads an attached .txt file on the message", async () => {
    h.fake.addFile({
      id: "F0BOUNCE",
      name: "bounce.txt",
      content: Buffer.from(`Subject: failure\n\n${bounce("203.0.113.43")}\n`),
    });
    await shortcut("C0OPS", {
      ts: "1700000300.000100",
      text: "see attached",
      files: [{ id: "F0BOUNCE", name: "bounce.txt", mimetype: "text/plain", filetype: "text", size: 300 }],
    });
    const replies = await until("the file's reading", () => {
      const found = inThread("C0OPS", "1700000300.000100").join("\n");
      return found.includes("203.0.113.43") && found;
    });
    expect(replies).toContain("203.0.113.43");
  });

  it("says privately and plainly what it looked for when the message holds nothing", async () => {
    await shortcut("C0OPS", { ts: "1700000400.000100", text: "lunch at noon?" });
    const said = await until("the private answer", () => privately()[0]);
    expect(said).toContain("found nothing to check");
    expect(NOTHING_FOUND).toContain("IP address or mail host name");
    expect(inThread("C0OPS", "1700000400.000100")).toEqual([]);
  });

  it("checks a message that holds only an IP, and answers a mention and a DM", async () => {
    await shortcut("C0OPS", { ts: "1700000500.000100", text: "203.0.113.44" });
    await until("Checking in the thread", () =>
      inThread("C0OPS", "1700000500.000100").find((t) => t.includes("203.0.113.44")),
    );
    await event({
      type: "app_mention",
      channel: "C0OPS",
      user: "U0ASKER",
      text: "<@UBOTSELF> 203.0.113.45",
      ts: "1700000600.000100",
    });
    await until("the mention's answer", () =>
      inThread("C0OPS", "1700000600.000100").find((t) => t.includes("203.0.113.45")),
    );
    await event({
      type: "message",
      channel_type: "im",
      channel: "D0ASKER",
      user: "U0ASKER",
      text: bounce("203.0.113.46"),
      ts: "1700000700.000100",
    });
    await until("the DM's answer", () =>
      inThread("D0ASKER", "1700000700.000100").find((t) => t.includes("203.0.113.46")),
    );
  });

  it("publishes a Home with 1,000 watched addresses within 100 blocks, failing first", async () => {
    const keys = storeKeys(app.prefix);
    await seedWatches(h.redis, keys, "slack:C0OPS", 1000, { failEvery: 10 });
    await seedWatches(h.redis, keys, "slack:C0ELSE", 5);
    h.fake.members.set("C0OPS", ["U0OTHER", "U0HOME", "U0THIRD"]);
    h.fake.members.set("C0ELSE", ["U0OTHER"]);
    const started = performance.now();
    await event({ type: "app_home_opened", user: "U0HOME", channel: "D0HOME", tab: "home" });
    const published = await until("views.publish", () => h.fake.published[0]);
    const ms = performance.now() - started;
    expect(published.user).toBe("U0HOME");
    const blocks = published.view.blocks as {
      type: string;
      text?: { text: string };
      elements?: { text: string }[];
    }[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    const texts = blocks
      .map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join(" ") ?? "")
      .join("\n");
    // 1,000 addresses in the one channel the person is in (not the 5 of the other): 100 failing.
    expect(texts).toContain("*1000* watched addresses in *1* of your channels: *100* failing");
    expect(texts).toContain("2026-01-01T00:00:00.000Z");
    expect(texts).toMatch(/and \d+ more not passing/);
    expect(JSON.stringify(blocks)).toContain("https://rdns.example.test/servers");
    // eslint-disable-next-line no-console
    console.log(`App Home, 1,000 watched addresses: ${blocks.length} blocks, ${ms.toFixed(0)} ms to publish`);
  });

  it("refreshes the Home (debounced) when a watch of the person's channel changes, waiting out a 429", async () => {
    h.fake.members.set("C0OPS", ["U0HOME"]);
    await seedWatches(h.redis, storeKeys(app.prefix), "slack:C0OPS", 3);
    await event({ type: "app_home_opened", user: "U0HOME", channel: "D0HOME", tab: "home" });
    await until("the first publish", () => h.fake.published[0]);
    h.fake.failNext("views.publish", { status: 429, retryAfter: 1 });
    const started = performance.now();
    for (const target of ["203.0.113.60", "203.0.113.61"]) {
      const answer = await postSigned(
        h.eventsUrl,
        slashCommandForm({
          text: `watch ${target}`,
          channel: "C0OPS",
          user: "U0HOME",
          responseUrl: `${h.fake.url}/response/w`,
        }),
        { secret: SIGNING_SECRET, contentType: "application/x-www-form-urlencoded" },
      );
      expect(answer.status).toBe(200);
    }
    const refreshed = await until("the refreshed Home", () => h.fake.published[1], 15_000);
    // Two changes, one publish: after the 5 s debounce and Slack's Retry-After of 1 s.
    expect(performance.now() - started).toBeGreaterThan(5_000);
    expect(h.fake.calls.filter((c) => c.method === "views.publish" && c.status === 429)).toHaveLength(1);
    expect(JSON.stringify(refreshed.view.blocks)).toContain("*5* watched addresses");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.published).toHaveLength(2);
  }, 30_000);

  it("refreshes the Home when a watch's notice is posted, or another bot process announces a change", async () => {
    h.fake.members.set("C0OPS", ["U0HOME"]);
    const keys = storeKeys(app.prefix);
    await seedWatches(h.redis, keys, "slack:C0OPS", 3);
    await event({ type: "app_home_opened", user: "U0HOME", channel: "D0HOME", tab: "home" });
    await until("the first publish", () => h.fake.published[0]);
    // A watch run's notice, posted by this process's delivery worker: its state changed.
    const origin = {
      platform: "slack",
      channel: "C0OPS",
      thread: "slack:C0OPS:1700000900.000100",
      parent: null,
    } as const;
    const notice = threadReply("watch-run-1", origin, { kind: "notice", text: "203.0.113.1 broke" }, "w");
    await enqueueDeliveries(app.queues, [{ ...notice, watchChannel: "slack:C0OPS" }]);
    await until("the Home refreshed after the notice", () => h.fake.published[1], 15_000);
    // Another bot process handled a watch command: only its announcement reaches this one.
    await h.redis.publish(keys.watchChangedChannel, "slack:C0OPS");
    await until("the Home refreshed after the announcement", () => h.fake.published[2], 15_000);
    // A channel the person is not in, or another platform's: no publish.
    await h.redis.publish(keys.watchChangedChannel, "slack:C0ELSE");
    await h.redis.publish(keys.watchChangedChannel, "discord:C0OPS");
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(h.fake.published).toHaveLength(3);
  }, 45_000);
});

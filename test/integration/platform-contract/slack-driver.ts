// The Slack platform for the contract suite: real Bolt over HTTP against the fake Web API,
// signed slash commands in, chat.postEphemeral / response_url (private) and chat.postMessage
// (public) out.
import { WORDS } from "../../../src/app/command-syntax.js";
import { createSlackHarness, SIGNING_SECRET, type SlackHarness } from "../../fakes/slack/harness.js";
import {
  blockActionsPayload,
  eventCallback,
  interactivityForm,
  postSigned,
  slashCommandForm,
} from "../../fakes/slack/requests.js";
import type { RecordedCall } from "../../fakes/slack/web-api.js";
import type { TestApp } from "./app.js";
import { type PastePlace, type PlatformDriver, until } from "./driver.js";

/** The channels of the paste scenarios: SUPPORT_CHANNELS lists the first by id, two by name. */
const CHANNELS = {
  "by-id": { id: "C0SUPPORT", name: "support" },
  "by-name": { id: "C0BOUNCES", name: "bounces" },
  "by-hash-name": { id: "C0POSTMASTR", name: "postmaster" },
  elsewhere: { id: "C0GENERAL", name: "general" },
} as const;
const SUPPORT_CHANNELS = "C0SUPPORT,bounces,#postmaster";

/** Slack's three escapes (mrkdwn), undone, and code spans unwrapped. */
function plain(text: unknown): string {
  return String(text ?? "")
    .replace(/`/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** A posted message as a reader sees it: its fallback text and its blocks' texts. */
function shown(call: RecordedCall): string {
  const texts: string[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "text" && typeof inner === "string") texts.push(inner);
        else collect(inner);
      }
    }
  };
  collect(call.args.blocks ?? []);
  return plain([call.args.text, ...texts].join("\n"));
}

export function slackDriver(): PlatformDriver {
  let h: SlackHarness | null = null;
  const harness = () => {
    if (h === null) throw new Error("not started");
    return h;
  };
  const privateAnswers = () => {
    const { fake } = harness();
    return [
      ...fake.callsTo("chat.postEphemeral").map((call) => ({ at: call.at, text: plain(call.args.text) })),
      ...fake.responses.map((response) => ({ at: response.at, text: plain(response.body.text) })),
    ]
      .sort((a, b) => a.at - b.at)
      .map((answer) => answer.text);
  };
  let events = 0;
  /** Sends one Events API message event, signed, as Slack does. */
  const sendEvent = async (event: Record<string, unknown>) => {
    const { eventsUrl } = harness();
    const body = JSON.stringify(eventCallback(event, `EvPaste${++events}`));
    const answer = await postSigned(eventsUrl, body, {
      secret: SIGNING_SECRET,
      contentType: "application/json",
    });
    if (answer.status !== 200) throw new Error(`Slack answered ${answer.status}`);
  };
  const nextTs = () => `${1_700_000_500 + events}.000${100 + events}`;
  const authors = {
    person: () => ({ user: "U0PASTER" }),
    "another-bot": () => ({ user: "U0OTHERBOT", bot_id: "B0OTHER" }),
    itself: () => ({ user: harness().fake.botUserId, bot_id: harness().fake.botId }),
  };
  return {
    name: "slack",
    syntax: WORDS,
    async start(app: TestApp) {
      h = await createSlackHarness({ env: { SUPPORT_CHANNELS } });
      for (const { id, name } of Object.values(CHANNELS)) h.fake.channelNames.set(id, name);
      await h.platform.start(app.handlers);
    },
    sender: () => harness().platform,
    world: { channels: true, bots: true, threads: true, edits: true },
    async paste(text: string, place: PastePlace = {}) {
      const channel = CHANNELS[place.channel ?? "by-id"].id;
      const ts = nextTs();
      // A reply in a thread carries the thread's parent ts (another message's).
      const thread = place.inThread === true ? { thread_ts: "1700000000.000050" } : {};
      await sendEvent({
        type: "message",
        channel,
        ts,
        text,
        ...thread,
        ...authors[place.author ?? "person"](),
      });
      return `${channel}:${ts}`;
    },
    async pasteFile(name: string, content: Buffer, contentType: string) {
      const channel = CHANNELS["by-id"].id;
      const ts = nextTs();
      const id = `F0${events}${name.replace(/\W/g, "").toUpperCase()}`;
      harness().fake.addFile({ id, name, content });
      await sendEvent({
        type: "message",
        subtype: "file_share",
        channel,
        ts,
        text: "",
        files: [{ id, name, mimetype: contentType }],
        ...authors.person(),
      });
      return `${channel}:${ts}`;
    },
    async edit(handle: string, text: string) {
      const [channel, ts] = handle.split(":");
      await sendEvent({
        type: "message",
        subtype: "message_changed",
        hidden: true,
        channel,
        ts: nextTs(),
        message: { type: "message", user: "U0PASTER", text, ts, edited: { user: "U0PASTER", ts: nextTs() } },
        previous_message: { type: "message", user: "U0PASTER", text: "", ts },
      });
    },
    answersOn(handle: string) {
      const [channel, ts] = handle.split(":");
      return harness()
        .fake.callsTo("chat.postMessage")
        .filter((call) => call.args.channel === channel && call.args.thread_ts === ts)
        .map(shown);
    },
    botTexts: () => harness().fake.callsTo("chat.postMessage").map(shown),
    async send(line: string, user?: string) {
      const { fake, eventsUrl } = harness();
      const text = line.replace(/^\/rdns\s*/, "");
      const form = slashCommandForm({
        text,
        responseUrl: `${fake.url}/response/1`,
        ...(user ? { user } : {}),
      });
      const answer = await postSigned(eventsUrl, form, {
        secret: SIGNING_SECRET,
        contentType: "application/x-www-form-urlencoded",
      });
      if (answer.status !== 200) throw new Error(`Slack answered ${answer.status}`);
      return answer.ms;
    },
    async pressWatch(ip: string) {
      const { fake, eventsUrl } = harness();
      const payload = blockActionsPayload({
        channel: "C0CMD",
        message: { ts: "1700000000.000001" },
        button: { action_id: "rdns_watch", value: JSON.stringify({ ip }) },
        user: { id: "U0ASKER", username: "asker" },
        responseUrl: `${fake.url}/response/press`,
      });
      const answer = await postSigned(eventsUrl, interactivityForm(payload), {
        secret: SIGNING_SECRET,
        contentType: "application/x-www-form-urlencoded",
      });
      if (answer.status !== 200) throw new Error(`Slack answered ${answer.status}`);
      return answer.ms;
    },
    async waitForPrivate(count) {
      await until(`${count} private answers`, () => privateAnswers().length >= count);
    },
    privateAnswers,
    publicMessages: () =>
      harness()
        .fake.callsTo("chat.postMessage")
        .map((call) => plain(call.args.text)),
    publicNow() {
      const { fake } = harness();
      const updates = fake.callsTo("chat.update");
      return fake.posted
        .filter((message) => message.thread_ts === undefined)
        .map((message) => {
          const last = updates.filter((call) => call.args.ts === message.ts).at(-1);
          return plain(last === undefined ? message.text : last.args.text);
        });
    },
    threadsOpened: () =>
      harness()
        .fake.callsTo("chat.postMessage")
        .filter((call) => call.args.thread_ts === undefined).length,
    accepts: (app, line) => WORDS.parse(app.commands, line).ok,
    async stop() {
      await h?.close();
      h = null;
    },
    async failedStart() {
      const wrong = await createSlackHarness({ env: { SLACK_BOT_TOKEN: "xoxb-wrong-token" } });
      try {
        await wrong.platform.start({
          onCommand: async () => {},
          onPaste: async () => {},
          onButton: async () => {},
        });
        return null;
      } catch (error) {
        return (error as Error).message;
      } finally {
        await wrong.close();
      }
    },
  };
}

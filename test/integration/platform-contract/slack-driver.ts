// The Slack platform for the contract suite: real Bolt over HTTP against the fake Web API,
// signed slash commands in, chat.postEphemeral / response_url (private) and chat.postMessage
// (public) out.
import { WORDS } from "../../../src/app/command-syntax.js";
import { createSlackHarness, SIGNING_SECRET, type SlackHarness } from "../../fakes/slack/harness.js";
import {
  blockActionsPayload,
  interactivityForm,
  postSigned,
  slashCommandForm,
} from "../../fakes/slack/requests.js";
import type { TestApp } from "./app.js";
import { type PlatformDriver, until } from "./driver.js";

/** Slack's three escapes (mrkdwn), undone, and code spans unwrapped. */
function plain(text: unknown): string {
  return String(text ?? "")
    .replace(/`/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
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
  return {
    name: "slack",
    syntax: WORDS,
    async start(app: TestApp) {
      h = await createSlackHarness();
      await h.platform.start(app.handlers);
    },
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

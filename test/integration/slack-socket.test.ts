// The Slack adapter in Socket Mode with the real Bolt SocketModeReceiver: apps.connections.open
// on the fake Web API hands out a local ws:// URL, the fake sends `hello`, then envelopes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createSlackHarness,
  type SlackHarness,
  SUPPORT_CHANNEL,
  startSlackHarness,
} from "../fakes/slack/harness.js";
import { RecordingHandlers } from "../fakes/slack/recording-handlers.js";
import { eventCallback, slashCommandForm, slashCommandPayload } from "../fakes/slack/requests.js";

let handlers: RecordingHandlers;
let h: SlackHarness;

beforeEach(async () => {
  handlers = new RecordingHandlers();
  h = await startSlackHarness(handlers, { mode: "socket" });
});

afterEach(async () => {
  await h.close();
});

describe("Slack in Socket Mode", () => {
  it("connects through apps.connections.open with the app token and the API base from SLACK_API_URL", () => {
    expect(h.platform.mode).toBe("socket");
    expect(h.platform.port).toBeNull();
    expect(h.fake.callsTo("apps.connections.open")).toHaveLength(1);
    expect(h.socket?.connections).toBe(1);
  });

  it("acks a slash command envelope before the work and opens the thread", async () => {
    handlers.commandDelayMs = 1500;
    const payload = slashCommandPayload(
      slashCommandForm({ text: "203.0.113.5", responseUrl: `${h.fake.url}/response/2` }),
    );
    const { ack, sentAt } = await (h.socket as NonNullable<SlackHarness["socket"]>).send(
      "slash_commands",
      payload,
    );
    expect(ack.at - sentAt).toBeLessThan(500);
    await h.fake.waitFor(() => handlers.commands[0]?.origin != null, 5000, "parent post");
    expect(handlers.commands[0]?.origin?.thread).toBe("slack:C0CMD:1700000000.000001");
    expect(String(h.fake.callsTo("chat.postMessage")[0]?.args.text)).toContain("Checking `203.0.113.5`");
  });

  it("reads a message event in a support channel once, even when the envelope is retried", async () => {
    const socket = h.socket as NonNullable<SlackHarness["socket"]>;
    const body = eventCallback(
      {
        type: "message",
        channel: SUPPORT_CHANNEL,
        user: "U0PASTER",
        ts: "1700000200.000300",
        text: "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup",
      },
      "EvSock1",
    );
    await socket.send("events_api", body);
    await socket.send("events_api", body, { retry_attempt: 1, retry_reason: "timeout" });
    await h.fake.waitFor(() => handlers.pastes[0]?.origin != null, 5000, "paste");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handlers.pastes).toHaveLength(1);
    expect(handlers.pastes[0]?.origin?.thread).toBe(`slack:${SUPPORT_CHANNEL}:1700000200.000300`);
    expect(socket.acks).toHaveLength(2);
  });
});

describe("Slack start-up errors name the setting", () => {
  it("a wrong app token stops Socket Mode start-up with SLACK_APP_TOKEN in the message", async () => {
    const harness = await createSlackHarness({ mode: "socket", env: { SLACK_APP_TOKEN: "xapp-1-wrong" } });
    try {
      await expect(harness.platform.start(new RecordingHandlers())).rejects.toThrow(/SLACK_APP_TOKEN/);
    } finally {
      await harness.close();
    }
  });

  it("a wrong bot token stops start-up with SLACK_BOT_TOKEN in the message", async () => {
    const harness = await createSlackHarness({ env: { SLACK_BOT_TOKEN: "xoxb-wrong" } });
    try {
      await expect(harness.platform.start(new RecordingHandlers())).rejects.toThrow(
        /Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/,
      );
    } finally {
      await harness.close();
    }
  });
});

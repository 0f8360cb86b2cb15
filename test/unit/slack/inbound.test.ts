import { describe, expect, it } from "vitest";
import { limitMessage } from "../../../src/app/command-limits.js";
import { ConfigError, loadConfig } from "../../../src/config.js";
import { formatSlackAddress, parseSlackAddress } from "../../../src/platforms/slack/address.js";
import { downloadEmlFiles, looksLikeEml, mayCarryToken } from "../../../src/platforms/slack/files.js";
import {
  isPasteCandidate,
  pasteOrigin,
  type SlackMessageEvent,
} from "../../../src/platforms/slack/inbound-message.js";
import { mrkdwnToPlain } from "../../../src/platforms/slack/mrkdwn-to-plain.js";
import { slackSettings } from "../../../src/platforms/slack/receiver.js";

describe("Slack reply addresses", () => {
  it("round-trips channel and ts, and refuses what it did not make", () => {
    const address = formatSlackAddress({ channel: "C123", ts: "1700000000.000100" });
    expect(address).toBe("slack:C123:1700000000.000100");
    expect(parseSlackAddress(address)).toEqual({ channel: "C123", ts: "1700000000.000100" });
    expect(() => parseSlackAddress("discord:1:2")).toThrow(/not a Slack reply address/);
    expect(() => parseSlackAddress("slack:C1:abc")).toThrow(/malformed/);
  });
});

describe("Slack text to plain", () => {
  it("undoes Slack's escaping and link wrapping", () => {
    expect(
      mrkdwnToPlain(
        "&lt;a&gt; &amp;lt; <mailto:x@y.test|x@y.test> <https://a.test/?p=1|a.test> <https://b.test>",
      ),
    ).toBe("<a> &lt; x@y.test a.test https://b.test");
    expect(mrkdwnToPlain("<@U123> <!channel> <#C1|ops>")).toBe("@U123 @channel ops");
  });
});

describe("which messages are pastes", () => {
  const base: SlackMessageEvent = { type: "message", channel: "CSUP", user: "U1", ts: "1.2", text: "550" };
  const support = new Set(["CSUP"]);
  it("reads people's new messages and file shares in support channels only", () => {
    expect(isPasteCandidate(base, support, "UBOT")).toBe(true);
    expect(isPasteCandidate({ ...base, subtype: "file_share" }, support, "UBOT")).toBe(true);
    expect(isPasteCandidate({ ...base, channel: "COTHER" }, support, "UBOT")).toBe(false);
    expect(isPasteCandidate({ ...base, user: "UBOT" }, support, "UBOT")).toBe(false);
    expect(isPasteCandidate({ ...base, bot_id: "B1" }, support, "UBOT")).toBe(false);
    for (const subtype of ["message_changed", "message_deleted", "channel_join", "bot_message"]) {
      expect(isPasteCandidate({ ...base, subtype }, support, "UBOT")).toBe(false);
    }
  });
  it("answers in the message's own thread, or the thread it was posted in", () => {
    expect(pasteOrigin(base).thread).toBe("slack:CSUP:1.2");
    expect(pasteOrigin({ ...base, thread_ts: "1.1" }).thread).toBe("slack:CSUP:1.1");
  });
});

describe("Slack files", () => {
  it("recognises .eml and keeps the token to Slack's file hosts or the API host", () => {
    expect(looksLikeEml({ id: "F", name: "Bounce.EML" })).toBe(true);
    expect(looksLikeEml({ id: "F", name: "x.txt", mimetype: "message/rfc822" })).toBe(true);
    expect(looksLikeEml({ id: "F", name: "x.png" })).toBe(false);
    const api = new URL("http://127.0.0.1:9000/api/");
    expect(mayCarryToken(new URL("https://files.slack.com/x"), api)).toBe(true);
    expect(mayCarryToken(new URL("http://127.0.0.1:9000/files/F"), api)).toBe(true);
    expect(mayCarryToken(new URL("http://evil.test/files/F"), api)).toBe(false);
    // Any https URL a file event names is not Slack's: the token stays home.
    expect(mayCarryToken(new URL("https://evil.test/files/F"), api)).toBe(false);
    expect(mayCarryToken(new URL("https://files.slack.com.evil.test/x"), api)).toBe(false);
    expect(mayCarryToken(new URL("https://files.slack.com:8443/x"), api)).toBe(false);
    expect(mayCarryToken(new URL("http://files.slack.com/x"), api)).toBe(false);
    const slack = new URL("https://slack.com/api/");
    expect(mayCarryToken(new URL("https://files.slack.com/files-pri/T-F/a.eml"), slack)).toBe(true);
    expect(mayCarryToken(new URL("https://evil.test/a.eml"), slack)).toBe(false);
    const gov = new URL("https://slack-gov.com/api/");
    expect(mayCarryToken(new URL("https://files.slack-gov.com/files-pri/T-F/a.eml"), gov)).toBe(true);
  });

  it("never sends the bot token to a download URL off Slack's file hosts", async () => {
    const asked: string[] = [];
    const warned: string[] = [];
    const client = {
      files: {
        info: async () => ({ ok: true, file: { url_private_download: "https://collector.evil.test/a.eml" } }),
      },
    } as unknown as Parameters<typeof downloadEmlFiles>[1]["client"];
    const files = await downloadEmlFiles([{ id: "F1", name: "a.eml" }], {
      client,
      botToken: "xoxb-secret",
      apiBase: new URL("https://slack.com/api/"),
      maxBytes: 1000,
      logger: {
        warn: (fields: { err?: Error }) => warned.push(fields.err?.message ?? ""),
      } as unknown as Parameters<typeof downloadEmlFiles>[1]["logger"],
      // Nothing may be fetched at all; a call would be recorded (and the test would fail).
      fetchFn: (async (url: URL) => {
        asked.push(String(url));
        return new Response("x");
      }) as unknown as typeof fetch,
    });
    expect(files).toEqual([]);
    expect(asked).toEqual([]);
    expect(warned).toEqual(["refusing to send the bot token to https://collector.evil.test"]);
  });
});

describe("Slack settings", () => {
  it("picks Socket Mode when SLACK_APP_TOKEN is set, HTTP otherwise", () => {
    expect(slackSettings(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" })).mode).toBe(
      "http",
    );
    expect(slackSettings(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" })).mode).toBe(
      "socket",
    );
  });
  it("names the variable to set", () => {
    expect(() => slackSettings(loadConfig({}))).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => slackSettings(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" }))).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => slackSettings(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xoxb-2" }))).toThrow(
      ConfigError,
    );
    expect(() =>
      slackSettings(
        loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: "nope" }),
      ),
    ).toThrow(/SLACK_API_URL/);
  });
  it("words the limit message politely", () => {
    expect(
      limitMessage({ allowed: false, scope: "user", limit: 10, windowSeconds: 60, retryAfterSeconds: 20 }),
    ).toBe("You've run 10 checks in the last minute; try again in 20 s.");
  });
});

describe("manifest.yml", () => {
  it("declares the command, the scopes and the events the adapter uses", async () => {
    const { readFile } = await import("node:fs/promises");
    const manifest = await readFile(new URL("../../../manifest.yml", import.meta.url), "utf8");
    expect(manifest).toMatch(/- command: \/rdns\n\s+url: https:\/\/[^\n]+\/slack\/events/);
    for (const scope of [
      "commands",
      "chat:write",
      "chat:write.public",
      "channels:history",
      "groups:history",
      "files:read",
    ]) {
      expect(manifest).toMatch(new RegExp(`\\n\\s+- ${scope}\\n`));
    }
    for (const event of ["message.channels", "message.groups"]) expect(manifest).toContain(`- ${event}`);
    expect(manifest).toMatch(/socket_mode_enabled: (true|false)/);
    // The buttons' presses come to the same signed endpoint.
    expect(manifest).toMatch(
      /interactivity:\n\s+is_enabled: true\n\s+request_url: https:\/\/[^\n]+\/slack\/events/,
    );
  });

  it("declares the message shortcut, the Home tab and the scopes and events they need", async () => {
    const { readFile } = await import("node:fs/promises");
    const manifest = await readFile(new URL("../../../manifest.yml", import.meta.url), "utf8");
    expect(manifest).toMatch(
      /- name: Check with rdns\n\s+type: message\n\s+callback_id: rdns_check_message\n/,
    );
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest).toMatch(/messages_tab_enabled: true/);
    for (const scope of ["app_mentions:read", "im:history", "im:write", "channels:read", "groups:read"])
      expect(manifest).toMatch(new RegExp(`\\n\\s+- ${scope}\\n`));
    for (const event of ["message.im", "app_mention", "app_home_opened"])
      expect(manifest).toContain(`- ${event}\n`);
    // Only what the features use: no user token scopes, no users:read, no chat:write.customize.
    expect(manifest).not.toMatch(/\n\s+user:\n/);
    expect(manifest).not.toMatch(/- (users:read|chat:write\.customize|im:read|mpim:)/);
  });
});

import { describe, expect, it } from "vitest";
import { looksLikeDiscordId } from "../../../src/platforms/discord/messages.js";
import { looksLikeSlackId } from "../../../src/platforms/slack/inbound-message.js";
import { supportChannels } from "../../../src/platforms/support-channels.js";

describe("SUPPORT_CHANNELS, the same rule on every platform", () => {
  const slack = supportChannels(
    ["C0SUPPORT", "slack:C0OTHER", "bounces", "#Postmaster"],
    "slack",
    looksLikeSlackId,
  );

  it("matches a channel by id, by <platform>:<id>, by name and by #name (any case)", () => {
    expect(slack.has("C0SUPPORT")).toBe(true);
    expect(slack.has("C0OTHER")).toBe(true);
    expect(slack.has("C0BOUNCES", "bounces")).toBe(true);
    expect(slack.has("C0POST", "postmaster")).toBe(true);
    expect(slack.has("C0POST", "#postmaster")).toBe(true);
    expect(slack.has("C0GENERAL", "general")).toBe(false);
    expect(slack.has("C0BOUNCES")).toBe(false);
  });

  it("takes another platform's prefixed id for that platform only", () => {
    const discord = supportChannels(
      ["slack:C0OTHER", "discord:1200000000000000003"],
      "discord",
      looksLikeDiscordId,
    );
    expect(discord.has("C0OTHER")).toBe(false);
    expect(discord.has("1200000000000000003")).toBe(true);
  });

  it("says whether a name is listed, so Slack asks for names only then", () => {
    expect(slack.namesListed).toBe(true);
    expect(supportChannels(["C0SUPPORT", "discord:1"], "slack", looksLikeSlackId).namesListed).toBe(false);
    expect(supportChannels(["1200000000000000003"], "discord", looksLikeDiscordId).namesListed).toBe(false);
    expect(supportChannels(["support"], "discord", looksLikeDiscordId).namesListed).toBe(true);
  });
});

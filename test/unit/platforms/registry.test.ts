import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/log.js";
import { createPlatforms, selectPlatforms } from "../../../src/platforms/registry.js";

describe("platform registry", () => {
  it("chooses platforms from the tokens, the console when there are none", () => {
    expect(selectPlatforms(loadConfig({}))).toEqual(["console"]);
    expect(selectPlatforms(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" }))).toEqual(["slack"]);
    expect(selectPlatforms(loadConfig({ DISCORD_TOKEN: "d" }))).toEqual(["discord"]);
    expect(selectPlatforms(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", DISCORD_TOKEN: "d" }))).toEqual([
      "slack",
      "discord",
    ]);
  });

  it("builds the console platform on the given streams", async () => {
    const platforms = await createPlatforms(loadConfig({}), createLogger("silent"), {
      input: new PassThrough(),
      output: new PassThrough(),
    });
    expect(platforms.map((platform) => platform.name)).toEqual(["console"]);
  });
});

describe("platform modules", () => {
  it("name every platform once, in start order, the console last (it is the fallback)", async () => {
    const { PLATFORM_NAMES } = await import("../../../src/platforms/registry.js");
    expect(PLATFORM_NAMES).toEqual(["slack", "discord", "console"]);
  });

  it("are turned on by their own variables", async () => {
    const { slackPlatform } = await import("../../../src/platforms/slack/platform.js");
    const { discordPlatform } = await import("../../../src/platforms/discord/platform.js");
    const { consolePlatform } = await import("../../../src/platforms/console/platform.js");
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" });
    expect([slackPlatform, discordPlatform, consolePlatform].map((module) => module.enabled(config))).toEqual(
      [true, false, "fallback"],
    );
  });
});

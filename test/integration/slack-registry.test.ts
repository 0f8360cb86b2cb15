// The engine's platform registry loads this adapter by name from configuration.
import { describe, expect, it } from "vitest";

describe("the platform registry", () => {
  it("starts Slack from configuration through createSlackPlatform", async () => {
    const { createPlatforms } = await import("../../src/platforms/registry.js");
    const { loadConfig } = await import("../../src/config.js");
    const { createLogger } = await import("../../src/log.js");
    const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "secret" });
    const platforms = await createPlatforms(config, createLogger("silent"), {
      input: process.stdin,
      output: process.stdout,
    });
    expect(platforms.map((platform) => platform.name)).toEqual(["slack"]);
    expect((platforms[0] as { mode?: string }).mode).toBe("http");
    await Promise.all(platforms.map((platform) => platform.stop()));
  });
});

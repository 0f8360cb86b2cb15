// The Slack adapter's own Redis connection (event claims) reports its errors to the log, not as
// ioredis's "Unhandled error event" on stderr, and a Redis it cannot reach at start-up is named
// by its variable.
import { createServer } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { createSlackPlatform } from "../../src/platforms/slack/index.js";
import { FakeSlackWebApi } from "../fakes/slack/web-api.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the Slack adapter's own Redis", () => {
  it("has an error listener, and a start against a dead Redis names REDIS_URL", async () => {
    const fake = new FakeSlackWebApi();
    await fake.start();
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const config = loadConfig({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: fake.apiUrl,
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    const platform = createSlackPlatform(config, createLogger("silent"), { port: 0 });
    try {
      await expect(
        platform.start({ onCommand: async () => {}, onPaste: async () => {}, onButton: async () => {} }),
      ).rejects.toThrow(/cannot reach Redis .*REDIS_URL/);
      // ioredis keeps reconnecting; each failure is an "error" event.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const unhandled = printed.mock.calls.filter((call) =>
        String(call[0]).includes("Unhandled error event"),
      );
      expect(unhandled).toEqual([]);
    } finally {
      await platform.stop();
      await fake.stop();
    }
  });
});

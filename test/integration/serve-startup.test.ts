// `rdns serve` whose chat front end cannot start: it closes what it opened and exits non-zero
// well within 15 s (an unreachable Slack API within a minute), with one line on stderr naming the
// variable to fix, instead of running on headless with its workers. The built CLI, as an
// operator runs it, against the loopback fakes.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "../fakes/discord/index.js";
import { FakeSlackWebApi } from "../fakes/slack/web-api.js";
import { buildUnlessBuilt, ROOT } from "../support/built-cli.js";
import { runAsync } from "../support/spawn-async.js";
import { cleanupPrefix, REDIS_URL } from "./engine/support.js";

const prefix = `rdnstest-startup-${randomBytes(4).toString("hex")}`;

/** A loopback port with a listener on it (for "port in use"), and one nothing listens on. */
async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function closedPort(): Promise<number> {
  const { server, port } = await listening();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function serve(env: Record<string, string>, timeoutMs = 15_000) {
  return runAsync(process.execPath, [join(ROOT, "bin", "rdns.js"), "serve"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: "silent",
      ...env,
    },
    timeoutMs,
  });
}

/** Exited by itself, non-zero, and said one line naming `variable`. */
function expectOneLineNaming(result: Awaited<ReturnType<typeof serve>>, variable: string, withinMs: number) {
  expect(result.signal, `killed after ${result.ms} ms; stderr: ${result.stderr}`).toBeNull();
  expect(result.code).not.toBe(0);
  expect(result.ms).toBeLessThan(withinMs);
  const lines = result.stderr.trim().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rdns serve: /);
  expect(lines[0]).toContain(variable);
}

describe("rdns serve: a front end that cannot start", () => {
  let slack: FakeSlackWebApi;
  beforeAll(async () => {
    buildUnlessBuilt();
    slack = new FakeSlackWebApi();
    await slack.start();
  }, 120_000);
  afterAll(async () => {
    await slack.stop();
    await cleanupPrefix(prefix);
  });

  it("Slack refuses the token (invalid_auth): names SLACK_BOT_TOKEN", async () => {
    const result = await serve({
      SLACK_BOT_TOKEN: "xoxb-wrong",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: slack.apiUrl,
      PORT: String(await closedPort()),
    });
    expectOneLineNaming(result, "SLACK_BOT_TOKEN", 15_000);
    expect(result.stderr).toContain("invalid_auth");
  });

  it("the Slack HTTP receiver's port is taken: names PORT", async () => {
    const { server, port } = await listening();
    try {
      const result = await serve({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
      });
      expectOneLineNaming(result, "PORT", 15_000);
      expect(result.stderr).toContain("EADDRINUSE");
    } finally {
      server.close();
    }
  });

  it("Slack's Web API cannot be reached: a few attempts, then names SLACK_API_URL within a minute", async () => {
    const result = await serve(
      {
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: "secret",
        SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/`,
        PORT: String(await closedPort()),
      },
      60_000,
    );
    expectOneLineNaming(result, "SLACK_API_URL", 60_000);
  });

  it("Discord refuses the token (gateway close 4004): names DISCORD_TOKEN", async () => {
    const discord = await new FakeDiscord({ refuseIdentify: 4004 }).start();
    try {
      const result = await serve({ DISCORD_TOKEN: "wrong", DISCORD_API_URL: discord.apiUrl });
      expectOneLineNaming(result, "DISCORD_TOKEN", 15_000);
    } finally {
      await discord.stop();
    }
  });

  it("Discord cannot be reached: names DISCORD_API_URL", async () => {
    const result = await serve({
      DISCORD_TOKEN: "token",
      DISCORD_API_URL: `http://127.0.0.1:${await closedPort()}/api`,
    });
    expectOneLineNaming(result, "DISCORD_API_URL", 15_000);
  });
});

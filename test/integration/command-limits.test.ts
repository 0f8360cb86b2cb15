// The command limits in real Redis, as start-up builds them from the environment: every chat
// platform counted apart, the console (the operator's own terminal) only when a limit variable is
// set, and a counter that cannot count lets commands through rather than refusing them all.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { commandLimitsFromConfig, redisCommandLimiter } from "../../src/app/command-limits.js";
import type { PlatformName } from "../../src/chat/types.js";
import { loadConfig } from "../../src/config.js";
import { cleanupPrefix, REDIS_URL } from "./engine/support.js";

const redis = new Redis(REDIS_URL);
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await cleanupPrefix(prefix);
  redis.disconnect();
});

function limiterFor(env: Record<string, string>) {
  const prefix = `limits-${process.pid}-${prefixes.length}`;
  prefixes.push(prefix);
  return redisCommandLimiter(redis, prefix, commandLimitsFromConfig(loadConfig(env)));
}

async function allowedOf(limiter: ReturnType<typeof limiterFor>, platform: PlatformName, times: number) {
  let allowed = 0;
  for (let i = 0; i < times; i++) {
    if ((await limiter({ platform, user: "U1", channel: `C-${platform}` })).allowed) allowed++;
  }
  return allowed;
}

describe("command limits from the environment", () => {
  it("with nothing set: Slack and Discord stop at 10 a person, the console is not limited", async () => {
    const limiter = limiterFor({});
    expect(await allowedOf(limiter, "slack", 12)).toBe(10);
    expect(await allowedOf(limiter, "discord", 12)).toBe(10);
    expect(await allowedOf(limiter, "console", 25)).toBe(25);
  });

  it("with LIMIT_USER_COMMANDS set: the console is limited too", async () => {
    const limiter = limiterFor({ LIMIT_USER_COMMANDS: "3" });
    expect(await allowedOf(limiter, "console", 5)).toBe(3);
    expect(await allowedOf(limiter, "slack", 5)).toBe(3);
  });

  it("the old SLACK_USER_COMMANDS_PER_WINDOW name still limits every platform", async () => {
    const limiter = limiterFor({ SLACK_USER_COMMANDS_PER_WINDOW: "2" });
    expect(await allowedOf(limiter, "discord", 4)).toBe(2);
    expect(await allowedOf(limiter, "console", 4)).toBe(2);
  });

  it("says which limit was reached and when it resets", async () => {
    const limiter = limiterFor({ LIMIT_CHANNEL_COMMANDS: "2", LIMIT_WINDOW_SECONDS: "30" });
    await limiter({ platform: "slack", user: "U1", channel: "C9" });
    await limiter({ platform: "slack", user: "U2", channel: "C9" });
    const verdict = await limiter({ platform: "slack", user: "U3", channel: "C9" });
    expect(verdict).toMatchObject({ allowed: false, scope: "channel", limit: 2, windowSeconds: 30 });
    if (verdict.allowed) throw new Error("unreachable");
    expect(verdict.retryAfterSeconds).toBeGreaterThan(0);
    expect(verdict.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it("lets a command through, uncounted, when Redis cannot count", async () => {
    // A port where nothing listens, with no offline queue: every command fails at once, as a
    // full or unreachable Redis makes INCR fail.
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    const limiter = redisCommandLimiter(dead, "limits-dead", commandLimitsFromConfig(loadConfig({})));
    const verdict = await limiter({ platform: "slack", user: "U1", channel: "C1" });
    expect(verdict.allowed).toBe(true);
    expect(verdict.allowed && verdict.uncounted).toBeInstanceOf(Error);
    dead.disconnect();
  });
});

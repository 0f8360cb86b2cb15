// Starts the real Slack adapter (real Bolt, real Redis) against the loopback fakes, in HTTP or
// Socket Mode, with its own Redis key prefix; `close()` stops everything and deletes the keys.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { InboundHandlers } from "../../../src/chat/types.js";
import { loadConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/log.js";
import {
  createSlackPlatform,
  type SlackPlatform,
  slackKeyPrefix,
} from "../../../src/platforms/slack/index.js";
import type { RedisClient } from "../../../src/redis-client.js";
import { FakeSocketModeServer } from "./socket-mode.js";
import { FakeSlackWebApi } from "./web-api.js";

export const SIGNING_SECRET = "test-signing-secret-0123456789";
export const SUPPORT_CHANNEL = "C0SUPPORT";

export interface SlackHarness {
  fake: FakeSlackWebApi;
  socket: FakeSocketModeServer | null;
  platform: SlackPlatform;
  redis: RedisClient;
  keyPrefix: string;
  /** The HTTP receiver's events URL (HTTP mode). */
  eventsUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  mode?: "http" | "socket";
  env?: Record<string, string>;
  redis?: RedisClient;
  /** Redis key prefix for the adapter; "configured": none given, the adapter derives it from QUEUE_PREFIX. */
  keyPrefix?: string | "configured";
  /** Timeout of the adapter's outbound Web API calls, ms. */
  apiTimeoutMs?: number;
}

/** Starts the adapter with these handlers (the adapter-only tests). */
export async function startSlackHarness(
  handlers: InboundHandlers,
  options: HarnessOptions = {},
): Promise<SlackHarness> {
  const harness = await createSlackHarness(options);
  await harness.platform.start(handlers);
  return harness;
}

/** The fakes and an adapter not yet started (the engine's runtime starts it). */
export async function createSlackHarness(options: HarnessOptions = {}): Promise<SlackHarness> {
  const fake = new FakeSlackWebApi();
  await fake.start();
  let socket: FakeSocketModeServer | null = null;
  if (options.mode === "socket") {
    socket = new FakeSocketModeServer();
    await socket.start();
    fake.socketUrl = socket.url;
  }
  const config = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SUPPORT_CHANNELS: SUPPORT_CHANNEL,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    ...(options.mode === "socket" ? { SLACK_APP_TOKEN: "xapp-1-test" } : {}),
    ...options.env,
  });
  const redis = options.redis ?? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  const configured = options.keyPrefix === "configured";
  const keyPrefix = configured
    ? slackKeyPrefix(config)
    : (options.keyPrefix ?? `test:slack:${randomUUID()}:`);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
  const platform = createSlackPlatform(config, logger, {
    redis,
    ...(configured ? {} : { keyPrefix }),
    port: 0,
    ...(options.apiTimeoutMs !== undefined ? { apiTimeoutMs: options.apiTimeoutMs } : {}),
  });
  return {
    fake,
    socket,
    platform,
    redis,
    keyPrefix,
    get eventsUrl() {
      return `http://127.0.0.1:${platform.port}/slack/events`;
    },
    async close() {
      await platform.stop();
      await socket?.stop();
      await fake.stop();
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      if (options.redis === undefined) await redis.quit();
    },
  };
}

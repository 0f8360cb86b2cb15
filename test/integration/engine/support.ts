// Shared by the engine's integration tests: settings on a unique Redis prefix pointed at the DNS
// lab, the engine started on them, a ChatPlatform that records what it is asked to post, and
// cleanup of every key a test wrote.
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Cluster } from "ioredis";
import { inject } from "vitest";
import type { AppContext } from "../../../src/app/context.js";
import type {
  ChatPlatform,
  CommandResponder,
  InboundHandlers,
  Origin,
  OutboundMessage,
  PlatformName,
  ReplyAddress,
} from "../../../src/chat/types.js";
import { loadConfig } from "../../../src/config.js";
import { deploymentPrefix, storeKeys } from "../../../src/keys.js";
import { createLogger } from "../../../src/log.js";
import { createRedis } from "../../../src/queue/connection.js";
import { CHECK_QUEUE, deliveryQueueName, WATCH_QUEUE } from "../../../src/queue/names.js";
import type { RedisClient } from "../../../src/redis-client.js";
import { type Runtime, type RuntimeOptions, startRuntime } from "../../../src/runtime.js";
import { type EngineSettings, settingsFromConfig } from "../../../src/settings.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/**
 * The Redis the engine's tests run on: the one server at REDIS_URL, or a Redis Cluster when
 * TEST_REDIS_CLUSTER_NODES names its nodes (scripts/test-cluster.sh runs the console suite so).
 */
export const REDIS_ENV: Record<string, string> =
  process.env.TEST_REDIS_CLUSTER_NODES === undefined
    ? { REDIS_URL }
    : { REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES };
/** A client connection to the tests' Redis (one server or the cluster), through the bot's own factory. */
export function testRedis(): RedisClient {
  return createRedis(loadConfig(REDIS_ENV).redis, "client");
}
export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

/** A deployment prefix of its own, written as the hash tag the keys carry (`{rdnstest-...}`). */
export function uniquePrefix(name: string): string {
  return deploymentPrefix(`rdnstest-${name}-${randomBytes(4).toString("hex")}`);
}

/** Engine settings for a test: the lab's resolver and authority, a unique prefix, fast retries. */
export function labSettings(name: string, overrides: Partial<EngineSettings> = {}): EngineSettings {
  const lab = inject("lab");
  const base = settingsFromConfig(loadConfig(REDIS_ENV));
  return {
    ...base,
    prefix: uniquePrefix(name),
    check: { resolvers: [lab.resolver], authorities: [lab.authority], timeoutMs: 1000 },
    checkRetryDelayMs: 200,
    deliveryRetryDelayMs: 100,
    ...overrides,
  };
}

/**
 * The engine (bot and check workers, unless `options` says otherwise) on the test Redis, with
 * these settings, driving these platforms.
 */
export function startLabRuntime(
  settings: EngineSettings,
  platforms: ChatPlatform[],
  options: Partial<Omit<RuntimeOptions, "settings" | "platforms">> = {},
): Promise<Runtime> {
  return startRuntime({
    config: loadConfig(REDIS_ENV),
    logger,
    bot: true,
    worker: true,
    settings,
    platforms,
    ...options,
  });
}

/**
 * The services' context over a running engine, for tests that call src/app directly (stop a
 * chain, press a button) beside the platforms. It reads no bounces.
 */
export function appContextOf(runtime: Runtime, settings: EngineSettings): AppContext {
  return {
    redis: runtime.redis,
    queues: runtime.queues,
    settings,
    keys: storeKeys(settings.prefix),
    logger,
    readBounce: () => ({ findings: [], truncated: false }) as never,
  };
}

/** The keys matching a pattern (KEYS walks one server: on a Cluster, each primary). */
export async function keysMatching(redis: RedisClient, pattern: string): Promise<string[]> {
  const servers = redis instanceof Cluster ? redis.nodes("master") : [redis];
  return (await Promise.all(servers.map((server) => server.keys(pattern)))).flat();
}

/** Deletes every key under the prefix (BullMQ's and the store's). */
export async function cleanupPrefix(prefix: string): Promise<void> {
  const redis = testRedis();
  try {
    for (const name of [
      CHECK_QUEUE,
      WATCH_QUEUE,
      ...(["console", "slack", "discord"] as const).map(deliveryQueueName),
    ]) {
      const queue = new Queue(name, { connection: redis, prefix });
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    // SCAN walks one server: on a Cluster, each primary in turn.
    const servers = redis instanceof Cluster ? redis.nodes("master") : [redis];
    for (const server of servers) {
      let cursor = "0";
      do {
        const [next, keys] = await server.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        await Promise.all(keys.map((key) => redis.del(key)));
        cursor = next;
      } while (cursor !== "0");
    }
  } finally {
    redis.disconnect();
  }
}

export interface Posted {
  op: "post" | "reply" | "update" | "private" | "public";
  address: string;
  message: OutboundMessage;
  at: number;
}

/**
 * A ChatPlatform that keeps what it is asked to post, for asserting where each message landed.
 * Addresses look like `test:<channel>:<n>`.
 */
export class RecordingPlatform implements ChatPlatform {
  readonly posted: Posted[] = [];
  handlers: InboundHandlers | null = null;
  private counter = 0;
  private requests = 0;
  /** Make the next N sender calls fail with this error (for retry tests). */
  failNext: { count: number; error: () => Error } = { count: 0, error: () => new Error("down") };

  constructor(readonly name: PlatformName = "console") {}

  private maybeFail() {
    if (this.failNext.count > 0) {
      this.failNext.count--;
      throw this.failNext.error();
    }
  }
  async post(channel: string, message: OutboundMessage): Promise<ReplyAddress> {
    this.maybeFail();
    const address = `test:${channel}:${++this.counter}`;
    this.posted.push({ op: "post", address, message, at: Date.now() });
    return address;
  }
  async reply(thread: ReplyAddress, message: OutboundMessage): Promise<ReplyAddress> {
    this.maybeFail();
    this.posted.push({ op: "reply", address: thread, message, at: Date.now() });
    return `${thread}.${++this.counter}`;
  }
  async update(target: ReplyAddress, message: OutboundMessage): Promise<void> {
    this.maybeFail();
    this.posted.push({ op: "update", address: target, message, at: Date.now() });
  }
  async start(handlers: InboundHandlers): Promise<void> {
    this.handlers = handlers;
  }
  async stop(): Promise<void> {}

  ready(): boolean {
    return this.handlers !== null;
  }

  /** Runs `/rdns <args>` in a channel as a platform would, after its ack. */
  async command(args: string[], channel = "C1"): Promise<Origin | null> {
    if (this.handlers === null) throw new Error("not started");
    let origin: Origin | null = null;
    const respond: CommandResponder = {
      replyPrivately: async (message) => {
        this.posted.push({ op: "private", address: channel, message, at: Date.now() });
      },
      replyPublicly: async (message) => {
        await this.post(channel, message);
      },
      openThread: async (message) => {
        const address = await this.post(channel, message);
        origin = { platform: this.name, channel, thread: address, parent: address };
        return origin;
      },
      replaceOpened: async (opened, message) => {
        if (opened.parent !== null) await this.update(opened.parent, message);
      },
    };
    await this.handlers.onCommand(
      // One asker per channel: the runtime's per-user limit is real here, and tests that ask
      // from many channels at once stand for many people.
      { platform: this.name, requestId: `req-${++this.requests}`, channel, user: `U-${channel}`, args },
      respond,
    );
    return origin;
  }

  /** Posts a message in a support channel, as a platform would hand it over after its ack. */
  async paste(text: string, channel = "C-support"): Promise<Origin | null> {
    if (this.handlers === null) throw new Error("not started");
    const address = `test:${channel}:${++this.counter}`;
    let origin: Origin | null = null;
    await this.handlers.onPaste(
      {
        platform: this.name,
        requestId: `req-${++this.requests}`,
        channel,
        user: "U1",
        text,
        attachments: [],
      },
      {
        openThread: async () => {
          origin = { platform: this.name, channel, thread: address, parent: null };
          return origin;
        },
      },
    );
    return origin;
  }

  /** Messages in one thread (replies) or on one parent (updates). */
  in(address: string, op: Posted["op"] = "reply"): Posted[] {
    return this.posted.filter((item) => item.address === address && item.op === op);
  }

  async waitFor(predicate: (posted: Posted[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.posted)) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out; posted so far:\n${JSON.stringify(this.posted.map((p) => [p.op, p.address, p.message.kind]))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

// The real app pipeline (commands/ loaded from disk, limits in real Redis, a unique queue prefix)
// that every platform driver in the contract suite is started against, plus one extra command
// that fails on purpose, and the log lines it writes, for the reference a failure carries; and,
// for the scenarios that follow an answer to where it lands, the platform's delivery worker.
import type { Worker } from "bullmq";
import { pino } from "pino";
import { bounceReader } from "../../../src/app/bounce-reader.js";
import type { Command } from "../../../src/app/command.js";
import { type CommandLimits, redisCommandLimiter } from "../../../src/app/command-limits.js";
import type { AppContext } from "../../../src/app/context.js";
import { createInboundHandlers } from "../../../src/app/handlers.js";
import { loadCommands, validateCommands } from "../../../src/app/load-commands.js";
import { listenForWatchChanges } from "../../../src/app/watch-changes.js";
import type { ChatPlatform, ChatSender, InboundHandlers } from "../../../src/chat/types.js";
import { storeKeys } from "../../../src/keys.js";
import { createRedis } from "../../../src/queue/connection.js";
import { createQueues, type Queues } from "../../../src/queue/queues.js";
import type { EngineSettings } from "../../../src/settings.js";
import { createDeliveryWorker } from "../../../workers/delivery.js";
import { cleanupPrefix, labSettings, REDIS_URL } from "../engine/support.js";

/** A command whose run() throws: the error boundary's scenario. */
export const EXPLODE: Command = {
  name: "explode",
  summary: "fails on purpose (the contract suite's handler failure)",
  dnsWork: false,
  options: [],
  examples: [{}],
  async run() {
    throw new Error("exploded on purpose");
  },
};

export interface TestApp {
  handlers: InboundHandlers;
  commands: Command[];
  prefix: string;
  logs: Record<string, unknown>[];
  /** Runs the delivery worker for `sender`'s platform (stopped by close()). */
  deliver(sender: ChatSender): void;
  /** Tells `platforms` of announced watch changes, as the runtime does (stopped by close()). */
  listen(platforms: readonly ChatPlatform[]): Promise<void>;
  queues: Queues;
  close(): Promise<void>;
}

/**
 * The app on the shared Redis, or (`redisUrl`, nothing listening there) on a Redis that cannot be
 * reached, as in an outage: then without limits, which would need Redis before any command runs.
 */
export async function startTestApp(
  name: string,
  limits: CommandLimits | null,
  options: { redisUrl?: string; check?: Partial<EngineSettings["check"]> } = {},
): Promise<TestApp> {
  const base = labSettings(`contract-${name}`);
  const settings = { ...base, check: { ...base.check, ...options.check } };
  const redis = createRedis(options.redisUrl ?? REDIS_URL, "client");
  redis.on("error", () => {}); // an unreachable Redis is the scenario, not a crash
  // Connected before the first command: a command that touches no Redis (help, a failing
  // handler) must not find the connection still opening and be told Redis is unreachable.
  if (options.redisUrl === undefined) await redis.ping();
  const queues = createQueues(redis, settings);
  // BullMQ reports the unreachable Redis as 'error' events too; the scenario expects them.
  if (options.redisUrl !== undefined) queues.check.on("error", () => {});
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const ctx: AppContext = {
    redis,
    queues,
    settings,
    keys: storeKeys(settings.prefix),
    logger,
    readBounce: bounceReader,
  };
  const loaded = await loadCommands();
  const commands = validateCommands(
    [...loaded, EXPLODE].map((command) => ({ file: `${command.name}.ts`, module: { default: command } })),
  );
  const handlers = createInboundHandlers(ctx, commands, {
    limiter: limits === null ? null : redisCommandLimiter(redis, settings.prefix, limits),
  });
  const workers: { worker: Worker; redis: ReturnType<typeof createRedis> }[] = [];
  const subscribers: ReturnType<typeof createRedis>[] = [];
  return {
    handlers,
    commands,
    prefix: settings.prefix,
    logs,
    deliver(sender) {
      const workerRedis = createRedis(options.redisUrl ?? REDIS_URL, "worker");
      const worker = createDeliveryWorker(sender, { redis: workerRedis, queues, settings, logger });
      workers.push({ worker, redis: workerRedis });
    },
    async listen(platforms) {
      const subscriber = createRedis(options.redisUrl ?? REDIS_URL, "client");
      subscribers.push(subscriber);
      await listenForWatchChanges(subscriber, ctx.keys, platforms);
    },
    queues,
    async close() {
      for (const subscriber of subscribers) await subscriber.quit();
      for (const { worker, redis: workerRedis } of workers) {
        await worker.close();
        await workerRedis.quit();
      }
      if (options.redisUrl !== undefined) {
        redis.disconnect();
        await Promise.race([queues.close(), new Promise((resolve) => setTimeout(resolve, 2000))]);
        return;
      }
      await queues.close();
      await redis.quit();
      await cleanupPrefix(settings.prefix);
    },
  };
}

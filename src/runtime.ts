// Starts the engine's halves in one process: the bot (chat front ends + delivery workers) and/or
// the check workers, and stops them in an order that loses nothing (docs/operations.md "Stopping: SIGTERM drains"):
// front ends first (no new requests), then workers finish their in-flight jobs, then Redis.
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type CheckRunner, createCheckWorker, type PollRunner } from "../workers/check.js";
import { createDeliveryWorker } from "../workers/delivery.js";
import { createWatchWorker } from "../workers/watch.js";
import { bounceReaderFor } from "./app/bounce-reader.js";
import { commandLimitsFromConfig, redisCommandLimiter } from "./app/command-limits.js";
import type { AppContext, BounceReader } from "./app/context.js";
import { createInboundHandlers } from "./app/handlers.js";
import { loadCommands } from "./app/load-commands.js";
import type { ChatPlatform } from "./chat/types.js";
import { runCheck } from "./check/index.js";
import type { Config } from "./config.js";
import { storeKeys } from "./keys.js";
import type { Logger } from "./log.js";
import { createConsolePlatform } from "./platforms/console/index.js";
import { createPlatforms } from "./platforms/registry.js";
import { assertRedisReachable, createRedis } from "./queue/connection.js";
import { claimDeliveryRoute, type RouteClaim, retireRouteQueue } from "./queue/delivery-routes.js";
import { createQueues, type Queues } from "./queue/queues.js";
import { type EngineSettings, settingsFromConfig } from "./settings.js";

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  bot: boolean;
  worker: boolean;
  /** Defaults from config; tests pass short windows and a unique prefix. */
  settings?: EngineSettings;
  /** Defaults to src/check's runCheck (tests may wrap it to count DNS queries). */
  runCheck?: CheckRunner;
  /** Defaults to the authority poll on the real DNS client (tests may wrap it to count queries). */
  runPoll?: PollRunner;
  /** Defaults to the registry's choice from config. */
  platforms?: ChatPlatform[];
  readBounce?: BounceReader;
  /** Called when a front end asks the process to end (the console's Ctrl-D). */
  onQuit?: () => void;
  /**
   * Called with each worker as soon as it is created, before it can finish a job (metrics
   * observers attach here: a listener attached later would miss jobs that were already queued).
   */
  onWorker?: (worker: Worker, context: { redis: Redis; settings: EngineSettings }) => void;
}

export interface Runtime {
  settings: EngineSettings;
  queues: Queues;
  redis: Redis;
  platforms: ChatPlatform[];
  workers: Worker[];
  stop(): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  const settings = options.settings ?? settingsFromConfig(config);
  for (const line of config.deprecations) logger.warn(line);
  await assertRedisReachable(config.REDIS_URL);
  const client = createRedis(config.REDIS_URL, "client");
  const workerRedis = createRedis(config.REDIS_URL, "worker");
  for (const connection of [client, workerRedis]) {
    connection.on("error", (error) => logger.warn({ err: error.message }, "Redis connection error"));
  }
  const queues = createQueues(client, settings);
  const workers: Worker[] = [];
  const platforms: ChatPlatform[] = [];
  /** Routes this process consumes alone (a console's session), released and retired at stop. */
  const routes: { platform: ChatPlatform; route: string; claim: RouteClaim }[] = [];
  const added = (worker: Worker) => {
    options.onWorker?.(worker, { redis: client, settings });
    workers.push(worker);
  };
  let stopping: Promise<void> | null = null;

  if (options.worker) {
    const check = options.runCheck ?? ((checkOptions) => runCheck(checkOptions));
    added(
      createCheckWorker({
        redis: workerRedis,
        queues,
        settings,
        logger,
        runCheck: check,
        ...(options.runPoll ? { runPoll: options.runPoll } : {}),
      }),
    );
    added(createWatchWorker({ redis: workerRedis, queues, settings, logger, runCheck: check }));
  }
  if (options.bot) {
    const ctx: AppContext = {
      redis: client,
      queues,
      settings,
      keys: storeKeys(settings.prefix),
      logger,
      readBounce: options.readBounce ?? bounceReaderFor(config.BOUNCE_MAX_BYTES),
    };
    const limiter = redisCommandLimiter(client, settings.prefix, commandLimitsFromConfig(config));
    const handlers = createInboundHandlers(ctx, await loadCommands(), { limiter });
    try {
      const chosen =
        options.platforms ??
        (await createPlatforms(config, logger, {
          input: process.stdin,
          output: process.stdout,
          ...(options.onQuit === undefined ? {} : { onClose: options.onQuit }),
        }));
      const deliveryDeps = { redis: workerRedis, queues, settings, logger };
      for (const platform of chosen) {
        added(createDeliveryWorker(platform, deliveryDeps));
        if (platform.route !== undefined) {
          // Claimed before the platform reads a line: its first answer already takes the route.
          const claim = await claimDeliveryRoute(client, ctx.keys, platform.name, platform.route, (err) =>
            logger.warn({ err }, "could not renew the delivery route"),
          );
          routes.push({ platform, route: platform.route, claim });
          added(createDeliveryWorker(platform, deliveryDeps, platform.route));
        }
        // Stopped with the others should start() fail half-way (a port bound, a socket open).
        platforms.push(platform);
        await platform.start(handlers);
      }
    } catch (error) {
      // A bot whose front end cannot start must not run on headless: close what was opened so
      // the process can exit and say why (src/cli/serve.ts).
      await stop();
      throw error;
    }
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      await Promise.allSettled(platforms.map((platform) => platform.stop()));
      // From now on this console's deliveries go to the shared queue (another console prints them).
      await Promise.allSettled(routes.map(({ claim }) => claim.release()));
      // close() waits for in-flight jobs to finish; a job cut short by a kill instead is
      // found by another worker's stalled-job check and runs again.
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await Promise.allSettled(
        routes.map(({ platform, route }) =>
          retireRouteQueue(queues.delivery(platform.name, route), queues.delivery(platform.name)),
        ),
      );
      await queues.close();
      await Promise.allSettled([client.quit(), workerRedis.quit()]);
    })();
    return stopping;
  }
  return { settings, queues, redis: client, platforms, workers, stop };
}

export { createConsolePlatform };

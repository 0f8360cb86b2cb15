// Starts the engine's halves in one process: the bot (chat front ends + delivery workers) and/or
// the check workers, and stops them in an order that loses nothing (docs/operations.md "Stopping: SIGTERM drains"):
// front ends first (no new requests), then workers finish their in-flight jobs, then Redis.
import type { Worker } from "bullmq";
import { Cluster } from "ioredis";
import { type CheckRunner, createCheckWorker, type PollRunner } from "../workers/check.js";
import { createDeliveryWorker } from "../workers/delivery.js";
import { createWatchWorker } from "../workers/watch.js";
import { bounceReaderFor } from "./app/bounce-reader.js";
import { commandLimitsFromConfig, redisCommandLimiter } from "./app/command-limits.js";
import type { AppContext, BounceReader } from "./app/context.js";
import { dmarcReaderFor } from "./app/dmarc-paste.js";
import { createInboundHandlers } from "./app/handlers.js";
import { loadCommands } from "./app/load-commands.js";
import { listenForStorageFull } from "./app/storage-full-notices.js";
import { listenForWatchChanges } from "./app/watch-changes.js";
import type { ChatPlatform, InboundHandlers } from "./chat/types.js";
import { runCheck } from "./check/index.js";
import type { Config } from "./config.js";
import { storeKeys } from "./keys.js";
import type { Logger } from "./log.js";
import { startBotMailListener } from "./mail/bot-listener.js";
import type { MailListener } from "./mail/listener.js";
import { createConsolePlatform } from "./platforms/console/index.js";
import { createPlatforms } from "./platforms/registry.js";
import { assertRedisReachable, createRedis } from "./queue/connection.js";
import { claimDeliveryRoute, type RouteClaim, retireRouteQueue } from "./queue/delivery-routes.js";
import { migrateUntaggedKeys } from "./queue/migrate-keys.js";
import { createQueues, type Queues } from "./queue/queues.js";
import type { RedisClient } from "./redis-client.js";
import { type EngineSettings, rdapFromConfig, settingsFromConfig } from "./settings.js";
import { redisRdapCache } from "./store/rdap-cache.js";

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
  /** Where the console chat writes (default stdout); `rdns serve` holds it until its intro is out. */
  consoleOutput?: NodeJS.WritableStream;
  /**
   * Called with each worker as soon as it is created, before it can finish a job (metrics
   * observers attach here: a listener attached later would miss jobs that were already queued).
   */
  onWorker?: (worker: Worker, context: { redis: RedisClient; settings: EngineSettings }) => void;
}

export interface Runtime {
  settings: EngineSettings;
  queues: Queues;
  redis: RedisClient;
  platforms: ChatPlatform[];
  workers: Worker[];
  /** The test-mail listener (SMTP_PORT set, bot processes only), else null. */
  mailListener: MailListener | null;
  stop(): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  const settings = options.settings ?? settingsFromConfig(config);
  for (const line of config.deprecations) logger.warn(line);
  await assertRedisReachable(config.redis);
  await migrateKeys(config, settings, logger);
  const opened = openEngine(config, settings, logger, options.onWorker);
  // RDAP's networks shared by every worker through Redis (the configuration's own settings only;
  // settings a caller passes keep what they carry).
  if (options.settings === undefined && settings.check.rdap) {
    settings.check.rdap = rdapFromConfig(config, redisRdapCache(opened.client, opened.keys));
  }
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= closeEngine(opened);
    return stopping;
  };
  if (options.worker) startCheckWorkers(opened, options);
  if (options.bot) {
    const { handlers, ctx } = await botHandlers(opened, options);
    try {
      await startPlatforms(opened, handlers, options);
      if (ctx.mailtest) opened.mail.push(await startBotMailListener(ctx, config, ctx.mailtest.domain));
      const subscriber = opened.subscriber();
      await listenForStorageFull(subscriber, opened.keys, opened.platforms, logger);
      await listenForWatchChanges(subscriber, opened.keys, opened.platforms);
    } catch (error) {
      // A bot whose front end cannot start must not run on headless: close what was opened so
      // the process can exit and say why (src/cli/serve.ts).
      await stop();
      throw error;
    }
  }
  const { queues, client, platforms, workers } = opened;
  return { settings, queues, redis: client, platforms, workers, mailListener: opened.mail[0] ?? null, stop };
}

/**
 * Keys written before the deployment's hash tag renamed to their tagged names, before any worker
 * or front end reads them (src/queue/migrate-keys.ts). Not on a Cluster, which never had them.
 */
async function migrateKeys(config: Config, settings: EngineSettings, logger: Logger): Promise<void> {
  if (config.redis.kind === "cluster") return;
  const redis = createRedis(config.redis, "client");
  try {
    if (redis instanceof Cluster) return;
    const { renamed, kept } = await migrateUntaggedKeys(redis, settings.prefix);
    if (renamed > 0)
      logger.info(
        { renamed, prefix: settings.prefix },
        `renamed ${renamed} keys to the prefix ${settings.prefix}`,
      );
    if (kept.length > 0)
      logger.warn(
        { kept: kept.length, first: kept.slice(0, 5) },
        `${kept.length} keys written before the hash tag were kept: their tagged names already exist (docs/operations.md "Upgrading to hash-tagged keys")`,
      );
  } finally {
    await redis.quit();
  }
}

/** What a runtime opened and started, so stop() can close all of it in order. */
interface Engine {
  readonly settings: EngineSettings;
  readonly logger: Logger;
  readonly keys: ReturnType<typeof storeKeys>;
  /** Queues, the store and route claims; workers block on their own connection. */
  readonly client: RedisClient;
  readonly workerRedis: RedisClient;
  readonly queues: Queues;
  readonly workers: Worker[];
  readonly platforms: ChatPlatform[];
  /** Routes this process consumes alone (a console's session), released and retired at stop. */
  readonly routes: { platform: ChatPlatform; route: string; claim: RouteClaim }[];
  /** The test-mail listener, a front end: stopped with the platforms. */
  readonly mail: MailListener[];
  /** Keeps a worker for stop(), after handing it to onWorker. */
  add(worker: Worker): void;
  /** Connections for pub/sub (a subscribed connection runs nothing else), closed at stop. */
  readonly subscribers: RedisClient[];
  subscriber(): RedisClient;
}

function openEngine(
  config: Config,
  settings: EngineSettings,
  logger: Logger,
  onWorker: RuntimeOptions["onWorker"],
): Engine {
  const client = createRedis(config.redis, "client");
  const workerRedis = createRedis(config.redis, "worker");
  for (const connection of [client, workerRedis]) {
    connection.on("error", (error) => logger.warn({ err: error.message }, "Redis connection error"));
  }
  const workers: Worker[] = [];
  const subscribers: RedisClient[] = [];
  return {
    settings,
    logger,
    keys: storeKeys(settings.prefix),
    client,
    workerRedis,
    // One line per error, at debug: the connection's own listener above already warns of it.
    queues: createQueues(client, settings, (queue, error) =>
      logger.debug({ queue, err: error.message }, "queue error"),
    ),
    workers,
    platforms: [],
    routes: [],
    mail: [],
    add(worker) {
      onWorker?.(worker, { redis: client, settings });
      workers.push(worker);
    },
    subscribers,
    subscriber() {
      const connection = createRedis(config.redis, "worker");
      connection.on("error", (error) => logger.warn({ err: error.message }, "Redis connection error"));
      subscribers.push(connection);
      return connection;
    },
  };
}

function startCheckWorkers(engine: Engine, options: RuntimeOptions): void {
  const { workerRedis: redis, queues, settings, logger } = engine;
  const check = options.runCheck ?? ((checkOptions) => runCheck(checkOptions));
  engine.add(
    createCheckWorker({
      redis,
      queues,
      settings,
      logger,
      runCheck: check,
      ...(options.runPoll ? { runPoll: options.runPoll } : {}),
    }),
  );
  engine.add(createWatchWorker({ redis, queues, settings, logger, runCheck: check }));
}

/** The app's inbound pipeline, with the commands and the per-user and per-channel limits. */
async function botHandlers(
  engine: Engine,
  options: RuntimeOptions,
): Promise<{ handlers: InboundHandlers; ctx: AppContext }> {
  const { client, queues, settings, keys, logger } = engine;
  const ctx: AppContext = {
    redis: client,
    queues,
    settings,
    keys,
    logger,
    readBounce: options.readBounce ?? bounceReaderFor(options.config.BOUNCE_MAX_BYTES),
    readDmarc: dmarcReaderFor(options.config.BOUNCE_MAX_BYTES),
    mailtest:
      options.config.SMTP_PORT !== undefined && options.config.SMTP_DOMAIN !== undefined
        ? { domain: options.config.SMTP_DOMAIN }
        : null,
  };
  const limiter = redisCommandLimiter(client, settings.prefix, commandLimitsFromConfig(options.config));
  return { handlers: createInboundHandlers(ctx, await loadCommands(), { limiter }), ctx };
}

/** Each chat platform with its delivery workers (a console's own route too), then started. */
async function startPlatforms(
  engine: Engine,
  handlers: InboundHandlers,
  options: RuntimeOptions,
): Promise<void> {
  const { client, keys, logger } = engine;
  const chosen =
    options.platforms ??
    (await createPlatforms(options.config, logger, {
      input: process.stdin,
      output: options.consoleOutput ?? process.stdout,
      ...(options.onQuit === undefined ? {} : { onClose: options.onQuit }),
    }));
  const deliveryDeps = {
    redis: engine.workerRedis,
    queues: engine.queues,
    settings: engine.settings,
    logger,
  };
  for (const platform of chosen) {
    engine.add(createDeliveryWorker(platform, deliveryDeps));
    if (platform.route !== undefined) {
      // Claimed before the platform reads a line: its first answer already takes the route.
      const claim = await claimDeliveryRoute(client, keys, platform.name, platform.route, (err) =>
        logger.warn({ err }, "could not renew the delivery route"),
      );
      engine.routes.push({ platform, route: platform.route, claim });
      engine.add(createDeliveryWorker(platform, deliveryDeps, platform.route));
    }
    // Stopped with the others should start() fail half-way (a port bound, a socket open).
    engine.platforms.push(platform);
    await platform.start(handlers);
  }
}

/** Front ends first (no new requests), then workers finish their in-flight jobs, then Redis. */
async function closeEngine({
  mail,
  platforms,
  routes,
  workers,
  queues,
  client,
  workerRedis,
  subscribers,
}: Engine): Promise<void> {
  // Messages in flight finish (their checks are queued) before the workers stop.
  await Promise.allSettled([
    ...mail.map((listener) => listener.close()),
    ...platforms.map((platform) => platform.stop()),
  ]);
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
  await Promise.allSettled([
    client.quit(),
    workerRedis.quit(),
    ...subscribers.map((connection) => connection.quit()),
  ]);
}

export { createConsolePlatform };

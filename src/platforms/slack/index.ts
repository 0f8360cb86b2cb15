// The Slack front end: wiring only. Bolt App + receiver (receiver.ts), inbound handlers
// (inbound-command.ts, inbound-message.ts), outbound sender (outbound.ts), Redis to handle each
// event once (the command limits are the app pipeline's). The registry calls `createSlackPlatform`.
import { App, type HTTPReceiver, type Logger as SlackLogger, SocketModeReceiver, webApi } from "@slack/bolt";
import type {
  ChatPlatform,
  InboundHandlers,
  OutboundMessage,
  ReplyAddress,
  SendOptions,
} from "../../chat/types.js";
import type { Config } from "../../config.js";
import { deploymentPrefix } from "../../keys.js";
import type { Logger } from "../../log.js";
import { createRedis } from "../../queue/connection.js";
import type { RedisClient } from "../../redis-client.js";
import { InFlight, STOP_DRAIN_MS } from "../in-flight.js";
import { supportChannels } from "../support-channels.js";
import { type HomeTab, registerHome } from "./app-home.js";
import { toSlackLogger } from "./bolt-logger.js";
import { slackChannelNames } from "./channel-names.js";
import { registerActions } from "./inbound-action.js";
import { registerAsks } from "./inbound-ask.js";
import { registerCommand } from "./inbound-command.js";
import { looksLikeSlackId, registerMessages } from "./inbound-message.js";
import { type ClaimOnce, redisClaimOnce } from "./once.js";
import { SlackSender } from "./outbound.js";
import { createReceiver, type SlackMode, type SlackSettings, slackSettings } from "./receiver.js";
import { authFailure, startFailure } from "./start-failure.js";

export { RateLimitedError } from "../../chat/types.js";
export { SlackApiError } from "./outbound.js";

/**
 * Start-up's auth.test: a few attempts, then fail. The Web API client's default (10 retries with
 * back-off) keeps an unreachable API retrying for about 30 minutes, with the bot half up.
 * Worst case here: 4 attempts of at most 10 s each plus 0.5 + 1 + 2 s between them, under a minute.
 */
export const STARTUP_CLIENT_OPTIONS = {
  retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 2_000, randomize: false },
  timeout: 10_000,
} as const;

export interface SlackPlatformOverrides {
  /** Use this Redis connection (not closed on stop) instead of one to REDIS_URL. */
  redis?: RedisClient;
  /** Prefix of every Redis key this adapter writes (default slackKeyPrefix(config)). */
  keyPrefix?: string;
  /** Listen port for the HTTP receiver (0: any free port); default SLACK_PORT. */
  port?: number;
  /** Timeout of each outbound Web API call, ms (default 15 s). */
  apiTimeoutMs?: number;
}

/**
 * Where the adapter's Redis keys live: under QUEUE_PREFIX like every other key of the bot, so a
 * staging and a production bot sharing one Redis do not share event claims or command limits.
 */
export function slackKeyPrefix(config: Pick<Config, "QUEUE_PREFIX">): string {
  return `${deploymentPrefix(config.QUEUE_PREFIX)}:slack:`;
}

export interface SlackPlatform extends ChatPlatform {
  readonly mode: SlackMode;
  /** The HTTP receiver's port once started (null in Socket Mode). */
  readonly port: number | null;
}

export function createSlackPlatform(
  config: Config,
  logger: Logger,
  overrides: SlackPlatformOverrides = {},
): SlackPlatform {
  const settings = slackSettings(config);
  const log = logger.child({ platform: "slack", mode: settings.mode });
  const slackLogger = toSlackLogger(log.child({ component: "bolt" }));
  const listenPort = overrides.port ?? config.SLACK_PORT;
  const receiver = createReceiver(settings, listenPort, slackLogger, log);
  const app = boltApp(settings, receiver, slackLogger);
  const client = outboundClient(settings, log, overrides.apiTimeoutMs ?? 15_000);
  const sender = new SlackSender(client);
  const { redis, owned } = adapterRedis(config, overrides.redis, log);
  const claimOnce = redisClaimOnce(redis, overrides.keyPrefix ?? slackKeyPrefix(config));
  let handlers: InboundHandlers | null = null;
  const current = (): InboundHandlers => {
    if (handlers === null) throw new Error("Slack platform received a request before start()");
    return handlers;
  };
  const { inFlight, home } = registerInbound(app, {
    config,
    settings,
    client,
    sender,
    claimOnce,
    handlers: current,
    log,
  });

  let listener: Listener = { listening: null, port: null };
  return {
    name: "slack",
    ready() {
      // Socket Mode: the WebSocket to Slack is open; HTTP: the receiver's server is listening.
      if (receiver instanceof SocketModeReceiver) return receiver.client.websocket?.isActive() ?? false;
      return listener.listening?.listening === true;
    },
    mode: settings.mode,
    get port() {
      return listener.port;
    },
    async start(inbound: InboundHandlers) {
      handlers = inbound;
      listener = listenerOf(await startApp(app, settings, listenPort, owned ? redis : null));
      log.info({ port: listener.port }, startedMessage(settings.mode));
    },
    stop: () => {
      home.stop(); // no Home refresh after this
      return stopApp(app, inFlight, owned ? redis : null, log);
    },
    // Announced by any bot process (src/app/watch-changes.ts): the Homes of the channel's members.
    watchesChanged: (channel: string) => home.changed(channel),
    post: (channel: string, message: OutboundMessage, options?: SendOptions) =>
      sender.post(channel, message, options),
    reply: (thread: ReplyAddress, message: OutboundMessage, options?: SendOptions) =>
      sender.reply(thread, message, options),
    // chat.update is idempotent by itself: no key needed.
    update: (target: ReplyAddress, message: OutboundMessage) => sender.update(target, message),
  };
}

function boltApp(
  settings: SlackSettings,
  receiver: HTTPReceiver | SocketModeReceiver,
  logger: SlackLogger,
): App {
  return new App({
    token: settings.botToken,
    receiver,
    logger,
    clientOptions: { slackApiUrl: settings.apiUrl, ...STARTUP_CLIENT_OPTIONS },
    // auth.test runs in start(), so a bad token fails there with a clear message.
    deferInitialization: true,
    convoStore: false,
  });
}

/**
 * Outbound calls get their own client: 429s are rejected (RateLimitedError) instead of pausing
 * every call, and not retried here (the delivery queue retries; see outbound.ts).
 */
function outboundClient(settings: SlackSettings, log: Logger, timeoutMs: number): webApi.WebClient {
  return new webApi.WebClient(settings.botToken, {
    slackApiUrl: settings.apiUrl,
    logger: toSlackLogger(log.child({ component: "web-api" })),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: timeoutMs,
  });
}

/** The Redis connection given (left open on stop), or the adapter's own to REDIS_URL (owned). */
function adapterRedis(
  config: Config,
  given: RedisClient | undefined,
  log: Logger,
): { redis: RedisClient; owned: boolean } {
  if (given !== undefined) return { redis: given, owned: false };
  const redis = createRedis(config.redis, "client", { lazyConnect: true });
  // Without a listener ioredis prints every reconnect failure to stderr as an unhandled error.
  redis.on("error", (error: Error) => log.warn({ err: error.message }, "Slack Redis connection error"));
  return { redis, owned: true };
}

interface InboundWiring {
  config: Config;
  settings: SlackSettings;
  client: webApi.WebClient;
  sender: SlackSender;
  claimOnce: ClaimOnce;
  /** The app's handlers, once start() gave them. */
  handlers: () => InboundHandlers;
  log: Logger;
}

/**
 * Registers the slash command, the buttons, the support channels' messages, the asks (shortcut,
 * mentions, DMs) and the Home tab. Every request's listener (claim, limits, the app's handler)
 * runs inside a middleware's next(), tracked in the returned InFlight, so stop() can wait for
 * what was already acknowledged to Slack; the Home's pending refreshes are stopped with it.
 */
function registerInbound(app: App, wiring: InboundWiring): { inFlight: InFlight; home: HomeTab } {
  const { config, settings, client, sender, claimOnce, log } = wiring;
  const files = {
    client,
    botToken: settings.botToken,
    apiBase: new URL(settings.apiUrl),
    maxBytes: config.SLACK_MAX_FILE_BYTES,
  };
  const home = registerHome(app, {
    handlers: wiring.handlers,
    client,
    sender,
    claimOnce,
    serversUrl: config.SERVERS_PAGE_URL ?? null,
    logger: log,
  });
  const handlers = wiring.handlers;
  registerCommand(app, { handlers, sender, claimOnce, logger: log });
  registerActions(app, { handlers, sender, claimOnce, logger: log });
  registerAsks(app, { handlers, sender, client, claimOnce, files, logger: log });
  registerMessages(app, {
    handlers,
    supportChannels: supportChannels(config.SUPPORT_CHANNELS, "slack", looksLikeSlackId),
    channelName: slackChannelNames(client, log),
    claimOnce,
    files,
    logger: log,
  });
  const inFlight = new InFlight();
  app.use(async ({ next }) => {
    await inFlight.track(next());
  });
  app.error(async (error) => {
    log.error({ err: error }, "Slack request failed");
  });
  return { inFlight, home };
}

/**
 * Start-up in order: the adapter's own Redis (null: a given one, already connected), auth.test,
 * then the receiver. Each failure is an error naming the variable to fix. Returns what
 * app.start() returned (the HTTP server, in HTTP mode).
 */
async function startApp(
  app: App,
  settings: SlackSettings,
  port: number,
  ownRedis: RedisClient | null,
): Promise<unknown> {
  if (ownRedis !== null) {
    await ownRedis.connect().catch((error: unknown) => {
      throw new Error(
        `the Slack adapter cannot reach Redis (${(error as Error).message}): check REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES`,
        {
          cause: error,
        },
      );
    });
  }
  try {
    await app.init();
  } catch (error) {
    throw new Error(authFailure(error, settings.apiUrl), { cause: error });
  }
  try {
    return await app.start(port);
  } catch (error) {
    throw new Error(startFailure(settings.mode, error, port), { cause: error });
  }
}

function startedMessage(mode: SlackMode): string {
  return mode === "http" ? "Slack HTTP receiver listening on /slack/events" : "Slack Socket Mode connected";
}

/** No new requests first; then let acknowledged ones finish (they need Redis and the Web API). */
async function stopApp(
  app: App,
  inFlight: InFlight,
  ownRedis: RedisClient | null,
  log: Logger,
): Promise<void> {
  await app.stop().catch((error: unknown) => log.warn({ err: error }, "stopping the Slack receiver"));
  if (!(await inFlight.drain(STOP_DRAIN_MS))) {
    log.warn({ pending: inFlight.size }, "stopped with Slack requests still being handled");
  }
  if (ownRedis !== null) await ownRedis.quit().catch(() => {});
}

/** The started receiver: the HTTP server (whether it listens, and its port), or nothing in Socket Mode. */
interface Listener {
  listening: { listening?: boolean } | null;
  port: number | null;
}

function listenerOf(started: unknown): Listener {
  const listening = (started as { listening?: boolean } | undefined) ?? null;
  const address = (started as { address?: () => unknown } | undefined)?.address?.();
  const port = typeof address === "object" && address !== null ? (address as { port: number }).port : null;
  return { listening, port };
}

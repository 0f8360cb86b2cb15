// The Slack front end: wiring only. Bolt App + receiver (receiver.ts), inbound handlers
// (inbound-command.ts, inbound-message.ts), outbound sender (outbound.ts), Redis to handle each
// event once (the command limits are the app pipeline's). The registry calls `createSlackPlatform`.
import { App, SocketModeReceiver, webApi } from "@slack/bolt";
import { Redis } from "ioredis";
import type {
  ChatPlatform,
  InboundHandlers,
  OutboundMessage,
  ReplyAddress,
  SendOptions,
} from "../../chat/types.js";
import type { Config } from "../../config.js";
import type { Logger } from "../../log.js";
import { InFlight, STOP_DRAIN_MS } from "../in-flight.js";
import { supportChannels } from "../support-channels.js";
import { toSlackLogger } from "./bolt-logger.js";
import { slackChannelNames } from "./channel-names.js";
import { registerActions } from "./inbound-action.js";
import { registerCommand } from "./inbound-command.js";
import { looksLikeSlackId, registerMessages } from "./inbound-message.js";
import { redisClaimOnce } from "./once.js";
import { SlackSender } from "./outbound.js";
import { createReceiver, type SlackMode, slackSettings } from "./receiver.js";

export { RateLimitedError } from "../../chat/types.js";
export { SlackApiError } from "./outbound.js";

/** Why the receiver did not start, naming the variable to look at. */
function startFailure(mode: SlackMode, error: unknown, port: number): string {
  const code =
    (error as { code?: string; data?: { error?: string } }).data?.error ?? (error as { code?: string }).code;
  if (mode === "socket") {
    return `Slack Socket Mode did not connect (${code ?? String(error)}): check SLACK_APP_TOKEN (an xapp- token with connections:write) and that Socket Mode is on in the app's settings`;
  }
  if (code === "EADDRINUSE" || code === "EACCES") {
    return `the Slack HTTP receiver cannot listen on SLACK_PORT ${port} (${code}): choose another SLACK_PORT`;
  }
  return `the Slack HTTP receiver did not start on SLACK_PORT ${port} (${String(error)}): check SLACK_PORT`;
}

/** Slack's answers to auth.test that mean the token itself is wrong. */
const BAD_TOKEN = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

/** Why auth.test failed, naming the variable to fix: the token, or where Slack was asked. */
function authFailure(error: unknown, apiUrl: string): string {
  const { code, data, original } = error as {
    code?: string;
    data?: { error?: string };
    original?: { message?: string };
  };
  if (data?.error !== undefined && BAD_TOKEN.has(data.error)) {
    return `Slack refused SLACK_BOT_TOKEN (${data.error}): copy the Bot User OAuth Token (xoxb-...) again from the app's OAuth & Permissions page`;
  }
  if (code === "slack_webapi_request_error" || code === "slack_webapi_http_error") {
    const cause = original?.message ?? (error as Error).message;
    return `could not reach Slack's Web API at ${apiUrl} (${cause}): check SLACK_API_URL (unset means https://slack.com/api/) and the network`;
  }
  return `Slack did not accept SLACK_BOT_TOKEN (${data?.error ?? (error as Error).message}): check the Bot User OAuth Token and SLACK_API_URL`;
}

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
  redis?: Redis;
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
  return `${config.QUEUE_PREFIX}:slack:`;
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
  const receiver = createReceiver(settings, overrides.port ?? config.SLACK_PORT, slackLogger, log);
  const app = new App({
    token: settings.botToken,
    receiver,
    logger: slackLogger,
    clientOptions: { slackApiUrl: settings.apiUrl, ...STARTUP_CLIENT_OPTIONS },
    // auth.test runs in start(), so a bad token fails there with a clear message.
    deferInitialization: true,
    convoStore: false,
  });
  // Outbound calls get their own client: 429s are rejected (RateLimitedError) instead of
  // pausing every call, and not retried here (the delivery queue retries; see outbound.ts).
  const client = new webApi.WebClient(settings.botToken, {
    slackApiUrl: settings.apiUrl,
    logger: toSlackLogger(log.child({ component: "web-api" })),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: overrides.apiTimeoutMs ?? 15_000,
  });
  const sender = new SlackSender(client);
  const ownsRedis = overrides.redis === undefined;
  const redis =
    overrides.redis ?? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  // Without a listener ioredis prints every reconnect failure to stderr as an unhandled error.
  if (ownsRedis)
    redis.on("error", (error: Error) => log.warn({ err: error.message }, "Slack Redis connection error"));
  const keyPrefix = overrides.keyPrefix ?? slackKeyPrefix(config);
  const claimOnce = redisClaimOnce(redis, keyPrefix);
  let handlers: InboundHandlers | null = null;
  const current = (): InboundHandlers => {
    if (handlers === null) throw new Error("Slack platform received a request before start()");
    return handlers;
  };
  registerCommand(app, {
    handlers: current,
    sender,
    claimOnce,
    logger: log,
  });
  registerActions(app, { handlers: current, sender, claimOnce, logger: log });
  registerMessages(app, {
    handlers: current,
    supportChannels: supportChannels(config.SUPPORT_CHANNELS, "slack", looksLikeSlackId),
    channelName: slackChannelNames(client, log),
    claimOnce,
    files: {
      client,
      botToken: settings.botToken,
      apiBase: new URL(settings.apiUrl),
      maxBytes: config.SLACK_MAX_FILE_BYTES,
    },
    logger: log,
  });
  // Every request's listener (claim, limits, the app's handler) runs inside this middleware's
  // next(), so stop() can wait for what was already acknowledged to Slack.
  const inFlight = new InFlight();
  app.use(async ({ next }) => {
    await inFlight.track(next());
  });
  app.error(async (error) => {
    log.error({ err: error }, "Slack request failed");
  });

  let port: number | null = null;
  let listening: { listening?: boolean } | null = null;
  return {
    name: "slack",
    ready() {
      // Socket Mode: the WebSocket to Slack is open; HTTP: the receiver's server is listening.
      if (receiver instanceof SocketModeReceiver) return receiver.client.websocket?.isActive() ?? false;
      return listening?.listening === true;
    },
    mode: settings.mode,
    get port() {
      return port;
    },
    async start(inbound: InboundHandlers) {
      handlers = inbound;
      if (ownsRedis) {
        await redis.connect().catch((error: unknown) => {
          throw new Error(
            `the Slack adapter cannot reach Redis (${(error as Error).message}): check REDIS_URL`,
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
      let started: unknown;
      try {
        started = await app.start(overrides.port ?? config.SLACK_PORT);
      } catch (error) {
        throw new Error(startFailure(settings.mode, error, overrides.port ?? config.SLACK_PORT), {
          cause: error,
        });
      }
      listening = (started as { listening?: boolean } | undefined) ?? null;
      const address = (started as { address?: () => unknown } | undefined)?.address?.();
      port = typeof address === "object" && address !== null ? (address as { port: number }).port : null;
      log.info(
        { port },
        settings.mode === "http"
          ? "Slack HTTP receiver listening on /slack/events"
          : "Slack Socket Mode connected",
      );
    },
    async stop() {
      // No new requests first; then let acknowledged ones finish (they need Redis and the Web API).
      await app.stop().catch((error: unknown) => log.warn({ err: error }, "stopping the Slack receiver"));
      if (!(await inFlight.drain(STOP_DRAIN_MS))) {
        log.warn({ pending: inFlight.size }, "stopped with Slack requests still being handled");
      }
      if (ownsRedis) await redis.quit().catch(() => {});
    },
    post: (channel: string, message: OutboundMessage, options?: SendOptions) =>
      sender.post(channel, message, options),
    reply: (thread: ReplyAddress, message: OutboundMessage, options?: SendOptions) =>
      sender.reply(thread, message, options),
    // chat.update is idempotent by itself: no key needed.
    update: (target: ReplyAddress, message: OutboundMessage) => sender.update(target, message),
  };
}

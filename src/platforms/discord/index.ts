// The Discord front end: wiring only. Inbound events hand off to interactions.ts / messages.ts,
// outbound goes through outbound.ts. The registry creates it with `createDiscordPlatform`.
import { type Client, Events } from "discord.js";
import type {
  ChatPlatform,
  InboundHandlers,
  OutboundMessage,
  ReplyAddress,
  SendOptions,
} from "../../chat/types.js";
import { type Config, ConfigError } from "../../config.js";
import type { Logger } from "../../log.js";
import { InFlight, STOP_DRAIN_MS } from "../in-flight.js";
import { supportChannels as readSupportChannels, type SupportChannels } from "../support-channels.js";
import { handleAskMessage, handleCheckMessage, isAsk } from "./ask.js";
import { handleAutocomplete } from "./autocomplete.js";
import { handleButton } from "./button-press.js";
import { isOurCustomId } from "./buttons.js";
import { createClient } from "./client.js";
import { handleInteraction } from "./interactions.js";
import { handleMessage, looksLikeDiscordId } from "./messages.js";
import { DiscordSender } from "./outbound.js";
import { loginFailure } from "./start-failure.js";

const READY_TIMEOUT_MS = 30_000;

export type DiscordConfig = Pick<Config, "DISCORD_TOKEN" | "DISCORD_API_URL" | "SUPPORT_CHANNELS">;

export function createDiscordPlatform(config: DiscordConfig, logger: Logger): ChatPlatform {
  const token = config.DISCORD_TOKEN;
  if (token === undefined) {
    throw new ConfigError(
      "DISCORD_TOKEN is not set: copy the bot token from the Developer Portal (Bot page)",
    );
  }
  const log = logger.child({ platform: "discord" });
  const supportChannels = readSupportChannels(config.SUPPORT_CHANNELS, "discord", looksLikeDiscordId);
  let client: Client | null = null;
  const inFlight = new InFlight();
  const sender = new DiscordSender(() => {
    if (client === null) throw new Error("the Discord platform is not started");
    return client;
  });

  return {
    name: "discord",
    // discord.js is ready while its gateway session is (it turns false while it reconnects).
    ready: () => client?.isReady() ?? false,
    post: (channel: string, message: OutboundMessage, options?: SendOptions) =>
      sender.post(channel, message, options),
    reply: (thread: ReplyAddress, message: OutboundMessage, options?: SendOptions) =>
      sender.reply(thread, message, options),
    // An edit is idempotent by itself: no key needed.
    update: (target: ReplyAddress, message: OutboundMessage) => sender.update(target, message),

    async start(handlers: InboundHandlers): Promise<void> {
      const c = createClient(config.DISCORD_API_URL !== undefined ? { apiUrl: config.DISCORD_API_URL } : {});
      client = c;
      listenInbound(c, { handlers, supportChannels, inFlight, sender, log });
      const gateway = watchGateway(c, log);
      try {
        await loginWhenReady(c, token);
      } catch (error) {
        await c.destroy();
        client = null;
        throw loginFailure(error, gateway.closeCode(), config.DISCORD_API_URL);
      }
      log.info({ user: c.user?.tag, supportChannels: config.SUPPORT_CHANNELS }, "Discord connected");
    },

    async stop(): Promise<void> {
      const c = client;
      if (c === null) return;
      // No new requests; the ones in flight still need the client (REST) to answer, so it stays
      // up until they are done or the wait runs out.
      c.removeAllListeners(Events.InteractionCreate);
      c.removeAllListeners(Events.MessageCreate);
      if (!(await inFlight.drain(STOP_DRAIN_MS))) {
        log.warn({ pending: inFlight.size }, "stopped with Discord requests still being handled");
      }
      client = null;
      await c.destroy();
    },
  };
}

interface Inbound {
  handlers: InboundHandlers;
  sender: DiscordSender;
  supportChannels: SupportChannels;
  inFlight: InFlight;
  log: Logger;
}

/**
 * Hands slash commands, our buttons and support-channel messages to their handlers. Tracked, so
 * stop() lets a request Discord already handed us finish (it is not sent again).
 */
function listenInbound(c: Client, { handlers, supportChannels, inFlight, sender, log }: Inbound): void {
  c.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand()) void inFlight.track(handleInteraction(interaction, handlers, log));
    else if (interaction.isAutocomplete())
      void inFlight.track(handleAutocomplete(interaction, handlers, log));
    else if (interaction.isMessageContextMenuCommand())
      void inFlight.track(handleCheckMessage(interaction, handlers, sender, log));
    else if (interaction.isButton() && isOurCustomId(interaction.customId))
      void inFlight.track(handleButton(interaction, handlers, log));
  });
  c.on(Events.MessageCreate, (message) => {
    // A mention of the bot or a DM is asked of it; anything else may be a paste.
    const via = isAsk(message, c.user?.id);
    if (via !== null) void inFlight.track(handleAskMessage(message, via, handlers, sender, log));
    else void inFlight.track(handleMessage(message, supportChannels, handlers, log));
  });
}

/** Logs the gateway's closes and reconnects, and keeps the last close code for loginFailure. */
function watchGateway(c: Client, log: Logger): { closeCode(): number | null } {
  let closeCode: number | null = null;
  c.on(Events.ShardDisconnect, (event, shard) => {
    closeCode = event.code;
    log.warn({ shard, code: event.code }, "gateway closed");
  });
  c.on(Events.ShardReconnecting, (shard) => log.info({ shard }, "gateway reconnecting"));
  c.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, "gateway resumed"));
  c.on(Events.Error, (error) => log.error({ err: error }, "discord.js error"));
  return { closeCode: () => closeCode };
}

/** Logs in and waits for the client to be ready, within READY_TIMEOUT_MS. */
async function loginWhenReady(c: Client, token: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `Discord did not become ready within ${READY_TIMEOUT_MS / 1000} s: check DISCORD_TOKEN and DISCORD_API_URL`,
          ),
        ),
      READY_TIMEOUT_MS,
    );
    c.once(Events.ClientReady, () => resolve());
  });
  try {
    await c.login(token);
    await ready;
  } finally {
    clearTimeout(timer);
    ready.catch(() => undefined);
  }
}

// Messages a person asks the bot about (docs/chat-commands.md "Act on any message"): the message
// context-menu command "Check with rdns" (an APPLICATION_COMMAND of type 3, MESSAGE, with the
// message in `resolved.messages`), a message that mentions the bot, and a direct message to it.
// They go to the app's one pipeline (onAsk) with a responder that answers in a thread on the
// message (or in the channel where threads are not allowed: a DM, a thread), and, where the bot
// may not post there (a conversation of a user-installed app the bot is not in: Missing Access,
// Unknown Channel, 403), privately: the interaction's ephemeral answer, and a DM for the results.
import {
  type Client,
  DiscordAPIError,
  type Message,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  RESTJSONErrorCodes,
  Routes,
} from "discord.js";
import type {
  AskedMessage,
  AskResponder,
  InboundHandlers,
  Opened,
  Origin,
  OutboundMessage,
} from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { channelAddress, messageAddress } from "./addresses.js";
import { CHECK_MESSAGE_COMMAND } from "./commands.js";
import { hinted } from "./errors.js";
import { downloadBounded, isReadableAttachment, MAX_ATTACHMENT_BYTES } from "./messages.js";
import { type DiscordSender, messageBody, threadOrChannel } from "./outbound.js";
import { renderMessage } from "./render.js";

/** Discord's answers when the bot may not post in a conversation. */
const MAY_NOT_POST: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingPermissions,
]);

function mayNotPost(error: unknown): string | null {
  if (!(error instanceof DiscordAPIError)) return null;
  if (MAY_NOT_POST.has(Number(error.code)) || error.status === 403)
    return `Discord refused it: ${error.code} ${error.message}`.slice(0, 200);
  return null;
}

const ALLOWED_MENTIONS = { parse: [], repliedUser: false } as const;

/** Where the asked-about message is and how to tell its person something privately. */
interface AskPlace {
  client: Client;
  channelId: string;
  messageId: string;
  userId: string;
  /** The ephemeral answer of an interaction; null: a DM is the private place. */
  privately: ((message: OutboundMessage) => Promise<void>) | null;
}

export function makeAskResponder(place: AskPlace, sender: DiscordSender, log: Logger): AskResponder {
  const direct = async (): Promise<string> => (await place.client.users.createDM(place.userId)).id;
  return {
    async replyPrivately(message) {
      if (place.privately !== null) return place.privately(message);
      await sender.post(await direct(), message);
    },
    async openThread(message): Promise<Opened> {
      try {
        const threadId = await threadOrChannel(
          place.client,
          place.channelId,
          place.messageId,
          "rdns: check",
          (err) => log.info({ err }, "no thread here; answering in the channel"),
        );
        // Where no thread can hang (a DM, a message in a thread), the answer is a reply to it.
        const parent =
          threadId === place.channelId
            ? await replyTo(place.client, place.channelId, place.messageId, message)
            : await sender.reply(channelAddress(threadId), message);
        return {
          ok: true,
          origin: { platform: "discord", channel: place.channelId, thread: channelAddress(threadId), parent },
        };
      } catch (error) {
        const reason = mayNotPost(error);
        if (reason === null) throw error;
        return { ok: false, reason };
      }
    },
    async openPrivately(message): Promise<Origin> {
      const dm = await direct();
      const parent = await sender.post(dm, message);
      return { platform: "discord", channel: dm, thread: channelAddress(dm), parent };
    },
    async replaceOpened(origin, message) {
      if (origin.parent !== null) await sender.update(origin.parent, message);
    },
  };
}

/** Posts `message` as a reply to message `messageId` (its first part; the rest follow it). */
async function replyTo(
  client: Client,
  channelId: string,
  messageId: string,
  message: OutboundMessage,
): Promise<string> {
  const [first, ...rest] = renderMessage(message);
  const sent = (await hinted(() =>
    client.rest.post(Routes.channelMessages(channelId), {
      body: {
        ...messageBody(first ?? { content: "…", embeds: [] }),
        message_reference: { message_id: messageId, fail_if_not_exists: false },
      },
    }),
  )) as { id: string };
  for (const payload of rest)
    await hinted(() => client.rest.post(Routes.channelMessages(channelId), { body: messageBody(payload) }));
  return messageAddress(channelId, sent.id);
}

/** The readable attachments of a message, downloaded (bounded), as the paste reader takes them. */
async function attachmentsOf(message: Message, log: Logger): Promise<AskedMessage["attachments"]> {
  const out: AskedMessage["attachments"] = [];
  for (const attachment of message.attachments.values()) {
    if (!isReadableAttachment(attachment) && !/\.txt$/i.test(attachment.name)) continue;
    try {
      out.push({
        name: attachment.name,
        content: await downloadBounded(attachment.url, MAX_ATTACHMENT_BYTES),
      });
    } catch (error) {
      log.warn({ err: error, attachment: attachment.name }, "could not download the attachment");
    }
  }
  return out;
}

/** `content` without mentions of the bot (`<@id>`, `<@!id>`). */
export function withoutBotMention(content: string, botId: string): string {
  return content.replace(new RegExp(`<@!?${botId}>`, "g"), " ").trim();
}

/** "Check with rdns" on a message: deferred ephemerally (3 s), then the app answers. */
export async function handleCheckMessage(
  interaction: MessageContextMenuCommandInteraction,
  handlers: InboundHandlers,
  sender: DiscordSender,
  logger: Logger,
): Promise<void> {
  if (interaction.commandName !== CHECK_MESSAGE_COMMAND) return;
  const log = logger.child({ interaction: interaction.id, channel: interaction.channelId });
  const target = interaction.targetMessage;
  let original: "deferred" | "used" = "deferred";
  const privately = async (message: OutboundMessage) => {
    for (const payload of renderMessage(message)) {
      const options = {
        content: payload.content ?? "",
        embeds: payload.embeds,
        components: payload.components ?? [],
        allowedMentions: ALLOWED_MENTIONS,
      };
      if (original === "deferred") await interaction.editReply(options);
      else await interaction.followUp({ ...options, flags: MessageFlags.Ephemeral });
      original = "used";
    }
  };
  const responder = makeAskResponder(
    {
      client: interaction.client,
      channelId: interaction.channelId,
      messageId: target.id,
      userId: interaction.user.id,
      privately,
    },
    sender,
    log,
  );
  let acked: Promise<boolean> | null = null;
  responder.acknowledge = () => {
    acked ??= interaction.deferReply({ flags: MessageFlags.Ephemeral }).then(
      () => true,
      (error: unknown) => {
        log.warn({ err: error }, "could not defer the interaction; not handling it");
        return false;
      },
    );
    return acked;
  };
  try {
    await responder.acknowledge();
    await handlers.onAsk?.(
      {
        platform: "discord",
        requestId: interaction.id,
        channel: interaction.channelId,
        user: interaction.user.id,
        text: target.content,
        attachments: await attachmentsOf(target, log),
        via: "shortcut",
      },
      responder,
    );
    // Answered in the thread: the ephemeral "thinking…" says where, instead of thinking forever.
    if (original === "deferred")
      await interaction.editReply({ content: "Answered in the message's thread." });
  } catch (error) {
    log.error({ err: error }, "the context-menu command could not be handed to the app");
  }
}

/** A person's message that mentions the bot, or is sent to it directly. */
export function isAsk(message: Message, botId: string | undefined): "mention" | "direct" | null {
  if (message.author.bot || message.webhookId !== null || message.system || botId === undefined) return null;
  if (!message.inGuild()) return "direct";
  return message.mentions.users.has(botId) ? "mention" : null;
}

export async function handleAskMessage(
  message: Message,
  via: "mention" | "direct",
  handlers: InboundHandlers,
  sender: DiscordSender,
  logger: Logger,
): Promise<void> {
  const log = logger.child({ message: message.id, channel: message.channelId, via });
  const botId = message.client.user?.id ?? "";
  const responder = makeAskResponder(
    {
      client: message.client,
      channelId: message.channelId,
      messageId: message.id,
      userId: message.author.id,
      // In a DM the conversation is private already; a mention's private answer is a DM.
      privately:
        via === "direct" ? async (reply) => void (await sender.post(message.channelId, reply)) : null,
    },
    sender,
    log,
  );
  try {
    await handlers.onAsk?.(
      {
        platform: "discord",
        requestId: message.id,
        channel: message.channelId,
        user: message.author.id,
        text: withoutBotMention(message.content, botId),
        attachments: await attachmentsOf(message, log),
        via,
      },
      responder,
    );
  } catch (error) {
    log.error({ err: error }, "an asked-about message could not be handed to the app");
  }
}

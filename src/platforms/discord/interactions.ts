// Inbound slash commands. The interaction is deferred first thing (Discord allows 3 s for the
// first answer; the engine's enqueue comes after), then handed to the app with a responder that
// edits the deferred answer, opens the thread on it, or answers privately.
import {
  type ChatInputCommandInteraction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  MessageFlags,
} from "discord.js";
import type {
  CommandRequest,
  CommandResponder,
  InboundHandlers,
  Origin,
  OutboundMessage,
} from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { channelAddress, messageAddress } from "./addresses.js";
import { COMMAND_NAME } from "./commands.js";
import type { DiscordPayload } from "./limits.js";
import { threadName, threadOrChannel } from "./outbound.js";
import { renderMessage } from "./render.js";

const ALLOWED_MENTIONS = { parse: [], repliedUser: false } as const;

/**
 * `/rdns check ip:.. helo:..` -> ["check", "203.0.113.5", "mail.example.com"]: the words after
 * `/rdns` as a Slack user would type them, verb first so a non-address gets the check command's
 * own "not an IP" answer.
 */
export function commandArgs(interaction: ChatInputCommandInteraction): string[] {
  const sub = interaction.options.getSubcommand(true);
  switch (sub) {
    case "check": {
      const helo = interaction.options.getString("helo");
      return ["check", interaction.options.getString("ip", true), ...(helo !== null ? [helo] : [])];
    }
    case "watch":
    case "unwatch":
      return [sub, interaction.options.getString("range", true)];
    default:
      return [sub];
  }
}

function editOptions(payload: DiscordPayload): InteractionEditReplyOptions {
  return { content: payload.content ?? "", embeds: payload.embeds, allowedMentions: ALLOWED_MENTIONS };
}

function followOptions(payload: DiscordPayload, ephemeral: boolean): InteractionReplyOptions {
  return {
    content: payload.content ?? "",
    embeds: payload.embeds,
    allowedMentions: ALLOWED_MENTIONS,
    ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

/**
 * The deferred response is public (most answers open a thread). A private answer therefore
 * removes the "thinking" placeholder and follows up ephemerally; the token allows follow-ups for
 * 15 minutes whatever happened to the original.
 */
export class InteractionResponder implements CommandResponder {
  private original: "deferred" | "used" | "deleted" = "deferred";

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    private readonly logger: Logger,
  ) {}

  async replyPrivately(message: OutboundMessage): Promise<void> {
    if (this.original === "deferred") {
      await this.interaction.deleteReply().catch((error: unknown) => {
        this.logger.warn({ err: error }, "could not remove the deferred placeholder");
      });
      this.original = "deleted";
    }
    for (const payload of renderMessage(message))
      await this.interaction.followUp(followOptions(payload, true));
  }

  async replyPublicly(message: OutboundMessage): Promise<void> {
    await this.sendPublic(renderMessage(message));
  }

  async openThread(message: OutboundMessage): Promise<Origin> {
    const [first, ...rest] = renderMessage(message);
    const parent = await this.sendPublic([first ?? { content: "…", embeds: [] }]);
    const channelId = this.interaction.channelId;
    // A thread cannot hold a thread: asked inside one, the results go to that same thread.
    const threadId = this.interaction.channel?.isThread()
      ? channelId
      : await threadOrChannel(
          this.interaction.client,
          channelId,
          parent,
          threadName(threadTitle(message)),
          (err) =>
            this.logger.warn(
              { err },
              "may not open a thread here (Create Public Threads?); answering in the channel",
            ),
        );
    for (const payload of rest) await this.interaction.followUp(followOptions(payload, false));
    return {
      platform: "discord",
      channel: channelId,
      thread: channelAddress(threadId),
      parent: messageAddress(channelId, parent),
    };
  }

  /** Sends public payloads; the first reuses the deferred answer. Returns the first message's id. */
  private async sendPublic(payloads: DiscordPayload[]): Promise<string> {
    let firstId: string | null = null;
    for (const payload of payloads) {
      const sent =
        this.original === "deferred"
          ? await this.interaction.editReply(editOptions(payload))
          : await this.interaction.followUp(followOptions(payload, false));
      this.original = "used";
      firstId ??= sent.id;
    }
    if (firstId === null) throw new Error("nothing to send");
    return firstId;
  }
}

/** A thread's name says what it is for: the check, or the first sentence of the notice (a watch). */
function threadTitle(message: OutboundMessage): string {
  if (message.kind === "checking")
    return `rdns ${message.ip}${message.helo !== null ? ` ${message.helo}` : ""}`;
  if (message.kind === "notice") return message.text.split(/(?<=\.)\s|\n/)[0] ?? "rdns";
  return "rdns";
}

export function toCommandRequest(interaction: ChatInputCommandInteraction): CommandRequest {
  return {
    platform: "discord",
    requestId: interaction.id,
    channel: interaction.channelId,
    user: interaction.user.id,
    args: commandArgs(interaction),
  };
}

/** The gateway handler: a few lines that defer, then hand off. */
export async function handleInteraction(
  interaction: ChatInputCommandInteraction,
  handlers: InboundHandlers,
  logger: Logger,
): Promise<void> {
  if (interaction.commandName !== COMMAND_NAME) return;
  const log = logger.child({ interaction: interaction.id, channel: interaction.channelId });
  try {
    await interaction.deferReply();
  } catch (error) {
    // Already acknowledged (a replayed event) or expired: nothing more may be said with this token.
    log.warn({ err: error }, "could not defer the interaction; not handling it");
    return;
  }
  const responder = new InteractionResponder(interaction, log);
  try {
    await handlers.onCommand(toCommandRequest(interaction), responder);
  } catch (error) {
    log.error({ err: error }, "command failed");
    await responder
      .replyPrivately({
        kind: "notice",
        text: "Something went wrong on our side; please try again in a minute.",
      })
      .catch((err: unknown) => log.warn({ err }, "could not report the failure"));
  }
}

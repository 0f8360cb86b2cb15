// Inbound slash commands, handed to the app with a responder that defers first (its
// acknowledge(): Discord allows 3 s for the first answer; the engine's enqueue comes after),
// then edits the deferred answer, opens the thread on it, or answers privately.
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
 * `/rdns check ip:.. helo:..` -> the subcommand and its option values by name, as the app's
 * pipeline reads them against the commands' declarations (nothing command-specific here), and
 * the same as words (`["check", "203.0.113.5", "mail.example.com"]`) for logs.
 */
export function commandArgs(interaction: ChatInputCommandInteraction): {
  named: { command: string; options: Record<string, string> };
  args: string[];
} {
  const command = interaction.options.getSubcommand(true);
  const given = interaction.options.data.find((option) => option.name === command)?.options ?? [];
  const options: Record<string, string> = {};
  for (const option of given) if (option.value !== undefined) options[option.name] = String(option.value);
  return { named: { command, options }, args: [command, ...Object.values(options)] };
}

/** Attached files as discord.js sends them (multipart/form-data with payload_json). */
function filesOf(payload: DiscordPayload) {
  return payload.files === undefined
    ? {}
    : { files: payload.files.map((file) => ({ attachment: file.data, name: file.name })) };
}

function editOptions(payload: DiscordPayload): InteractionEditReplyOptions {
  return {
    content: payload.content ?? "",
    embeds: payload.embeds,
    components: payload.components ?? [],
    allowedMentions: ALLOWED_MENTIONS,
    ...filesOf(payload),
  };
}

function followOptions(payload: DiscordPayload, ephemeral: boolean): InteractionReplyOptions {
  return {
    content: payload.content ?? "",
    embeds: payload.embeds,
    components: payload.components ?? [],
    allowedMentions: ALLOWED_MENTIONS,
    ...filesOf(payload),
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
  private deferred: Promise<boolean> | null = null;
  /** Parent addresses openThread posted -> their message ids, for replaceOpened. */
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly interaction: ChatInputCommandInteraction,
    private readonly logger: Logger,
  ) {}

  /** The deferred answer Discord shows as "thinking…"; it must come within 3 s of the event. */
  acknowledge(): Promise<boolean> {
    this.deferred ??= this.interaction.deferReply().then(
      () => true,
      (error: unknown) => {
        // Already acknowledged (a replayed event) or expired: nothing more may be said with this token.
        this.logger.warn({ err: error }, "could not defer the interaction; not handling it");
        return false;
      },
    );
    return this.deferred;
  }

  async replyPrivately(message: OutboundMessage): Promise<void> {
    await this.deferredFirst();
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
    await this.deferredFirst();
    await this.sendPublic(renderMessage(message));
  }

  async openThread(message: OutboundMessage): Promise<Origin> {
    await this.deferredFirst();
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
    const parentAddress = messageAddress(channelId, parent);
    this.opened.set(parentAddress, parent);
    return {
      platform: "discord",
      channel: channelId,
      thread: channelAddress(threadId),
      parent: parentAddress,
    };
  }

  /** Edits the parent through the interaction's token (valid 15 minutes; this comes within seconds). */
  async replaceOpened(origin: Origin, message: OutboundMessage): Promise<void> {
    const id = origin.parent === null ? undefined : this.opened.get(origin.parent);
    if (id === undefined) throw new Error(`not a message this interaction opened: ${origin.parent}`);
    const [first] = renderMessage(message);
    await this.interaction.editReply({ ...editOptions(first ?? { content: "…", embeds: [] }), message: id });
  }

  /** Every answer edits or follows the deferred one, so there must be one (whoever forgot it). */
  private async deferredFirst(): Promise<void> {
    if (!(await this.acknowledge())) throw new Error("the interaction can no longer be answered");
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
  const { named, args } = commandArgs(interaction);
  return {
    platform: "discord",
    requestId: interaction.id,
    channel: interaction.channelId,
    user: interaction.user.id,
    args,
    named,
  };
}

/** The gateway handler: a few lines that hand off; the app's pipeline defers first thing. */
export async function handleInteraction(
  interaction: ChatInputCommandInteraction,
  handlers: InboundHandlers,
  logger: Logger,
): Promise<void> {
  if (interaction.commandName !== COMMAND_NAME) return;
  const log = logger.child({ interaction: interaction.id, channel: interaction.channelId });
  const responder = new InteractionResponder(interaction, log);
  try {
    await handlers.onCommand(toCommandRequest(interaction), responder);
  } catch (error) {
    // The app's pipeline answers its own failures; this is only what failed around it.
    log.error({ err: error }, "the interaction could not be handed to the app");
  }
}

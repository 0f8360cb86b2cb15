// Button presses on our messages (INTERACTION_CREATE, type 3 MESSAGE_COMPONENT, custom ids
// rdns:recheck|watch|stop:...), handed to the app's inbound pipeline. Acknowledged with a
// deferred update (DEFERRED_UPDATE_MESSAGE, callback type 6): the message stays as it is and no
// "thinking…" appears; answers to the presser are ephemeral follow-ups, results go to the thread.
import { type ButtonInteraction, DiscordAPIError, MessageFlags, RESTJSONErrorCodes } from "discord.js";
import type {
  ButtonPress,
  ButtonResponder,
  InboundHandlers,
  Origin,
  OutboundMessage,
} from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { channelAddress, messageAddress } from "./addresses.js";
import { readCustomId } from "./buttons.js";
import { startThreadOn } from "./outbound.js";
import { renderMessage } from "./render.js";

const ALLOWED_MENTIONS = { parse: [], repliedUser: false } as const;
/** A display name is the presser's own text: bounded here, escaped by every renderer. */
const MAX_USER_NAME = 80;

export function toButtonPress(interaction: ButtonInteraction): ButtonPress {
  const member = interaction.member;
  const display =
    (member !== null && "displayName" in member ? member.displayName : null) ??
    interaction.user.globalName ??
    interaction.user.username;
  return {
    platform: "discord",
    requestId: interaction.id,
    channel: interaction.channelId,
    user: interaction.user.id,
    userName: display.slice(0, MAX_USER_NAME),
    action: readCustomId(interaction.customId),
  };
}

/**
 * Where the results of a press go: the thread of the message the button is on. Inside a thread
 * (the report) that is the thread itself; on a top-level message (the verdict) it is the thread
 * started from that message, whose id is the message's (started now if it has none), or the
 * channel where the bot may not open threads, as when the check was first answered.
 */
async function resolveThread(interaction: ButtonInteraction, logger: Logger): Promise<Origin> {
  const channelId = interaction.channelId;
  const messageId = interaction.message.id;
  const here = { platform: "discord" as const, channel: channelId };
  if (interaction.channel?.isThread()) {
    return { ...here, thread: channelAddress(channelId), parent: null };
  }
  const parent = messageAddress(channelId, messageId);
  try {
    const threadId = await startThreadOn(interaction.client, channelId, messageId, "rdns");
    return { ...here, thread: channelAddress(threadId), parent };
  } catch (error) {
    const inThread =
      error instanceof DiscordAPIError &&
      error.code === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType;
    if (inThread) return { ...here, thread: channelAddress(channelId), parent: null };
    if (error instanceof DiscordAPIError && error.status === 403) {
      logger.warn({ err: error }, "may not open a thread here; answering in the channel");
      return { ...here, thread: channelAddress(channelId), parent };
    }
    throw error;
  }
}

export class PressResponder implements ButtonResponder {
  private deferred: Promise<boolean> | null = null;
  private origin: Promise<Origin> | null = null;

  constructor(
    private readonly interaction: ButtonInteraction,
    private readonly logger: Logger,
  ) {}

  acknowledge(): Promise<boolean> {
    this.deferred ??= this.interaction.deferUpdate().then(
      () => true,
      (error: unknown) => {
        this.logger.warn({ err: error }, "could not defer the button press; not handling it");
        return false;
      },
    );
    return this.deferred;
  }

  async replyPrivately(message: OutboundMessage): Promise<void> {
    if (!(await this.acknowledge())) throw new Error("the interaction can no longer be answered");
    for (const payload of renderMessage(message)) {
      await this.interaction.followUp({
        content: payload.content ?? "",
        embeds: payload.embeds,
        allowedMentions: ALLOWED_MENTIONS,
        flags: MessageFlags.Ephemeral,
      });
    }
  }

  thread(): Promise<Origin> {
    this.origin ??= resolveThread(this.interaction, this.logger);
    return this.origin;
  }
}

/** The gateway handler: a few lines that hand off; the app's pipeline defers first thing. */
export async function handleButton(
  interaction: ButtonInteraction,
  handlers: InboundHandlers,
  logger: Logger,
): Promise<void> {
  const log = logger.child({
    interaction: interaction.id,
    channel: interaction.channelId,
    button: interaction.customId,
  });
  try {
    await handlers.onButton(toButtonPress(interaction), new PressResponder(interaction, log));
  } catch (error) {
    log.error({ err: error }, "the button press could not be handed to the app");
  }
}

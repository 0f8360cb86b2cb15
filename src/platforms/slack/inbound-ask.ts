// Messages a person asks the bot about (docs/chat-commands.md "Act on any message"): the message
// shortcut `rdns_check_message` ("Check with rdns", a `message_action` payload), a message that
// mentions the bot (`app_mention`) and a message sent to it directly (`message.im`). Acknowledged
// first, claimed once, then handed to the app's one pipeline (onAsk) with a responder that
// answers in the message's thread, or, where the bot is not a member (Slack's not_in_channel /
// channel_not_found), privately: the shortcut's response_url (it works in any conversation for
// 30 minutes) and a direct message (conversations.open, im:write) for the results.
import type { App, MessageShortcut, RespondFn, webApi } from "@slack/bolt";
import type {
  AskedMessage,
  AskResponder,
  InboundHandlers,
  Opened,
  Origin,
  OutboundMessage,
} from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { formatSlackAddress, parseSlackAddress } from "./address.js";
import { downloadEmlFiles, type FileReaderOptions, type SharedFile } from "./files.js";
import { mrkdwnToPlain } from "./mrkdwn-to-plain.js";
import type { ClaimOnce } from "./once.js";
import { SlackApiError, type SlackSender } from "./outbound.js";
import { withRateLimitWait } from "./rate-limit-wait.js";
import { renderSlackMessage } from "./render.js";

type WebClient = InstanceType<typeof webApi.WebClient>;

export const SHORTCUT_CALLBACK_ID = "rdns_check_message";

/** Slack's answers when the bot is not in the conversation. */
const NOT_A_MEMBER: Record<string, string> = {
  not_in_channel: "I'm not a member of it: not_in_channel",
  channel_not_found: "it is private to me, a direct message I'm not in: channel_not_found",
};

export interface AskDeps {
  handlers: () => InboundHandlers;
  sender: SlackSender;
  client: WebClient;
  claimOnce: ClaimOnce;
  files: Omit<FileReaderOptions, "logger">;
  logger: Logger;
}

/** Where the asked-about message is, who asked, and how to answer that person privately. */
interface AskPlace {
  channel: string;
  ts: string;
  /** The thread the message is in (its own ts when it is top-level). */
  threadTs: string;
  user: string;
  /** Private answers: the shortcut's response_url, else an ephemeral message. */
  respond: RespondFn | null;
  /** A direct message with the bot: private already, answered in it. */
  direct: boolean;
}

/** `text` without the mentions of the bot (`<@UBOT>` or `<@UBOT|rdns>`), as plain text. */
export function withoutMention(text: string, botUserId: string | undefined): string {
  const cleaned =
    botUserId === undefined ? text : text.replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, "g"), " ");
  return mrkdwnToPlain(cleaned).trim();
}

export function makeAskResponder(place: AskPlace, deps: Pick<AskDeps, "sender" | "client">): AskResponder {
  const { sender, client } = deps;
  const origin = (channel: string, threadTs: string, parent: string): Origin => ({
    platform: "slack",
    channel,
    thread: formatSlackAddress({ channel, ts: threadTs }),
    parent,
  });
  return {
    async replyPrivately(message: OutboundMessage) {
      const rendered = renderSlackMessage(message);
      if (place.respond !== null) {
        await place.respond({ response_type: "ephemeral", replace_original: false, ...rendered });
        return;
      }
      if (place.direct) {
        await withRateLimitWait(() =>
          sender.reply(formatSlackAddress({ channel: place.channel, ts: place.threadTs }), message),
        );
        return;
      }
      await withRateLimitWait(() =>
        sender.postEphemeral(
          place.channel,
          place.user,
          message,
          place.threadTs === place.ts ? undefined : place.threadTs,
        ),
      );
    },
    async openThread(message: OutboundMessage): Promise<Opened> {
      try {
        const posted = await withRateLimitWait(() =>
          sender.reply(formatSlackAddress({ channel: place.channel, ts: place.threadTs }), message),
        );
        return { ok: true, origin: origin(place.channel, place.threadTs, posted) };
      } catch (error) {
        const reason = error instanceof SlackApiError ? NOT_A_MEMBER[error.code] : undefined;
        if (reason === undefined) throw error;
        return { ok: false, reason };
      }
    },
    async openPrivately(message: OutboundMessage): Promise<Origin> {
      const opened = await client.conversations.open({ users: place.user });
      const dm = opened.channel?.id;
      if (dm === undefined) throw new Error("conversations.open named no channel");
      const posted = await withRateLimitWait(() => sender.post(dm, message));
      return origin(dm, parseSlackAddress(posted).ts, posted);
    },
    async replaceOpened(opened: Origin, message: OutboundMessage) {
      const { parent } = opened;
      if (parent !== null) await withRateLimitWait(() => sender.update(parent, message));
    },
  };
}

async function hand(
  deps: AskDeps,
  asked: Omit<AskedMessage, "attachments">,
  files: SharedFile[],
  place: AskPlace,
  log: Logger,
): Promise<void> {
  if (!(await deps.claimOnce(asked.requestId))) {
    log.info("duplicate delivery of an asked-about message ignored");
    return;
  }
  const attachments = await downloadEmlFiles(files, { ...deps.files, logger: log });
  try {
    await deps.handlers().onAsk?.({ ...asked, attachments }, makeAskResponder(place, deps));
  } catch (error) {
    log.error({ err: error }, "an asked-about message could not be handed to the app");
  }
}

/** The message fields of a message event, app_mention or shortcut we read. */
interface SlackMessage {
  channel?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  channel_type?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  files?: SharedFile[];
}

/** How one of the three ways of asking reached us, and who asked where. */
interface Asking {
  requestId: string;
  channel: string;
  user: string;
  text: string;
  via: AskedMessage["via"];
  respond: AskPlace["respond"];
  direct: boolean;
}

/** Hands `message` to the app as asked `asking`'s way; its answers go to the message's thread. */
function handMessage(deps: AskDeps, message: SlackMessage, asking: Asking, log: Logger): Promise<void> {
  const { requestId, channel, user, text, via, respond, direct } = asking;
  return hand(
    deps,
    { platform: "slack", requestId, channel, user, text, via },
    message.files ?? [],
    { channel, ts: message.ts, threadTs: message.thread_ts ?? message.ts, user, respond, direct },
    log,
  );
}

export function registerAsks(app: App, deps: AskDeps): void {
  app.shortcut<MessageShortcut>(
    { callback_id: SHORTCUT_CALLBACK_ID, type: "message_action" },
    async ({ ack, shortcut, respond }) => {
      await ack(); // Slack's 3 s clock comes first
      const message = shortcut.message as unknown as SlackMessage;
      const channel = shortcut.channel.id;
      const user = shortcut.user.id;
      const log = deps.logger.child({ shortcut: SHORTCUT_CALLBACK_ID, channel, user });
      await handMessage(
        deps,
        message,
        {
          requestId: `slack:shortcut:${shortcut.trigger_id}`,
          channel,
          user,
          text: mrkdwnToPlain(message.text ?? ""),
          via: "shortcut",
          respond,
          direct: channel.startsWith("D"),
        },
        log,
      );
    },
  );
  app.event("app_mention", async ({ event, body, context }) => {
    const message = event as unknown as SlackMessage;
    const { channel, user } = message;
    if (message.bot_id !== undefined || user === undefined || channel === undefined) return;
    const eventId = (body as { event_id?: string }).event_id ?? `${channel}:${message.ts}`;
    const text = withoutMention(message.text ?? "", context.botUserId);
    const asking = {
      requestId: `slack:${eventId}`,
      channel,
      user,
      text,
      via: "mention",
      respond: null,
      direct: false,
    } as const;
    await handMessage(deps, message, asking, deps.logger.child({ eventId, channel }));
  });
  app.event("message", async ({ event, body, context }) => {
    const message = event as unknown as SlackMessage;
    if (!isDirectAsk(message, context.botUserId)) return;
    const channel = message.channel as string;
    const eventId = (body as { event_id?: string }).event_id ?? `${channel}:${message.ts}`;
    const text = withoutMention(message.text ?? "", context.botUserId);
    const user = message.user as string;
    const asking = {
      requestId: `slack:${eventId}`,
      channel,
      user,
      text,
      via: "direct",
      respond: null,
      direct: true,
    } as const;
    await handMessage(deps, message, asking, deps.logger.child({ eventId, channel }));
  });
}

/**
 * A person's new message in a direct message with the bot (not its own, not an edit or join,
 * not a reply in a thread: the bot's own answers live in threads there).
 */
export function isDirectAsk(message: SlackMessage, botUserId: string | undefined): boolean {
  if (message.channel_type !== "im" || message.channel === undefined) return false;
  if (message.subtype !== undefined && message.subtype !== "file_share") return false;
  if (message.bot_id !== undefined || message.user === undefined || message.user === botUserId) return false;
  return message.thread_ts === undefined || message.thread_ts === message.ts;
}

/** A message that mentions the bot: app_mention answers it, so the paste reader leaves it. */
export function mentionsBot(text: string | undefined, botUserId: string | undefined): boolean {
  return botUserId !== undefined && (text ?? "").includes(`<@${botUserId}`);
}

// Messages in SUPPORT_CHANNELS (pasted bounces, shared .eml files), by the rules every platform
// follows (docs/chat-commands.md "Pasted bounces"). What is read: a person's new top-level message
// or file share in a support channel, named in SUPPORT_CHANNELS by id or by name (a name is looked
// up with conversations.info, src/platforms/support-channels.ts). What is not: other channels,
// replies inside threads (thread_broadcast included), bots (our own included), edits, deletions,
// joins and other subtypes, and any retry of an event already claimed by this or another bot
// process (event_id, see once.ts). The answer's thread is on the pasted message.
import type { App } from "@slack/bolt";
import type { InboundHandlers, Origin, PastedMessage, PasteResponder } from "../../chat/types.js";
import type { Logger } from "../../log.js";
import type { SupportChannels } from "../support-channels.js";
import { formatSlackAddress } from "./address.js";
import { downloadEmlFiles, type FileReaderOptions, type SharedFile } from "./files.js";
import { mentionsBot } from "./inbound-ask.js";
import { mrkdwnToPlain } from "./mrkdwn-to-plain.js";
import type { ClaimOnce } from "./once.js";

export interface MessageDeps {
  handlers: () => InboundHandlers;
  supportChannels: SupportChannels;
  /** The channel's name (conversations.info), or null when it cannot be told. */
  channelName: (channel: string) => Promise<string | null>;
  claimOnce: ClaimOnce;
  files: Omit<FileReaderOptions, "logger">;
  logger: Logger;
}

/** The message-event fields we read (Slack's `message` event, and its `file_share` subtype). */
export interface SlackMessageEvent {
  type: "message";
  subtype?: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  files?: SharedFile[];
}

// Subtypes that are a person posting something new; all others (message_changed,
// message_deleted, channel_join, bot_message, thread_broadcast, ...) are not pastes.
const READ_SUBTYPES = new Set([undefined, "file_share"]);

/** A Slack channel id (C..., G..., D...), as opposed to a channel name in SUPPORT_CHANNELS. */
export const looksLikeSlackId = (entry: string): boolean => /^[CGD][A-Z0-9]{6,}$/.test(entry);

export function isPasteCandidate(
  event: SlackMessageEvent,
  supportChannels: Pick<SupportChannels, "has">,
  botUserId: string | undefined,
  channelName: string | null = null,
): boolean {
  if (!supportChannels.has(event.channel, channelName)) return false;
  if (!READ_SUBTYPES.has(event.subtype)) return false;
  // A reply inside a thread (its thread_ts names another message) is not a paste.
  if (event.thread_ts !== undefined && event.thread_ts !== event.ts) return false;
  if (event.bot_id !== undefined) return false;
  if (event.user === undefined || event.user === botUserId) return false;
  // A message that mentions the bot is asked of it: app_mention answers it (inbound-ask.ts).
  return !mentionsBot(event.text, botUserId);
}

export function pasteOrigin(event: SlackMessageEvent): Origin {
  // The thread on the pasted message (a top-level message that has replies carries thread_ts = ts).
  const thread = formatSlackAddress({ channel: event.channel, ts: event.thread_ts ?? event.ts });
  return { platform: "slack", channel: event.channel, thread, parent: null };
}

export function registerMessages(app: App, deps: MessageDeps): void {
  app.event("message", async ({ event, body, context }) => {
    const message = event as unknown as SlackMessageEvent;
    // The name is asked for only when names are listed and the id is not (and only for a message
    // that could otherwise be read).
    const name =
      deps.supportChannels.namesListed &&
      !deps.supportChannels.has(message.channel) &&
      isPasteCandidate(message, { has: () => true }, context.botUserId)
        ? await deps.channelName(message.channel)
        : null;
    if (!isPasteCandidate(message, deps.supportChannels, context.botUserId, name)) return;
    const eventId = (body as { event_id?: string }).event_id ?? `${message.channel}:${message.ts}`;
    const log = deps.logger.child({ eventId, channel: message.channel, retryNum: context.retryNum });
    if (!(await deps.claimOnce(`event:${eventId}`))) {
      log.info("duplicate event delivery ignored (Slack retry or another bot process)");
      return;
    }
    const attachments = await downloadEmlFiles(message.files ?? [], { ...deps.files, logger: log });
    const text = mrkdwnToPlain(message.text ?? "");
    if (text.trim() === "" && attachments.length === 0) return;
    const pasted: PastedMessage = {
      platform: "slack",
      requestId: `slack:${eventId}`,
      channel: message.channel,
      user: message.user ?? "",
      text,
      attachments,
    };
    const responder: PasteResponder = { openThread: async () => pasteOrigin(message) };
    try {
      await deps.handlers().onPaste(pasted, responder);
    } catch (error) {
      log.error({ err: error }, "reading a pasted message failed");
    }
  });
}

// Messages in SUPPORT_CHANNELS (pasted bounces, shared .eml files). What is read: a person's
// new message or file share in a support channel. What is not: other channels, bots (our own
// included), edits, deletions, joins and other subtypes, and any retry of an event already
// claimed by this or another bot process (event_id, see once.ts).
import type { App } from "@slack/bolt";
import type { InboundHandlers, Origin, PastedMessage, PasteResponder } from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { formatSlackAddress } from "./address.js";
import { downloadEmlFiles, type FileReaderOptions, type SharedFile } from "./files.js";
import { mrkdwnToPlain } from "./mrkdwn-to-plain.js";
import type { ClaimOnce } from "./once.js";

export interface MessageDeps {
  handlers: () => InboundHandlers;
  supportChannels: ReadonlySet<string>;
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
// message_deleted, channel_join, bot_message, ...) are not pastes.
const READ_SUBTYPES = new Set([undefined, "file_share", "thread_broadcast"]);

export function isPasteCandidate(
  event: SlackMessageEvent,
  supportChannels: ReadonlySet<string>,
  botUserId: string | undefined,
): boolean {
  if (!supportChannels.has(event.channel)) return false;
  if (!READ_SUBTYPES.has(event.subtype)) return false;
  if (event.bot_id !== undefined) return false;
  if (event.user === undefined || event.user === botUserId) return false;
  return true;
}

export function pasteOrigin(event: SlackMessageEvent): Origin {
  // A paste inside a thread is answered in that thread (Slack threads do not nest).
  const thread = formatSlackAddress({ channel: event.channel, ts: event.thread_ts ?? event.ts });
  return { platform: "slack", channel: event.channel, thread, parent: null };
}

export function registerMessages(app: App, deps: MessageDeps): void {
  app.event("message", async ({ event, body, context }) => {
    const message = event as unknown as SlackMessageEvent;
    if (!isPasteCandidate(message, deps.supportChannels, context.botUserId)) return;
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

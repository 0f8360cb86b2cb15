// Inbound pasted bounces (docs/chat-commands.md "Pasted bounces", the same rules on every
// platform): a person's new top-level message in a support channel (src/platforms/support-channels.ts;
// needs the privileged Message Content intent) with text, an attached .eml or a possible DMARC
// report file (src/platforms/report-files.ts) goes to the app; it decides whether it holds a
// bounce or a report and then asks for the thread on the message itself. Bots (the
// bot itself included), webhooks, system messages, replies inside threads and edits (MESSAGE_UPDATE,
// not listened to) are not read.
import type { Attachment, Message } from "discord.js";
import type { InboundHandlers, PastedMessage, PasteResponder } from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { looksLikeReportFile } from "../report-files.js";
import type { SupportChannels } from "../support-channels.js";
import { channelAddress } from "./addresses.js";
import { threadOrChannel } from "./outbound.js";

/** Bounce messages are small; a head this size holds the DSN part of any real one. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 15_000;

export function isMailAttachment(attachment: Pick<Attachment, "name" | "contentType">): boolean {
  return /\.eml$/i.test(attachment.name) || (attachment.contentType ?? "").startsWith("message/rfc822");
}

/** An .eml, or a possible DMARC report file (src/platforms/report-files.ts). */
export function isReadableAttachment(attachment: Pick<Attachment, "name" | "contentType" | "size">): boolean {
  return isMailAttachment(attachment) || looksLikeReportFile(attachment.name, attachment.contentType);
}

/** Downloads at most `limit` bytes: a larger file is read up to the limit, not refused. */
export async function downloadBounded(url: string, limit: number = MAX_ATTACHMENT_BYTES): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok || response.body === null) {
    throw new Error(`attachment download failed: HTTP ${response.status}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, limit);
}

/** A Discord channel id (a snowflake), as opposed to a channel name in SUPPORT_CHANNELS. */
export const looksLikeDiscordId = (entry: string): boolean => /^\d{15,21}$/.test(entry);

/** Channel ids (or names) where pasted bounces are read. */
export function isSupportChannel(message: Message, supportChannels: SupportChannels): boolean {
  const name = "name" in message.channel ? message.channel.name : null;
  return supportChannels.has(message.channelId, name);
}

/** Only people's own top-level messages in support channels; never bots (ourselves included). */
export function shouldRead(message: Message, supportChannels: SupportChannels): boolean {
  if (message.author.bot || message.webhookId !== null || message.system) return false;
  if (!message.inGuild() || message.channel.isThread()) return false;
  return isSupportChannel(message, supportChannels);
}

export async function handleMessage(
  message: Message,
  supportChannels: SupportChannels,
  handlers: InboundHandlers,
  logger: Logger,
): Promise<void> {
  if (!shouldRead(message, supportChannels)) return;
  const log = logger.child({ message: message.id, channel: message.channelId });
  const attachments: PastedMessage["attachments"] = [];
  for (const attachment of message.attachments.values()) {
    if (!isReadableAttachment(attachment)) continue;
    // A report cut at the limit would only read as a broken archive: it is left out (and logged).
    if (!isMailAttachment(attachment) && attachment.size > MAX_ATTACHMENT_BYTES) {
      log.warn({ attachment: attachment.name, size: attachment.size }, "attachment over the size limit");
      continue;
    }
    try {
      attachments.push({ name: attachment.name, content: await downloadBounded(attachment.url) });
    } catch (error) {
      log.warn({ err: error, attachment: attachment.name }, "could not download the attachment");
    }
  }
  if (message.content.trim() === "" && attachments.length === 0) return;
  const pasted: PastedMessage = {
    platform: "discord",
    requestId: message.id,
    channel: message.channelId,
    user: message.author.id,
    text: message.content,
    attachments,
  };
  const responder: PasteResponder = {
    openThread: async () => {
      const threadId = await threadOrChannel(
        message.client,
        message.channelId,
        message.id,
        "rdns: bounce check",
        (err) =>
          log.warn({ err }, "may not open a thread here (Create Public Threads?); answering in the channel"),
      );
      return {
        platform: "discord",
        channel: message.channelId,
        thread: channelAddress(threadId),
        parent: null,
      };
    },
  };
  try {
    await handlers.onPaste(pasted, responder);
  } catch (error) {
    log.error({ err: error }, "reading the pasted message failed");
  }
}

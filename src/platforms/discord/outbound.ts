// The outbound half (ChatSender): post, reply in a thread, edit a message. It talks to Discord
// through the client's own REST manager, so discord.js's per-route rate-limit queues apply: a 429
// on one channel delays only that route, and other deliveries go on. A failure is thrown as is,
// so the queued delivery job that called us is retried by BullMQ.
import { createHash } from "node:crypto";
import { type Client, DiscordAPIError, RESTJSONErrorCodes, Routes } from "discord.js";
import type { ChatSender, OutboundMessage, ReplyAddress, SendOptions } from "../../chat/types.js";
import { messageAddress, parseAddress } from "./addresses.js";
import { hinted } from "./errors.js";
import type { DiscordPayload } from "./limits.js";
import { renderMessage } from "./render.js";

/** Nobody is pinged by anything we send, whatever the text holds; replies do not ping either. */
export const NO_MENTIONS = { parse: [], replied_user: false } as const;

/** Discord's limit for thread names (Start Thread from Message). */
const THREAD_NAME_MAX = 100;

export function threadName(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control and bidi characters are what a thread name must not carry
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, " ").trim();
  return (clean === "" ? "rdns" : clean).slice(0, THREAD_NAME_MAX);
}

/**
 * The nonce for one part of one delivery. Discord's `enforce_nonce` returns the earlier message
 * instead of creating a second one when the same author reuses a nonce within a few minutes (API
 * docs, Create Message), so a delivery retried after a lost response posts once. The nonce comes
 * from the delivery id, which every retry of a delivery shares and no other delivery has: two
 * deliveries that say the same thing in the same channel (two people asking about one IP, both
 * answered in the channel) are two messages. Without a delivery id (a direct call, not a queued
 * delivery) it falls back to where and what we send, which de-duplicates identical content.
 */
export function deliveryNonce(
  channelId: string,
  part: number,
  payload: DiscordPayload,
  deliveryId?: string,
): string {
  const seed =
    deliveryId === undefined
      ? `${channelId}\n${part}\n${JSON.stringify(payload)}`
      : `delivery\n${deliveryId}\n${part}`;
  // Discord allows nonces of at most 25 characters.
  return createHash("sha256").update(seed).digest().toString("base64url").slice(0, 25);
}

export function messageBody(payload: DiscordPayload): Record<string, unknown> {
  return {
    content: payload.content ?? "",
    embeds: payload.embeds,
    // Always sent, so an edit also takes buttons away (a verdict whose chain has ended).
    components: payload.components ?? [],
    allowed_mentions: NO_MENTIONS,
  };
}

/**
 * Starts a public thread on a message, or returns the one already there: a thread started from a
 * message has that message's id, and Discord answers 160004 when it exists (a retried delivery).
 */
export async function startThreadOn(
  client: Client,
  channelId: string,
  messageId: string,
  name: string,
): Promise<string> {
  try {
    const thread = (await client.rest.post(Routes.threads(channelId, messageId), {
      body: { name: threadName(name), auto_archive_duration: 1440 },
    })) as { id: string };
    return thread.id;
  } catch (error) {
    if (
      error instanceof DiscordAPIError &&
      error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage
    ) {
      return messageId;
    }
    throw error;
  }
}

/**
 * The thread for results on a message, or, where the bot may not open threads (Create Public
 * Threads / Send Messages in Threads missing: 403) or where threads cannot hang (a thread, a
 * forum post: 50024), the channel itself, so the answer still arrives. Returns the id of the channel to post results in.
 */
export async function threadOrChannel(
  client: Client,
  channelId: string,
  messageId: string,
  name: string,
  onFallback: (error: unknown) => void,
): Promise<string> {
  try {
    return await startThreadOn(client, channelId, messageId, name);
  } catch (error) {
    const cannot =
      error instanceof DiscordAPIError &&
      (error.status === 403 || error.code === RESTJSONErrorCodes.CannotExecuteActionOnThisChannelType);
    if (cannot) {
      onFallback(error);
      return channelId;
    }
    throw error;
  }
}

async function sendAll(
  client: Client,
  channelId: string,
  payloads: DiscordPayload[],
  deliveryId: string | undefined,
): Promise<string[]> {
  const ids: string[] = [];
  for (const [part, payload] of payloads.entries()) {
    const nonce = deliveryNonce(channelId, part, payload, deliveryId);
    const sent = (await client.rest.post(Routes.channelMessages(channelId), {
      body: { ...messageBody(payload), nonce, enforce_nonce: true },
      // @discordjs/rest sends these as multipart/form-data (payload_json plus files[n]).
      ...(payload.files === undefined ? {} : { files: payload.files }),
    })) as { id: string };
    ids.push(sent.id);
  }
  return ids;
}

function titleFor(message: OutboundMessage): string {
  if ("report" in message) return `rdns ${message.report.ip}`;
  if (message.kind === "checking" || message.kind === "could-not-tell" || message.kind === "not-queued")
    return `rdns ${message.ip}`;
  return "rdns";
}

export class DiscordSender implements ChatSender {
  readonly name = "discord" as const;

  constructor(private readonly client: () => Client) {}

  async post(channel: string, message: OutboundMessage, options: SendOptions = {}): Promise<ReplyAddress> {
    const target = parseAddress(channel);
    const ids = await hinted(() =>
      sendAll(this.client(), target.channelId, renderMessage(message), options.deliveryId),
    );
    return messageAddress(target.channelId, ids[0] as string);
  }

  async reply(
    thread: ReplyAddress,
    message: OutboundMessage,
    options: SendOptions = {},
  ): Promise<ReplyAddress> {
    const target = parseAddress(thread);
    return hinted(async () => {
      const threadId =
        target.kind === "channel"
          ? target.channelId
          : await startThreadOn(this.client(), target.channelId, target.messageId, titleFor(message));
      const ids = await sendAll(this.client(), threadId, renderMessage(message), options.deliveryId);
      return messageAddress(threadId, ids[0] as string);
    });
  }

  /** Edits a message the bot posted, interaction responses included (through the channel, not the token). */
  async update(target: ReplyAddress, message: OutboundMessage): Promise<void> {
    const address = parseAddress(target);
    if (address.kind !== "message") {
      throw Object.assign(new Error(`cannot update ${target}: it names a channel, not a message`), {
        permanent: true,
      });
    }
    const [first] = renderMessage(message);
    await hinted(() =>
      this.client().rest.patch(Routes.channelMessage(address.channelId, address.messageId), {
        body: messageBody(first ?? { content: "-", embeds: [] }),
      }),
    );
  }
}

// The outbound half (ChatSender): post, reply in a thread, update a message, over the Web API.
// The WebClient is built with `rejectRateLimitedCalls: true`: by default @slack/web-api meets a
// 429 by pausing its whole request queue for Retry-After seconds, which would hold up every other
// delivery in this process. Instead a 429 becomes a RateLimitedError carrying Retry-After, and the
// delivery queue re-schedules just that delivery.
import { webApi } from "@slack/bolt";
import {
  type ChatAttachment,
  type ChatSender,
  type DeliveryErrorHints,
  type OutboundMessage,
  RateLimitedError,
  type ReplyAddress,
  type SendOptions,
} from "../../chat/types.js";
import { formatSlackAddress, parseSlackAddress } from "./address.js";
import { deliveryMetadata, findDeliveredMessage, UnansweredAttempts } from "./delivery-lookup.js";
import { withRateLimitWait } from "./rate-limit-wait.js";
import { fitSlackStatus, renderSlackMessage, type SlackRendered } from "./render.js";

type WebClient = InstanceType<typeof webApi.WebClient>;

/**
 * A Web API call Slack refused (`ok: false`); `permanent` (DeliveryErrorHints) when retrying the
 * same call cannot help, so the delivery worker stops.
 */
export class SlackApiError extends Error implements DeliveryErrorHints {
  override name = "SlackApiError";
  readonly channelGone: boolean;
  constructor(
    message: string,
    readonly code: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.channelGone = CHANNEL_GONE.has(code);
  }
}

// The channel is gone or closed to the bot (chat.postMessage's error list).
const CHANNEL_GONE = new Set(["channel_not_found", "not_in_channel", "is_archived"]);

// Errors that retrying the same call will not fix (Slack's per-method error lists).
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "msg_too_long",
  "invalid_blocks",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "missing_scope",
  "restricted_action",
  "user_not_in_channel",
]);

const ACTIONABLE: Record<string, string> = {
  not_in_channel: "invite the bot to the channel (/invite @rdns) or add the chat:write.public scope",
  channel_not_found: "the channel is private or gone; invite the bot to it",
  missing_scope: "add the missing scope in the app's manifest and reinstall the app",
  invalid_auth: "check SLACK_BOT_TOKEN (the app's Bot User OAuth Token)",
  token_revoked: "the app was uninstalled; reinstall it and update SLACK_BOT_TOKEN",
};

/** Maps a Web API failure to the error shapes the engine acts on. */
export function toDeliveryError(error: unknown, method: string): Error {
  const coded = error as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (coded.code === webApi.ErrorCode.RateLimitedError && typeof coded.retryAfter === "number") {
    return new RateLimitedError(
      `Slack rate-limited ${method}; retry in ${coded.retryAfter} s`,
      Math.max(1, coded.retryAfter) * 1000,
    );
  }
  if (coded.code === webApi.ErrorCode.PlatformError) {
    const slackError = coded.data?.error ?? "unknown_error";
    const hint = ACTIONABLE[slackError];
    return new SlackApiError(
      `Slack refused ${method}: ${slackError}${hint === undefined ? "" : ` (${hint})`}`,
      slackError,
      PERMANENT.has(slackError),
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** True when a failed call may still have posted: Slack did not clearly refuse it (no ok:false, no 429). */
export function mightHavePosted(error: unknown): boolean {
  return !(error instanceof SlackApiError || error instanceof RateLimitedError);
}

/** The file a message brings: a cut status's table, a run summary's every changed address. */
function attachmentOf(message: OutboundMessage): ChatAttachment | null {
  if (message.kind === "watch-summary") return message.attachment;
  if (message.kind === "status" && fitSlackStatus(message).more > 0) return message.attachment;
  return null;
}

// Never let Slack turn text into mentions or links: our text is already escaped mrkdwn.
// chat.update and chat.postEphemeral are sent without the unfurl flags.
const PLAIN = { link_names: false, parse: "none" } as const;
const SAFE = { ...PLAIN, unfurl_links: false, unfurl_media: false } as const;

export class SlackSender implements ChatSender {
  readonly name = "slack" as const;

  /** Delivery ids whose last post got no definite answer (in this process). */
  private readonly unanswered = new UnansweredAttempts();

  constructor(private readonly client: WebClient) {}

  /** Calls Slack; when Slack rejects our blocks, says the same thing again as plain text. */
  private async send<T>(
    method: string,
    rendered: SlackRendered,
    call: (r: SlackRendered) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(rendered);
    } catch (error) {
      const mapped = toDeliveryError(error, method);
      if (mapped instanceof SlackApiError && mapped.code === "invalid_blocks") {
        try {
          return await call({ text: rendered.text, blocks: [] });
        } catch (second) {
          throw toDeliveryError(second, method);
        }
      }
      throw mapped;
    }
  }

  async post(channel: string, message: OutboundMessage, options: SendOptions = {}): Promise<ReplyAddress> {
    const address = await this.postOnce(channel, undefined, message, options.deliveryId);
    await this.attachCut(parseSlackAddress(address), message);
    return address;
  }

  /**
   * A status table cut for the section's limit, or a watch's run summary: the whole table (every
   * changed address) goes into the message's thread as a CSV file, through the v2 upload flow (files.getUploadURLExternal, the bytes to the upload
   * URL, files.completeUploadExternal) that @slack/web-api's filesUploadV2 runs. The message is
   * already posted here, so a retry of the whole post() would post it twice: a 429 is waited out
   * for the upload alone (bounded, as for a person's command), and any failure left is final.
   */
  private async attachCut(thread: { channel: string; ts: string }, message: OutboundMessage): Promise<void> {
    const attachment = attachmentOf(message);
    if (attachment === null) return;
    const { channel, ts } = thread;
    const { filename, content } = attachment;
    try {
      await withRateLimitWait(async () => {
        try {
          await this.client.filesUploadV2({
            channel_id: channel,
            thread_ts: ts,
            filename,
            title: filename,
            file: Buffer.from(content, "utf8"),
          });
        } catch (error) {
          throw toDeliveryError(error, "files.completeUploadExternal");
        }
      });
    } catch (error) {
      const code = error instanceof SlackApiError ? error.code : "upload_failed";
      const why = error instanceof Error ? error.message : String(error);
      const what = message.kind === "status" ? "the status" : "the summary";
      throw new SlackApiError(`posted ${what}, but not its ${filename}: ${why}`, code, true);
    }
  }

  async reply(
    thread: ReplyAddress,
    message: OutboundMessage,
    options: SendOptions = {},
  ): Promise<ReplyAddress> {
    const { channel, ts } = parseSlackAddress(thread);
    const address = await this.postOnce(channel, ts, message, options.deliveryId);
    await this.attachCut({ channel, ts }, message);
    return address;
  }

  /**
   * chat.postMessage at most once per delivery id (see delivery-lookup.ts): the id rides in the
   * message metadata, and a retry after an unanswered attempt first looks for that message.
   */
  private async postOnce(
    channel: string,
    threadTs: string | undefined,
    message: OutboundMessage,
    deliveryId: string | undefined,
  ): Promise<ReplyAddress> {
    const since = deliveryId === undefined ? undefined : this.unanswered.since(deliveryId);
    if (deliveryId !== undefined && since !== undefined) {
      let found: string | null = null;
      try {
        found = await findDeliveredMessage(this.client, { channel, threadTs, deliveryId, sinceMs: since });
      } catch (error) {
        const mapped = toDeliveryError(
          error,
          threadTs === undefined ? "conversations.history" : "conversations.replies",
        );
        // Slack refused the look-up (missing history scope, not in the channel): post rather than
        // lose the message. Anything else (a timeout, a 429) is retried before posting.
        if (!(mapped instanceof SlackApiError)) throw mapped;
      }
      if (found !== null) {
        this.unanswered.forget(deliveryId);
        return formatSlackAddress({ channel, ts: found });
      }
    }
    const startedAt = Date.now();
    try {
      const result = await this.send("chat.postMessage", renderSlackMessage(message), (r) =>
        this.client.chat.postMessage({
          channel,
          ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
          text: r.text,
          blocks: r.blocks,
          ...(deliveryId !== undefined ? { metadata: deliveryMetadata(deliveryId) } : {}),
          ...SAFE,
        }),
      );
      if (deliveryId !== undefined) this.unanswered.forget(deliveryId);
      return formatSlackAddress({ channel: result.channel ?? channel, ts: String(result.ts) });
    } catch (error) {
      if (deliveryId !== undefined && mightHavePosted(error)) this.unanswered.remember(deliveryId, startedAt);
      throw error;
    }
  }

  async update(target: ReplyAddress, message: OutboundMessage): Promise<void> {
    const { channel, ts } = parseSlackAddress(target);
    await this.send("chat.update", renderSlackMessage(message), (r) =>
      this.client.chat.update({ channel, ts, text: r.text, blocks: r.blocks, ...PLAIN }),
    );
  }

  /** An ephemeral message (only `user` sees it), in a thread when `threadTs` names one. */
  async postEphemeral(
    channel: string,
    user: string,
    message: OutboundMessage,
    threadTs?: string,
  ): Promise<void> {
    await this.send("chat.postEphemeral", renderSlackMessage(message), (r) =>
      this.client.chat.postEphemeral({
        channel,
        user,
        text: r.text,
        blocks: r.blocks,
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
        ...PLAIN,
      }),
    );
  }
}

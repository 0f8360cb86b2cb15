// `/rdns ...`: acknowledge first (Slack's 3-second limit; nothing may come before ack()), then
// de-duplicate (Slack may deliver a command twice) and hand a normalised CommandRequest with a
// responder to the app's inbound pipeline, which parses, limits and answers failures.
import type { App, RespondFn, SlashCommand } from "@slack/bolt";
import type {
  CommandRequest,
  CommandResponder,
  InboundHandlers,
  Origin,
  OutboundMessage,
} from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { parseSlackAddress } from "./address.js";
import { mrkdwnToPlain } from "./mrkdwn-to-plain.js";
import type { ClaimOnce } from "./once.js";
import { SlackApiError, type SlackSender } from "./outbound.js";
import { withRateLimitWait } from "./rate-limit-wait.js";
import { renderSlackMessage } from "./render.js";

const NOT_A_MEMBER = new Set(["not_in_channel", "channel_not_found"]);

export interface CommandDeps {
  handlers: () => InboundHandlers;
  sender: SlackSender;
  claimOnce: ClaimOnce;
  logger: Logger;
}

export function toCommandRequest(command: SlashCommand): CommandRequest {
  const args = mrkdwnToPlain(command.text ?? "")
    .split(/\s+/)
    .filter((word) => word.length > 0);
  return {
    platform: "slack",
    requestId: `slack:${command.trigger_id}`,
    channel: command.channel_id,
    user: command.user_id,
    args,
  };
}

export function makeCommandResponder(
  request: CommandRequest,
  deps: Pick<CommandDeps, "sender" | "logger">,
  respond: RespondFn | undefined,
  ack: () => Promise<void> = async () => undefined,
): CommandResponder {
  const { sender, logger } = deps;
  let acked: Promise<boolean> | null = null;
  return {
    acknowledge() {
      acked ??= ack().then(() => true);
      return acked;
    },
    async replyPrivately(message: OutboundMessage) {
      try {
        await withRateLimitWait(() => sender.postEphemeral(request.channel, request.user, message));
      } catch (error) {
        // Ephemeral posts fail where the bot is not a member (private channels, DMs); the
        // command's response_url works there for 30 minutes.
        if (respond === undefined || !(error instanceof SlackApiError)) throw error;
        logger.debug({ code: error.code }, "chat.postEphemeral refused; answering through response_url");
        const rendered = renderSlackMessage(message);
        await respond({ response_type: "ephemeral", text: rendered.text, blocks: rendered.blocks });
      }
    },
    async replyPublicly(message: OutboundMessage) {
      await withRateLimitWait(() => sender.post(request.channel, message));
    },
    async openThread(message: OutboundMessage): Promise<Origin> {
      let parent: string;
      try {
        parent = await withRateLimitWait(() => sender.post(request.channel, message));
      } catch (error) {
        // A private channel or DM the bot is not in: say how to fix it, where only the asker sees.
        if (respond !== undefined && error instanceof SlackApiError && NOT_A_MEMBER.has(error.code)) {
          await respond({
            response_type: "ephemeral",
            text: "I can't post in this conversation. Invite me first (`/invite @rdns`), then run the command again.",
          }).catch(() => undefined);
        }
        throw error;
      }
      const { channel } = parseSlackAddress(parent);
      return { platform: "slack", channel, thread: parent, parent };
    },
    async replaceOpened(origin: Origin, message: OutboundMessage) {
      const { parent } = origin;
      if (parent !== null) await withRateLimitWait(() => sender.update(parent, message));
    },
  };
}

export function registerCommand(app: App, deps: CommandDeps): void {
  // Every slash command routed to this app is ours: the manifest names it /rdns, but a workspace
  // may install a copy as /rdns-staging.
  app.command(/^\/.+/, async ({ ack, command, respond }) => {
    const request = toCommandRequest(command);
    const log = deps.logger.child({
      requestId: request.requestId,
      channel: request.channel,
      user: request.user,
    });
    const responder = makeCommandResponder(request, { sender: deps.sender, logger: log }, respond, ack);
    // Acknowledged before the de-duplication's Redis round trip: it is Slack's clock.
    await responder.acknowledge?.();
    try {
      if (!(await deps.claimOnce(request.requestId))) {
        log.info("duplicate slash command delivery ignored");
        return;
      }
      await deps.handlers().onCommand(request, responder);
    } catch (error) {
      // The app's pipeline answers its own failures; this is only what failed before it.
      log.error({ err: error }, "slash command could not be handed to the app");
    }
  });
}

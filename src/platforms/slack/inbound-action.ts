// Button presses on our messages (Block Kit block_actions with action ids rdns_recheck, rdns_watch,
// rdns_stop), through the same signed receiver as commands: HTTP /slack/events (Slack posts
// interactivity payloads to the request URL, verified with the signing secret) or Socket Mode
// ("interactive" envelopes). Acknowledged at once, claimed once, then handed to the app's inbound
// pipeline with the thread of the message the button is on.
import type { App, BlockAction, RespondFn, ButtonAction as SlackButton } from "@slack/bolt";
import type {
  ButtonPress,
  ButtonResponder,
  InboundHandlers,
  Origin,
  OutboundMessage,
} from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { formatSlackAddress } from "./address.js";
import { readSlackButton, SLACK_ACTION_PATTERN } from "./buttons.js";
import type { ClaimOnce } from "./once.js";
import { SlackApiError, type SlackSender } from "./outbound.js";
import { withRateLimitWait } from "./rate-limit-wait.js";
import { renderSlackMessage } from "./render.js";

export interface ActionDeps {
  handlers: () => InboundHandlers;
  sender: SlackSender;
  claimOnce: ClaimOnce;
  logger: Logger;
}

/** A display name is the presser's own text: bounded here, escaped by every renderer. */
const MAX_USER_NAME = 80;

/** Where the pressed button's message lives: its thread (or itself, at the top), and its ts. */
export function pressedMessage(body: BlockAction): { channel: string; ts: string; threadTs: string } | null {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  if (typeof channel !== "string" || typeof ts !== "string") return null;
  const threadTs = (body.message?.thread_ts as string | undefined) ?? body.container?.thread_ts ?? ts;
  return { channel, ts, threadTs };
}

export function toButtonPress(body: BlockAction, action: SlackButton): ButtonPress {
  const name = body.user.username ?? body.user.name ?? body.user.id;
  return {
    platform: "slack",
    requestId: `slack:action:${body.trigger_id}`,
    channel: body.channel?.id ?? body.container?.channel_id ?? "",
    user: body.user.id,
    userName: name.slice(0, MAX_USER_NAME),
    action: readSlackButton(action.action_id, action.value),
  };
}

export function makeButtonResponder(
  place: { channel: string; ts: string; threadTs: string },
  user: string,
  deps: Pick<ActionDeps, "sender" | "logger">,
  respond: RespondFn,
  ack: () => Promise<void>,
): ButtonResponder {
  let acked: Promise<boolean> | null = null;
  const inThread = place.threadTs !== place.ts;
  return {
    acknowledge() {
      acked ??= ack().then(() => true);
      return acked;
    },
    async replyPrivately(message: OutboundMessage) {
      try {
        await withRateLimitWait(() =>
          deps.sender.postEphemeral(place.channel, user, message, inThread ? place.threadTs : undefined),
        );
      } catch (error) {
        // As for commands: where chat.postEphemeral is refused, the action's response_url works.
        if (!(error instanceof SlackApiError)) throw error;
        deps.logger.debug({ code: error.code }, "chat.postEphemeral refused; answering through response_url");
        const rendered = renderSlackMessage(message);
        await respond({
          response_type: "ephemeral",
          replace_original: false,
          text: rendered.text,
          blocks: rendered.blocks,
        });
      }
    },
    async thread(): Promise<Origin> {
      const thread = formatSlackAddress({ channel: place.channel, ts: place.threadTs });
      // A button on the top-level result: its verdict is brought up to date by the new check.
      // In a thread the top message may be a person's pasted bounce, which is not ours to edit.
      const parent = inThread ? null : formatSlackAddress({ channel: place.channel, ts: place.ts });
      return { platform: "slack", channel: place.channel, thread, parent };
    },
  };
}

export function registerActions(app: App, deps: ActionDeps): void {
  app.action<BlockAction<SlackButton>>(SLACK_ACTION_PATTERN, async ({ ack, body, action, respond }) => {
    // Slack's 3 s clock: acknowledged before anything else, even a press we cannot use.
    await ack();
    const place = pressedMessage(body);
    const log = deps.logger.child({ action: action.action_id, user: body.user.id });
    if (place === null) {
      log.warn("button press without a message to answer in; ignored");
      return;
    }
    const press = toButtonPress(body, action);
    const responder = makeButtonResponder(place, press.user, deps, respond, async () => undefined);
    try {
      if (!(await deps.claimOnce(press.requestId))) {
        log.info("duplicate button press delivery ignored");
        return;
      }
      await deps.handlers().onButton(press, responder);
    } catch (error) {
      log.error({ err: error }, "button press could not be handed to the app");
    }
  });
}

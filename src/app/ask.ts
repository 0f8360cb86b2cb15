// A message a person asked the bot about (InboundHandlers.onAsk; docs/chat-commands.md "Act on any
// message"): the Slack shortcut and Discord context-menu "Check with rdns", a mention, a direct
// message. It is read exactly as a pasted bounce (handle-paste.ts: its text and attached .eml,
// .txt or DMARC files), or, when all it holds is an IP or a host name (and a HELO), checked as
// `/rdns <ip|host> [helo]` would be, by the check command itself. Unlike a paste it was asked
// for, so it is always answered: in the message's thread, or, where the bot may not post there,
// privately (the reason said, the results in a direct message); with nothing to read, privately
// and plainly, naming what was looked for.
import type { AskedMessage, AskResponder, CommandResponder, Origin, OutboundMessage } from "../chat/types.js";
import type { Logger } from "../log.js";
import { threadReply } from "../queue/deliveries.js";
import { enqueueDeliveries } from "../queue/queues.js";
import type { Command } from "./command.js";
import { exampleFor, WORDS } from "./command-syntax.js";
import type { AppContext } from "./context.js";
import { failureCause, failureNotice, newReference } from "./failure-reply.js";
import { checksFor, readPaste } from "./handle-paste.js";
import { parseHostName } from "./host-targets.js";
import { recordStorageFull } from "./metrics.js";
import { requestCheck } from "./request-check.js";
import { parseHelo, parsePublicIp } from "./targets.js";

/** What an asked-about message holding nothing to read is told. */
export const NOTHING_FOUND =
  "I found nothing to check in that message. I looked for a bounce or a receiver's log line naming a refused IP (and its HELO name), a DMARC aggregate report file, an attached .eml or .txt file, or an IP address or mail host name on its own.";

/** Says why the answer comes privately, from the platform's reason. */
export function privateBecause(reason: string): string {
  return `I can't post in that conversation (${reason}), so I'm answering you privately: the results come in a direct message.`;
}

export interface AskDeps {
  ctx: AppContext;
  commands: readonly Command[];
  /** Counts the ask against the command limits (handlers.ts); false: refused, already answered. */
  spend(
    message: AskedMessage,
    respond: AskResponder,
    log: Logger,
  ): Promise<{ allowed: boolean; refund?: () => Promise<void> } | null>;
}

/**
 * The words of a message that holds only an IP or a host name, optionally followed by a HELO
 * name: `["203.0.113.5"]`, `["mail.example.com", "helo.example.com"]`; null otherwise. Pure.
 */
export function soleTarget(message: Pick<AskedMessage, "text" | "attachments">): string[] | null {
  if (message.attachments.length > 0) return null;
  const words = message.text
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "");
  if (words.length === 0 || words.length > 2) return null;
  const [first = "", helo] = words;
  if (!parsePublicIp(first).ok && parseHostName(first) === null) return null;
  if (helo !== undefined && !parseHelo(helo).ok) return null;
  return words;
}

export async function handleAsk(deps: AskDeps, message: AskedMessage, respond: AskResponder): Promise<void> {
  const { ctx } = deps;
  const log = ctx.logger.child({ platform: message.platform, request: message.requestId, via: message.via });
  try {
    if (respond.acknowledge !== undefined && !(await respond.acknowledge())) {
      log.info("the platform can no longer answer this request; dropped");
      return;
    }
    const spent = await deps.spend(message, respond, log);
    if (spent?.allowed === false) return;
    const words = soleTarget(message);
    if (words !== null) {
      await checkTarget(deps, message, respond, words, log);
      return;
    }
    const { findings, truncated, reports } = await readPaste(ctx, message);
    if (findings.length === 0 && reports.length === 0) {
      await respond.replyPrivately({ kind: "notice", text: NOTHING_FOUND });
      await spent?.refund?.();
      return;
    }
    const replies: OutboundMessage[] = [
      ...(findings.length > 0 ? [{ kind: "bounce" as const, findings, truncated }] : []),
      ...reports,
    ];
    const [first, ...rest] = replies as [OutboundMessage, ...OutboundMessage[]];
    const opened = await placeFor(respond, log)(first);
    if (opened === null) return;
    // The checks' results go in the thread; the reading posted first is a person's, not a verdict.
    const origin: Origin = { ...opened, parent: null };
    const source = `ask-${message.platform}-${message.requestId}`;
    await enqueueDeliveries(
      ctx.queues,
      rest.map((reply, index) => threadReply(source, origin, reply, `part-${index}`)),
    );
    for (const { ip, helo, focusList } of checksFor(findings)) {
      // A blocklist bounce that names its list: that list's state leads the answer, as for a paste.
      const asked = focusList === null ? origin : { ...origin, focusList };
      await requestCheck(ctx, { ip, helo, origin: asked, reason: "paste" });
    }
  } catch (error) {
    const reference = newReference();
    const cause = failureCause(error, ctx.redis.status);
    if (cause === "storage-full") recordStorageFull("command");
    log.error({ err: error, reference, cause }, "answering an asked-about message failed");
    await respond
      .replyPrivately(failureNotice(reference, cause))
      .catch((err: unknown) => log.warn({ err, reference }, "could not report the failure"));
  }
}

/**
 * Posts in the thread on the asked-about message, or, where the bot may not post, says why
 * privately (once) and posts in a direct message. Null when neither could be done (said).
 */
function placeFor(respond: AskResponder, log: Logger): (message: OutboundMessage) => Promise<Origin | null> {
  let refused = false;
  return async (message) => {
    if (!refused) {
      const opened = await respond.openThread(message);
      if (opened.ok) return opened.origin;
      refused = true;
      log.info({ reason: opened.reason }, "may not post where the message is; answering privately");
      await respond.replyPrivately({ kind: "notice", text: privateBecause(opened.reason) });
    }
    return openPrivately(respond, message, log);
  };
}

async function openPrivately(
  respond: AskResponder,
  message: OutboundMessage,
  log: Logger,
): Promise<Origin | null> {
  try {
    return await respond.openPrivately(message);
  } catch (error) {
    log.warn({ err: error }, "could not open a direct message either");
    await respond.replyPrivately(message);
    await respond.replyPrivately({
      kind: "notice",
      text: "I could not send you a direct message either, so nothing was checked. Invite me to the conversation, or ask me in a direct message.",
    });
    return null;
  }
}

/** An IP or host name alone: the check command runs it, answering where openSomewhere says. */
async function checkTarget(
  deps: AskDeps,
  message: AskedMessage,
  ask: AskResponder,
  words: string[],
  log: Logger,
): Promise<void> {
  const check = deps.commands.find((command) => command.name === "check");
  if (check === undefined) throw new Error("the check command is not loaded");
  const [ip = "", helo] = words;
  const open = placeFor(ask, log);
  const respond: CommandResponder = {
    replyPrivately: (reply) => ask.replyPrivately(reply),
    async replyPublicly(reply) {
      await open(reply);
    },
    async openThread(reply) {
      const origin = await open(reply);
      if (origin === null) throw new Error("no place to answer in");
      return origin;
    },
    replaceOpened: (origin, reply) => ask.replaceOpened(origin, reply),
  };
  await check.run({
    ctx: deps.ctx,
    request: {
      platform: message.platform,
      requestId: message.requestId,
      channel: message.channel,
      user: message.user,
      args: words,
    },
    respond,
    options: helo === undefined ? { ip } : { ip, helo },
    args: words,
    log,
    commands: deps.commands,
    syntax: WORDS,
    example: exampleFor(deps.commands, check, WORDS),
  });
}

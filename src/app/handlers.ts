// The one inbound pipeline every platform calls (InboundHandlers, src/chat/types.ts), the same for
// Slack, Discord and the console: acknowledge first, resolve the command from its declaration
// (command-syntax.ts), apply the per-user and per-channel limits, run it with bounded echoes,
// and catch whatever fails in one place (one wording with a reference the log line carries).
// What happens here is quick (parse, open a thread, enqueue): the DNS work is a check worker's,
// the answer a delivery's.
import type {
  ButtonPress,
  ButtonResponder,
  CommandRequest,
  CommandResponder,
  InboundHandlers,
  OutboundMessage,
} from "../chat/types.js";
import type { Logger } from "../log.js";
import { channelKey } from "../store/watch-record.js";
import { handleAsk } from "./ask.js";
import { boundedResponder } from "./bounded-responder.js";
import { runButton } from "./buttons.js";
import type { Command } from "./command.js";
import { type CommandLimiter, type LimitVerdict, limitNotice } from "./command-limits.js";
import { type CommandSyntax, exampleFor, parseRequest, syntaxOf } from "./command-syntax.js";
import { completeAddress } from "./complete.js";
import type { AppContext } from "./context.js";
import { failureCause, failureNotice, isStorageFull, newReference } from "./failure-reply.js";
import { handlePaste } from "./handle-paste.js";
import { homeView } from "./home.js";
import { recordStorageFull } from "./metrics.js";
import { announceWatchChange } from "./watch-changes.js";

export interface PipelineOptions {
  /** Per-user and per-channel limits (command-limits.ts); none: unlimited. */
  limiter?: CommandLimiter | null;
}

/**
 * The responder a counted command runs with, noting whether it refused its input (a usage error)
 * before opening any thread: then no DNS work was asked for, and the limit's hit is given back.
 */
function refundOnRefusal(respond: CommandResponder): { respond: CommandResponder; refused(): boolean } {
  let refused = false;
  let opened = false;
  return {
    respond: {
      ...respond,
      async replyPrivately(message) {
        if (message.kind === "usage-error") refused = true;
        await respond.replyPrivately(message);
      },
      async openThread(message) {
        opened = true;
        return respond.openThread(message);
      },
    },
    refused: () => refused && !opened,
  };
}

/** What the handlers share: the app, the commands it knows, and the limits it applies. */
interface Pipeline {
  readonly ctx: AppContext;
  readonly commands: readonly Command[];
  readonly limiter: CommandLimiter | null;
}

export function createInboundHandlers(
  ctx: AppContext,
  commands: readonly Command[],
  options: PipelineOptions = {},
): InboundHandlers {
  const pipeline: Pipeline = { ctx, commands, limiter: options.limiter ?? null };
  return {
    onCommand: (request, respond) => handleCommand(pipeline, request, respond),
    onButton: (button, respond) => handleButton(pipeline, button, respond),
    onPaste: (message, respond) => handlePaste(ctx, message, respond),
    // Asking about a message is DNS work like a command: limited the same way.
    onAsk: (message, respond) =>
      handleAsk(
        {
          ctx,
          commands,
          spend: (asked, answer, log) =>
            spendLimit(pipeline, asked, answer, log, "command limit reached (ask)"),
        },
        message,
        respond,
      ),
    onComplete: (query) => completeAddress(ctx, query),
    onHome: (request) => homeView(ctx, request),
  };
}

/** Tells the person their request failed; a failure to say so is only logged. */
async function answerFailure(
  log: Logger,
  respond: Pick<CommandResponder, "replyPrivately">,
  reference: string,
  notice: OutboundMessage,
): Promise<void> {
  await respond
    .replyPrivately(notice)
    .catch((err: unknown) => log.warn({ err, reference }, "could not report the failure"));
}

/**
 * Counts a request against the per-user and per-channel limits, answering privately when one is
 * reached. Null when nothing limits; otherwise the verdict, whose refund gives the hit back.
 */
async function spendLimit(
  pipeline: Pipeline,
  request: Pick<CommandRequest, "platform" | "user" | "channel">,
  respond: Pick<CommandResponder, "replyPrivately">,
  log: Logger,
  reached: string,
): Promise<LimitVerdict | null> {
  if (pipeline.limiter === null) return null;
  const verdict = await pipeline.limiter(request);
  if (verdict.allowed && verdict.uncounted) {
    if (isStorageFull(verdict.uncounted)) recordStorageFull("limiter");
    log.warn({ err: verdict.uncounted }, "the command limits could not be counted; let through uncounted");
  }
  if (!verdict.allowed) {
    log.info({ scope: verdict.scope }, reached);
    await respond.replyPrivately({ kind: "notice", text: limitNotice(verdict) });
  }
  return verdict;
}

async function handleCommand(
  pipeline: Pipeline,
  request: CommandRequest,
  raw: CommandResponder,
): Promise<void> {
  const log = pipeline.ctx.logger.child({ platform: request.platform, request: request.requestId });
  const syntax = syntaxOf(request);
  const respond = boundedResponder(raw, pipeline.commands, syntax);
  const startedAt = Date.now();
  try {
    if (!(await respond.acknowledge())) {
      log.info("the platform can no longer answer this request; dropped");
      return;
    }
    log.debug({ ackMs: Date.now() - startedAt }, "acknowledged");
    await runCommand(pipeline, request, respond, syntax, log);
  } catch (error) {
    // Nothing a person types may crash the bot: log it with a reference, say so in one line.
    const reference = newReference();
    const cause = failureCause(error, pipeline.ctx.redis.status);
    if (cause === "storage-full") recordStorageFull("command");
    log.error({ err: error, reference, cause }, "command failed");
    await answerFailure(log, respond, reference, failureNotice(reference, cause));
  }
}

/** An acknowledged request: parsed against the commands' declarations, limited, run. */
async function runCommand(
  pipeline: Pipeline,
  request: CommandRequest,
  respond: CommandResponder,
  syntax: CommandSyntax,
  log: Logger,
): Promise<void> {
  const { ctx, commands } = pipeline;
  const parsed = parseRequest(commands, request);
  if (!parsed.ok) {
    await respond.replyPrivately({
      kind: "usage-error",
      problem: parsed.problem,
      example: exampleFor(commands, parsed.command, syntax),
    });
    return;
  }
  const { command } = parsed;
  // Only DNS work is limited: help (what a person limited needs most), lists and stop cost
  // nothing, and input the command refuses gives its hit back (refundOnRefusal).
  const spent = command.dnsWork
    ? await spendLimit(pipeline, request, respond, log, "command limit reached")
    : null;
  if (spent?.allowed === false) return;
  log.debug({ command: command.name }, "command");
  const counted = refundOnRefusal(respond);
  await command.run({
    ctx,
    request,
    respond: counted.respond,
    options: parsed.options,
    args: parsed.args,
    log,
    commands,
    syntax,
    example: exampleFor(commands, command, syntax),
  });
  if (spent?.allowed === true && counted.refused()) await spent.refund?.();
  if (command.changesWatches === true)
    await announceWatchChange(ctx.redis, ctx.keys, channelKey(request.platform, request.channel), log);
}

/**
 * A button press takes the same path as a command: acknowledged first, counted against the
 * same per-user and per-channel limits (a press is a request like a typed one), and any
 * failure answered privately in the one wording with a reference.
 */
async function handleButton(
  pipeline: Pipeline,
  button: ButtonPress,
  respond: ButtonResponder,
): Promise<void> {
  const log = pipeline.ctx.logger.child({ platform: button.platform, request: button.requestId });
  try {
    if (respond.acknowledge !== undefined && !(await respond.acknowledge())) {
      log.info("the platform can no longer answer this press; dropped");
      return;
    }
    // Re-check and Watch make DNS work; Stop ends it, and a button we cannot read does nothing.
    const kind = button.action?.kind;
    if (kind === "recheck" || kind === "watch") {
      const verdict = await spendLimit(pipeline, button, respond, log, "command limit reached (button)");
      if (verdict?.allowed === false) return;
    }
    log.debug({ button: button.action?.kind ?? "unreadable" }, "button");
    await runButton(pipeline.ctx, button, respond);
    if (kind === "watch") {
      const { ctx } = pipeline;
      await announceWatchChange(ctx.redis, ctx.keys, channelKey(button.platform, button.channel), log);
    }
  } catch (error) {
    const reference = newReference();
    const cause = failureCause(error, pipeline.ctx.redis.status);
    if (cause === "storage-full") recordStorageFull("button");
    log.error({ err: error, reference, cause }, "button failed");
    await answerFailure(log, respond, reference, failureNotice(reference, cause));
  }
}

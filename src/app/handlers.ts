// The one inbound pipeline every platform calls (InboundHandlers, src/chat/types.ts), the same for
// Slack, Discord and the console: acknowledge first, resolve the command from its declaration
// (command-syntax.ts), apply the per-user and per-channel limits, run it with bounded echoes,
// and catch whatever fails in one place (one wording with a reference the log line carries).
// What happens here is quick (parse, open a thread, enqueue): the DNS work is a check worker's,
// the answer a delivery's.
import type { BounceFinding } from "../bounce/types.js";
import type {
  ButtonPress,
  ButtonResponder,
  CommandRequest,
  CommandResponder,
  InboundHandlers,
  PastedMessage,
} from "../chat/types.js";
import { threadReply } from "../queue/deliveries.js";
import { enqueueDeliveries } from "../queue/queues.js";
import { boundedResponder } from "./bounded-responder.js";
import { runButton } from "./buttons.js";
import type { Command } from "./command.js";
import { type CommandLimiter, type LimitVerdict, limitNotice } from "./command-limits.js";
import { exampleFor, parseRequest, syntaxOf } from "./command-syntax.js";
import type { AppContext } from "./context.js";
import { failureNotice, isQueueUnreachable, newReference } from "./failure-reply.js";
import { requestCheck } from "./request-check.js";
import { parseHelo, parsePublicIp } from "./targets.js";

/** A pasted message rarely names more than a few refused IPs; more is a log, not a bounce. */
const MAX_CHECKS_PER_PASTE = 5;

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

export function createInboundHandlers(
  ctx: AppContext,
  commands: readonly Command[],
  options: PipelineOptions = {},
): InboundHandlers {
  const limiter = options.limiter ?? null;

  async function handle(request: CommandRequest, raw: CommandResponder): Promise<void> {
    const log = ctx.logger.child({ platform: request.platform, request: request.requestId });
    const syntax = syntaxOf(request);
    const respond = boundedResponder(raw, commands, syntax);
    const startedAt = Date.now();
    try {
      if (!(await respond.acknowledge())) {
        log.info("the platform can no longer answer this request; dropped");
        return;
      }
      log.debug({ ackMs: Date.now() - startedAt }, "acknowledged");
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
      let spent: LimitVerdict | null = null;
      if (command.dnsWork && limiter !== null) {
        spent = await limiter(request);
        if (!spent.allowed) {
          log.info({ scope: spent.scope }, "command limit reached");
          await respond.replyPrivately({ kind: "notice", text: limitNotice(spent) });
          return;
        }
      }
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
    } catch (error) {
      // Nothing a person types may crash the bot: log it with a reference, say so in one line.
      const reference = newReference();
      const queueDown = isQueueUnreachable(error, ctx.redis.status);
      log.error({ err: error, reference, queueUnreachable: queueDown }, "command failed");
      await respond
        .replyPrivately(failureNotice(reference, queueDown))
        .catch((err: unknown) => log.warn({ err, reference }, "could not report the failure"));
    }
  }

  async function readPaste(
    message: PastedMessage,
  ): Promise<{ findings: BounceFinding[]; truncated: boolean }> {
    const readings = [];
    if (message.text.trim() !== "") readings.push(await ctx.readBounce(message.text, { file: null }));
    for (const attachment of message.attachments) {
      readings.push(await ctx.readBounce(attachment.content, { file: attachment.name }));
    }
    return {
      findings: readings.flatMap((reading) => reading.findings),
      truncated: readings.some((reading) => reading.truncated),
    };
  }

  /**
   * A button press takes the same path as a command: acknowledged first, counted against the
   * same per-user and per-channel limits (a press is a request like a typed one), and any
   * failure answered privately in the one wording with a reference.
   */
  async function press(button: ButtonPress, respond: ButtonResponder): Promise<void> {
    const log = ctx.logger.child({ platform: button.platform, request: button.requestId });
    try {
      if (respond.acknowledge !== undefined && !(await respond.acknowledge())) {
        log.info("the platform can no longer answer this press; dropped");
        return;
      }
      // Re-check and Watch make DNS work; Stop ends it, and a button we cannot read does nothing.
      const kind = button.action?.kind;
      if (limiter !== null && (kind === "recheck" || kind === "watch")) {
        const verdict = await limiter(button);
        if (!verdict.allowed) {
          log.info({ scope: verdict.scope }, "command limit reached (button)");
          await respond.replyPrivately({ kind: "notice", text: limitNotice(verdict) });
          return;
        }
      }
      log.debug({ button: button.action?.kind ?? "unreadable" }, "button");
      await runButton(ctx, button, respond);
    } catch (error) {
      const reference = newReference();
      log.error({ err: error, reference }, "button failed");
      await respond
        .replyPrivately(failureNotice(reference))
        .catch((err: unknown) => log.warn({ err, reference }, "could not report the failure"));
    }
  }

  return {
    onCommand: handle,
    onButton: press,

    async onPaste(message, respond) {
      try {
        const { findings, truncated } = await readPaste(message);
        if (findings.length === 0) return; // not a bounce: stay quiet in a support channel
        const origin = await respond.openThread();
        await enqueueDeliveries(ctx.queues, [
          threadReply(
            `paste-${message.platform}-${message.requestId}`,
            origin,
            { kind: "bounce", findings, truncated },
            "bounce",
          ),
        ]);
        const seen = new Set<string>();
        for (const finding of findings) {
          if (finding.ip === null || seen.size >= MAX_CHECKS_PER_PASTE) continue;
          const ip = parsePublicIp(finding.ip);
          if (!ip.ok) continue;
          const helo = finding.helo === null ? null : parseHelo(finding.helo);
          const heloName = helo?.ok === true ? helo.value : null;
          const key = `${ip.value} ${heloName ?? ""}`;
          if (seen.has(key)) continue;
          seen.add(key);
          await requestCheck(ctx, { ip: ip.value, helo: heloName, origin, reason: "paste" });
        }
      } catch (error) {
        // A paste is not a request to the bot: nothing is said in the channel, only logged.
        ctx.logger.error(
          { err: error, request: message.requestId, reference: newReference() },
          "reading a pasted message failed",
        );
      }
    },
  };
}

// The InboundHandlers every platform calls (src/chat/types.ts): command dispatch and pasted
// bounces. Platforms acknowledge before calling these; what happens here is quick (parse, open a
// thread, enqueue): the DNS work is a check worker's, the answer a delivery's.
import type { BounceFinding } from "../bounce/types.js";
import type {
  CommandRequest,
  CommandResponder,
  InboundHandlers,
  PastedMessage,
  PasteResponder,
} from "../chat/types.js";
import { threadReply } from "../queue/deliveries.js";
import { enqueueDeliveries } from "../queue/queues.js";
import type { Command } from "./command.js";
import type { AppContext } from "./context.js";
import { requestCheck } from "./request-check.js";
import { parseHelo, parsePublicIp } from "./targets.js";

/** A pasted message rarely names more than a few refused IPs; more is a log, not a bounce. */
const MAX_CHECKS_PER_PASTE = 5;

/** Words that look like an address attempt (so "/rdns 300.1.1.1" says "not an IP", not "unknown command"). */
function looksLikeAddress(word: string): boolean {
  return /[.:]/.test(word) && /^[0-9A-Fa-f:./[\]]+$/.test(word);
}

export function createInboundHandlers(ctx: AppContext, commands: readonly Command[]): InboundHandlers {
  const byName = new Map(commands.map((command) => [command.name, command]));
  const check = byName.get("check");
  const help = byName.get("help");

  async function dispatch(request: CommandRequest, respond: CommandResponder): Promise<void> {
    const log = ctx.logger.child({ platform: request.platform, request: request.requestId });
    const [first, ...rest] = request.args;
    const word = first?.toLowerCase();
    let command: Command | undefined;
    let args = rest;
    if (word === undefined) command = help;
    else if (byName.has(word)) command = byName.get(word);
    else if (looksLikeAddress(word)) {
      command = check;
      args = request.args;
    }
    if (command === undefined) {
      await respond.replyPrivately({
        kind: "usage-error",
        problem: `unknown command "${first}"; the commands are ${commands.map((c) => c.name).join(", ")}`,
        example: check?.example ?? "/rdns help",
      });
      return;
    }
    log.debug({ command: command.name }, "command");
    await command.run({ ctx, request, respond, args, log, commands });
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

  return {
    async onCommand(request, respond) {
      try {
        await dispatch(request, respond);
      } catch (error) {
        // Nothing a person types may crash the bot: log it, say so in one line.
        ctx.logger.error({ err: error, request: request.requestId }, "command failed");
        await respond
          .replyPrivately({
            kind: "notice",
            text: "Sorry, that failed on our side; please try again in a minute.",
          })
          .catch(() => undefined);
      }
    },

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
        ctx.logger.error({ err: error, request: message.requestId }, "reading a pasted message failed");
      }
    },
  };
}

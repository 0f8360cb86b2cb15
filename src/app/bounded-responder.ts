// What every platform's responder gets from the pipeline: the acknowledgement happens once, user
// input repeated back is bounded (src/render/echo.ts) whatever the platform renders, and a usage
// error's example is written in the asker's own syntax (a command's run() writes typed forms).
import type { CommandResponder, OutboundMessage } from "../chat/types.js";
import { boundedProblem, shortenQuotedEchoes } from "../render/echo.js";
import type { Command } from "./command.js";
import { type CommandSyntax, translateExample } from "./command-syntax.js";

function bounded(
  message: OutboundMessage,
  commands: readonly Command[],
  syntax: CommandSyntax,
): OutboundMessage {
  if (message.kind === "usage-error") {
    return {
      kind: "usage-error",
      problem: boundedProblem(message.problem),
      example: translateExample(commands, message.example, syntax),
    };
  }
  if (message.kind === "notice") return { kind: "notice", text: shortenQuotedEchoes(message.text) };
  return message;
}

export interface BoundedResponder extends CommandResponder {
  acknowledge(): Promise<boolean>;
}

export function boundedResponder(
  respond: CommandResponder,
  commands: readonly Command[],
  syntax: CommandSyntax,
): BoundedResponder {
  let acknowledged: Promise<boolean> | null = null;
  return {
    acknowledge() {
      acknowledged ??= respond.acknowledge?.() ?? Promise.resolve(true);
      return acknowledged;
    },
    replyPrivately: (message) => respond.replyPrivately(bounded(message, commands, syntax)),
    replyPublicly: (message) => respond.replyPublicly(bounded(message, commands, syntax)),
    openThread: (message) => respond.openThread(bounded(message, commands, syntax)),
  };
}

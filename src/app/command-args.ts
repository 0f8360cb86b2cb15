// What the chat commands share when they read their words: a usage error goes to the asker alone
// (with a working example), and a command that takes exactly one argument says so when it gets
// none or more.
import type { CommandResponder } from "../chat/types.js";

/** Tells only the asker what was wrong and how the command is written. */
export async function refuse(respond: CommandResponder, problem: string, example: string): Promise<void> {
  await respond.replyPrivately({ kind: "usage-error", problem, example });
}

/** The one word a command takes, or null once the asker was told `problem` (none, or too many). */
export async function oneArgument(
  args: readonly string[],
  respond: CommandResponder,
  problem: string,
  example: string,
): Promise<string | null> {
  const [text, ...extra] = args;
  if (text === undefined || extra.length > 0) {
    await refuse(respond, problem, example);
    return null;
  }
  return text;
}

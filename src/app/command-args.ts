// What the chat commands share when they read their words: a usage error goes to the asker alone
// (with a working example), and a command that takes exactly one argument says so when it gets
// none or more.
import type { CommandResponder } from "../chat/types.js";
import { parseOptionalHelo, parsePublicIp } from "./targets.js";

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

/**
 * The public IP and the optional HELO name of a command that checks one address (`probe`,
 * `recheck`), or null once the asker was told what is wrong with either.
 */
export async function publicIpAndHelo(
  options: Readonly<Record<string, string>>,
  respond: CommandResponder,
  example: string,
): Promise<{ ip: string; helo: string | null } | null> {
  const ip = parsePublicIp(options.ip ?? "");
  if (!ip.ok) {
    await refuse(respond, ip.problem, example);
    return null;
  }
  const helo = parseOptionalHelo(options.helo);
  if (!helo.ok) {
    await refuse(respond, helo.problem, example);
    return null;
  }
  return { ip: ip.value, helo: helo.value };
}

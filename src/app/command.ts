// The shape of a chat command: one file per command in commands/ (`export default {...} satisfies
// Command`) declares its name, options and examples once. Every platform's parser, Discord's
// registered definition and each platform's help are derived from that declaration
// (command-syntax.ts, src/platforms/discord/commands.ts), so they cannot disagree.

import type { CommandRequest, CommandResponder } from "../chat/types.js";
import type { Logger } from "../log.js";
import type { CommandSyntax } from "./command-syntax.js";
import type { AppContext } from "./context.js";

/**
 * What an option holds; the command's run() checks the value itself (public IP, watchable range).
 * "ip-or-host": an address, or a host name whose addresses are checked (`/rdns mail.example.com`).
 */
export type OptionKind = "ip" | "ip-or-host" | "range" | "host" | "text" | "duration";

export interface CommandOption {
  /** The option's name: Discord's option name, and the placeholder in typed forms (`<ip>`). */
  name: string;
  kind: OptionKind;
  required: boolean;
  /** One line (Discord allows at most 100 characters), e.g. "The sending IP, e.g. 203.0.113.5". */
  description: string;
  /**
   * Typed after a word of its own (`every 30m`) rather than by position: optional options that
   * may be given without the ones before them. Discord names every option anyway.
   */
  keyword?: string;
  /** Length limits of the text form; Discord checks them before sending, the text parser after. */
  minLength?: number;
  maxLength?: number;
}

/** A working example, as option values: `{ ip: "203.0.113.5", helo: "mail.example.com" }`. */
export type CommandExample = Readonly<Record<string, string>>;

export interface CommandInput {
  ctx: AppContext;
  request: CommandRequest;
  respond: CommandResponder;
  /** The option values given, by name (checked against the declaration: required, lengths). */
  options: Readonly<Record<string, string>>;
  /** The same values in declaration order (the words after the command's name when typed). */
  args: string[];
  log: Logger;
  /** Every loaded command, for help. */
  commands: readonly Command[];
  /** How the asker's platform writes commands (typed words, or Discord's named options). */
  syntax: CommandSyntax;
  /** This command's first example in that syntax, for usage errors. */
  example: string;
}

export interface Command {
  /** The sub-command word: `/rdns <name> ...` (Discord: the subcommand). */
  name: string;
  /** One line for help and Discord's subcommand description (at most 100 characters). */
  summary: string;
  /** Positional in typed forms, in this order; required ones first. */
  options: readonly CommandOption[];
  /** At least one; the first is shown with usage errors and in help. */
  examples: readonly CommandExample[];
  /**
   * Typed forms may leave the name out when the first word is this command's first option
   * (`/rdns 203.0.113.5` for `/rdns check 203.0.113.5`). At most one command says so.
   */
  implicit?: boolean;
  /**
   * Whether running it makes DNS work (a check, a re-check, a watch; a probe or a mail test):
   * only these count against the per-user and per-channel limits (src/app/command-limits.ts),
   * so help, lists, stop and mistyped input never use up someone's allowance.
   */
  dnsWork: boolean;
  /**
   * Whether it may add, remove or mute a channel's watches: every bot process is then told
   * (src/app/watch-changes.ts), so what shows the channel's watches (Slack's App Home) refreshes.
   */
  changesWatches?: boolean;
  run(input: CommandInput): Promise<void>;
}

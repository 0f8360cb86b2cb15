// The shape of a chat command (one file per command in commands/, `export default {...} satisfies
// Command`), and what it is given to run: a normalised request, the platform's responder, the app.

import type { CommandRequest, CommandResponder } from "../chat/types.js";
import type { Logger } from "../log.js";
import type { AppContext } from "./context.js";

export interface CommandInput {
  ctx: AppContext;
  request: CommandRequest;
  respond: CommandResponder;
  /** The words after the command's name (for `check`, every word after `/rdns`). */
  args: string[];
  log: Logger;
  /** Every loaded command, for help. */
  commands: readonly Command[];
}

export interface Command {
  /** The sub-command word: `/rdns <name> ...`. */
  name: string;
  /** One line for help. */
  summary: string;
  /** The form, e.g. `/rdns watch <ip or range>`. */
  usage: string;
  /** A working example, shown with usage errors. */
  example: string;
  run(input: CommandInput): Promise<void>;
}

// The /rdns slash command as Discord registers it, derived from the commands' own declarations
// (commands/*.ts): one subcommand per command, one string option per declared option, with the
// declared length limits, which Discord checks before the request is sent. The real parsing (is
// it an IP, a range small enough to watch) stays the command's own.
import {
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";
import type { Command } from "../../app/command.js";

export const COMMAND_NAME = "rdns";

/** Discord wants descriptions of 1-100 characters; help's one-liners start lower case. */
function description(text: string): string {
  return `${text[0]?.toUpperCase() ?? ""}${text.slice(1)}`;
}

export function buildRdnsCommand(commands: readonly Command[]): SlashCommandBuilder {
  const builder = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription("Check and watch the reverse DNS (PTR, FCrDNS, HELO) of mail-sending IPs")
    .setContexts(InteractionContextType.Guild);
  for (const command of commands) {
    builder.addSubcommand((sub) => {
      sub.setName(command.name).setDescription(description(command.summary));
      for (const option of command.options) {
        sub.addStringOption((o) => {
          o.setName(option.name).setDescription(option.description).setRequired(option.required);
          if (option.minLength !== undefined) o.setMinLength(option.minLength);
          if (option.maxLength !== undefined) o.setMaxLength(option.maxLength);
          return o;
        });
      }
      return sub;
    });
  }
  return builder;
}

/** The JSON body for PUT applications/{id}/commands (or the guild variant). */
export function commandDefinitions(
  commands: readonly Command[],
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [buildRdnsCommand(commands).toJSON()];
}

// The /rdns slash command as Discord registers it, derived from the commands' own declarations
// (commands/*.ts): one subcommand per command, one string option per declared option, with the
// declared length limits, which Discord checks before the request is sent. The real parsing (is
// it an IP, a range small enough to watch) stays the command's own.
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";
import type { Command } from "../../app/command.js";
import { completesAddress } from "../../app/complete.js";

export const COMMAND_NAME = "rdns";
/** The message context-menu command (ask.ts). */
export const CHECK_MESSAGE_COMMAND = "Check with rdns";

/** Discord wants descriptions of 1-100 characters; help's one-liners start lower case. */
function description(text: string): string {
  return `${text[0]?.toUpperCase() ?? ""}${text.slice(1)}`;
}

export function buildRdnsCommand(commands: readonly Command[]): SlashCommandBuilder {
  const builder = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription("Check and watch the reverse DNS (PTR, FCrDNS, HELO) of mail-sending IPs")
    // In servers and in a DM with the bot; installable on a server or by a person (user install).
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall);
  for (const command of commands) {
    builder.addSubcommand((sub) => {
      sub.setName(command.name).setDescription(description(command.summary));
      for (const option of command.options) {
        sub.addStringOption((o) => {
          o.setName(option.name).setDescription(option.description).setRequired(option.required);
          if (option.minLength !== undefined) o.setMinLength(option.minLength);
          if (option.maxLength !== undefined) o.setMaxLength(option.maxLength);
          // The channel's watched addresses and open chains as they are typed (autocomplete.ts).
          if (completesAddress(command.name, option.name)) o.setAutocomplete(true);
          return o;
        });
      }
      return sub;
    });
  }
  return builder;
}

/**
 * "Check with rdns" on any message (a message context-menu command, type 3): in servers, in a DM
 * with the bot, and (user install) in group DMs and servers the bot is not in, where it answers
 * privately (ask.ts).
 */
export function buildCheckMessageCommand(): ContextMenuCommandBuilder {
  return new ContextMenuCommandBuilder()
    .setName(CHECK_MESSAGE_COMMAND)
    .setType(ApplicationCommandType.Message)
    .setContexts(
      InteractionContextType.Guild,
      InteractionContextType.BotDM,
      InteractionContextType.PrivateChannel,
    )
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall);
}

/** The JSON body for PUT applications/{id}/commands (or the guild variant). */
export function commandDefinitions(commands: readonly Command[]): RESTPostAPIApplicationCommandsJSONBody[] {
  return [buildRdnsCommand(commands).toJSON(), buildCheckMessageCommand().toJSON()];
}

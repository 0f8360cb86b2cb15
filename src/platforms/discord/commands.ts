// The /rdns slash command as Discord registers it. Discord validates option lengths before the
// request is sent, so a too-long or empty address never reaches us; the real parsing (is it an
// IP, a range small enough to watch) is the platform-neutral commands/ code's job.
import {
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";

export const COMMAND_NAME = "rdns";

/** Longest textual IPv6 address with an embedded IPv4 (45) plus a prefix "/128". */
const MAX_ADDRESS = 49;
/** RFC 1035 2.3.4: a domain name is at most 253 characters in text form. */
const MAX_NAME = 253;

export function buildRdnsCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription("Check and watch the reverse DNS (PTR, FCrDNS, HELO) of mail-sending IPs")
    .setContexts(InteractionContextType.Guild);
  command.addSubcommand((sub) =>
    sub
      .setName("check")
      .setDescription(
        "Check an IP's PTR, forward-confirmed rDNS and HELO the way Gmail, Microsoft and Yahoo do",
      )
      .addStringOption((o) =>
        o
          .setName("ip")
          .setDescription("The sending IP, e.g. 203.0.113.5 or 2001:db8::25")
          .setRequired(true)
          .setMinLength(2)
          .setMaxLength(MAX_ADDRESS),
      )
      .addStringOption((o) =>
        o
          .setName("helo")
          .setDescription("The name the server announces in EHLO/HELO, e.g. mail.example.com")
          .setRequired(false)
          .setMinLength(1)
          .setMaxLength(MAX_NAME),
      ),
  );
  command.addSubcommand((sub) =>
    sub
      .setName("watch")
      .setDescription("Watch an IP or a small range here; this channel is told when one breaks or recovers")
      .addStringOption((o) =>
        o
          .setName("range")
          .setDescription("An IP or CIDR range, e.g. 203.0.113.0/28")
          .setRequired(true)
          .setMinLength(2)
          .setMaxLength(MAX_ADDRESS),
      ),
  );
  command.addSubcommand((sub) =>
    sub
      .setName("unwatch")
      .setDescription("Stop watching an IP or range in this channel")
      .addStringOption((o) =>
        o
          .setName("range")
          .setDescription("The IP or range as it was watched, e.g. 203.0.113.0/28")
          .setRequired(true)
          .setMinLength(2)
          .setMaxLength(MAX_ADDRESS),
      ),
  );
  command.addSubcommand((sub) => sub.setName("watches").setDescription("List what this channel watches"));
  command.addSubcommand((sub) => sub.setName("help").setDescription("How to use /rdns, with examples"));
  return command;
}

/** The JSON body for PUT applications/{id}/commands (or the guild variant). */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [buildRdnsCommand().toJSON()];
}

// Registering /rdns with Discord (what `npm run discord:register` runs) and the invite URL.
// Guild commands appear at once (use them while developing); global ones reach every server the
// bot is in (Discord API docs, "Registering a Command").
import {
  DiscordAPIError,
  HTTPError,
  OAuth2Scopes,
  PermissionFlagsBits,
  PermissionsBitField,
  REST,
  Routes,
} from "discord.js";
import type { Command } from "../../app/command.js";
import { loadCommands } from "../../app/load-commands.js";
import { commandDefinitions } from "./commands.js";

/** What the bot needs in a channel: read it, answer, open threads on messages and post in them. */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.ReadMessageHistory,
]).freeze();

export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(" "),
    permissions: BOT_PERMISSIONS.bitfield.toString(),
    integration_type: "0",
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** Register in this server only (instant); without it, globally. */
  guildId?: string;
  /** REST base (DISCORD_API_URL), for tests. */
  apiUrl?: string;
  /** The declared commands (default: the ones in commands/). */
  commands?: readonly Command[];
}

/** PUT replaces the application's whole command list, so re-running it is safe. */
export async function registerCommands(
  options: RegisterOptions,
): Promise<{ scope: string; names: string[] }> {
  const rest = new REST(options.apiUrl !== undefined ? { api: options.apiUrl } : {}).setToken(options.token);
  const route =
    options.guildId !== undefined
      ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
      : Routes.applicationCommands(options.applicationId);
  const body = commandDefinitions(options.commands ?? (await loadCommands()));
  let saved: { name: string }[];
  try {
    saved = (await rest.put(route, { body })) as { name: string }[];
  } catch (error) {
    throw new Error(registrationFailure(error, options), { cause: error });
  }
  return {
    scope: options.guildId !== undefined ? `server ${options.guildId}` : "every server (global)",
    names: saved.map((command) => command.name),
  };
}

/** What a refused registration means, naming the variable to fix. */
function registrationFailure(error: unknown, options: RegisterOptions): string {
  const status = error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : undefined;
  const said = error instanceof Error ? error.message : String(error);
  if (status === 401) {
    return `Discord refused DISCORD_TOKEN (401 ${said}): copy the bot token again from the Developer Portal (Bot page)`;
  }
  if (status === 403 && options.guildId !== undefined) {
    return `the bot may not add commands in server ${options.guildId} (403 ${said}): invite it with the applications.commands scope, or check DISCORD_GUILD_ID`;
  }
  if (status === 404) {
    const which =
      options.guildId !== undefined
        ? `DISCORD_APPLICATION_ID (${options.applicationId}) or DISCORD_GUILD_ID (${options.guildId})`
        : `DISCORD_APPLICATION_ID (${options.applicationId})`;
    return `Discord does not know ${which} (404 ${said}): copy the Application ID from the Developer Portal (General Information page)`;
  }
  return `registering /rdns failed (${said}): check DISCORD_API_URL (unset means https://discord.com/api) and the network`;
}

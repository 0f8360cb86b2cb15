// `npm run discord:register`: registers /rdns with Discord. Needs DISCORD_TOKEN and
// DISCORD_APPLICATION_ID; DISCORD_GUILD_ID registers in one server only (instant, for development).
import { ConfigError, loadConfig } from "../src/config.js";
import { inviteUrl, registerCommands } from "../src/platforms/discord/register.js";

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.DISCORD_TOKEN === undefined || config.DISCORD_APPLICATION_ID === undefined) {
    throw new ConfigError(
      "set DISCORD_TOKEN (Bot page) and DISCORD_APPLICATION_ID (General Information page) from the Developer Portal",
    );
  }
  const result = await registerCommands({
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    ...(config.DISCORD_GUILD_ID !== undefined ? { guildId: config.DISCORD_GUILD_ID } : {}),
    ...(config.DISCORD_API_URL !== undefined ? { apiUrl: config.DISCORD_API_URL } : {}),
  });
  process.stdout.write(`registered /${result.names.join(", /")} in ${result.scope}\n`);
  process.stdout.write(`invite the bot: ${inviteUrl(config.DISCORD_APPLICATION_ID)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`discord:register: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

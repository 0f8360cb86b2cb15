// Discord as a platform module (src/platforms/platform-module.ts): on when DISCORD_TOKEN is set
// (docs/configuration.md); discord.js is loaded only when it is.
import { loadPlatformFactory } from "../load-platform.js";
import type { PlatformModule } from "../platform-module.js";

export const discordPlatform: PlatformModule = {
  name: "discord",
  enabled: (config) => config.DISCORD_TOKEN !== undefined,
  async create({ config, logger }) {
    const factory = await loadPlatformFactory("./discord/index.js", "createDiscordPlatform");
    return factory(config, logger);
  },
};

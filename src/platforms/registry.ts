// Which chat front ends run, from configuration (docs/operations.md "Processes"): every platform
// module that the configuration turns on (Slack when SLACK_BOT_TOKEN is set, Discord when
// DISCORD_TOKEN is set), the console when none is. A new platform is its folder (with its
// platform.ts) plus its entry in PLATFORMS below; docs/architecture.md "Adding a platform" lists
// what else names it.
import type { ChatPlatform, PlatformName } from "../chat/types.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { ConsoleOptions } from "./console/index.js";
import { consolePlatform } from "./console/platform.js";
import { discordPlatform } from "./discord/platform.js";
import type { PlatformModule } from "./platform-module.js";
import { slackPlatform } from "./slack/platform.js";

export { loadPlatformFactory, type PlatformFactory } from "./load-platform.js";

/**
 * Every platform, in start order. A Record over PlatformName, so a name added to the chat
 * contract's union without a module here (or a module under a name not in it) does not compile.
 */
const PLATFORMS: Readonly<Record<PlatformName, PlatformModule>> = {
  slack: slackPlatform,
  discord: discordPlatform,
  console: consolePlatform,
};

/** Every platform's name (the ops server shows each one's delivery queue). */
export const PLATFORM_NAMES: readonly PlatformName[] = Object.values(PLATFORMS).map((module) => module.name);

/** The platforms this configuration turns on, in start order. */
export function selectPlatforms(config: Config): PlatformName[] {
  const modules = Object.values(PLATFORMS);
  const chosen = modules.filter((module) => module.enabled(config) === true);
  const started =
    chosen.length > 0 ? chosen : modules.filter((module) => module.enabled(config) === "fallback");
  return started.map((module) => module.name);
}

export async function createPlatforms(
  config: Config,
  logger: Logger,
  consoleOptions: ConsoleOptions,
): Promise<ChatPlatform[]> {
  const platforms: ChatPlatform[] = [];
  for (const name of selectPlatforms(config)) {
    platforms.push(await PLATFORMS[name].create({ config, logger, terminal: consoleOptions }));
  }
  return platforms;
}

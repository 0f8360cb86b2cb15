// Which chat front ends run, from configuration (docs/operations.md "Processes"): Slack when
// SLACK_BOT_TOKEN is set, Discord when DISCORD_TOKEN is set, the console when neither is.
// A new platform is one folder in src/platforms/ plus one line in FACTORIES.

import type { ChatPlatform, PlatformName } from "../chat/types.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { type ConsoleOptions, createConsolePlatform } from "./console/index.js";

export type PlatformFactory = (config: Config, logger: Logger) => ChatPlatform | Promise<ChatPlatform>;

/**
 * Loads a platform module only when it is used (so `rdns worker` never loads Bolt or discord.js).
 * Only the platform's own module being absent means "not in this build"; a module it needs that
 * is missing (a dependency not installed) is reported as that, with the real error.
 */
export async function loadPlatformFactory(specifier: string, exportName: string): Promise<PlatformFactory> {
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const missing = /Cannot find (?:module|package) '([^']+)'|Failed to load url (\S+)/.exec(message);
    if (code === "ERR_MODULE_NOT_FOUND" || missing !== null) {
      const name = missing?.[1] ?? missing?.[2] ?? "";
      const wanted = new URL(specifier, import.meta.url).pathname.replace(/\.js$/, "");
      if (name.replace(/^file:\/\//, "").replace(/\.(js|ts)$/, "") === wanted) {
        throw new Error(`${specifier} is not in this build: this platform cannot start`, { cause: error });
      }
      throw new Error(`${specifier} cannot load: ${message} (run \`npm ci\` in the rdns-bot folder)`, {
        cause: error,
      });
    }
    throw error;
  }
  const factory = module[exportName];
  if (typeof factory !== "function") throw new Error(`${specifier} does not export ${exportName}()`);
  return factory as PlatformFactory;
}

const FACTORIES: Record<Exclude<PlatformName, "console">, () => Promise<PlatformFactory>> = {
  slack: () => loadPlatformFactory("./slack/index.js", "createSlackPlatform"),
  discord: () => loadPlatformFactory("./discord/index.js", "createDiscordPlatform"),
};

/** The platforms this configuration turns on, in start order. */
export function selectPlatforms(config: Config): PlatformName[] {
  const chosen: PlatformName[] = [];
  if (config.SLACK_BOT_TOKEN !== undefined) chosen.push("slack");
  if (config.DISCORD_TOKEN !== undefined) chosen.push("discord");
  return chosen.length > 0 ? chosen : ["console"];
}

export async function createPlatforms(
  config: Config,
  logger: Logger,
  consoleOptions: ConsoleOptions,
): Promise<ChatPlatform[]> {
  const platforms: ChatPlatform[] = [];
  for (const name of selectPlatforms(config)) {
    if (name === "console") platforms.push(createConsolePlatform({ logger, ...consoleOptions }));
    else platforms.push(await (await FACTORIES[name]())(config, logger));
  }
  return platforms;
}

// What a platform folder tells the rest of the bot about itself (src/platforms/registry.ts): its
// name, whether a configuration turns it on, and how to create it. A folder's `platform.ts` holds
// this and imports no SDK, so choosing platforms never loads Bolt or discord.js; `create` loads the
// platform's module (and its SDK) only when the platform is used. Its readiness is the created
// platform's own `ready()` (the ChatPlatform contract, src/chat/types.ts).
import type { ChatPlatform, PlatformName } from "../chat/types.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { ConsoleOptions } from "./console/index.js";

export interface PlatformContext {
  config: Config;
  logger: Logger;
  /** The terminal, for the console (the one platform that talks to it). */
  terminal: ConsoleOptions;
}

export interface PlatformModule {
  readonly name: PlatformName;
  /**
   * Whether this configuration turns the platform on (from its variables, read with every
   * other one by src/config.ts). "fallback": on only when no other platform is.
   */
  enabled(config: Config): boolean | "fallback";
  create(context: PlatformContext): Promise<ChatPlatform>;
}

// Loads a platform's module only when the platform is used, so `rdns worker` never loads Bolt or
// discord.js (src/platforms/<name>/platform.ts calls it from its `create`).
import type { ChatPlatform } from "../chat/types.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";

export type PlatformFactory = (config: Config, logger: Logger) => ChatPlatform | Promise<ChatPlatform>;

/**
 * `specifier` is relative to src/platforms/ (e.g. "./slack/index.js"). Only the platform's own
 * module being absent means "not in this build"; a module it needs that
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

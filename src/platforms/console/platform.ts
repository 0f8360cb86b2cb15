// The console as a platform module (src/platforms/platform-module.ts): the chat on the terminal,
// on when no other platform is.
import type { PlatformModule } from "../platform-module.js";
import { createConsolePlatform } from "./index.js";

export const consolePlatform: PlatformModule = {
  name: "console",
  enabled: () => "fallback",
  async create({ logger, terminal }) {
    return createConsolePlatform({ logger, ...terminal });
  },
};

// Slack as a platform module (src/platforms/platform-module.ts): on when SLACK_BOT_TOKEN is set
// (docs/configuration.md); Bolt is loaded only when it is.
import { loadPlatformFactory } from "../load-platform.js";
import type { PlatformModule } from "../platform-module.js";

export const slackPlatform: PlatformModule = {
  name: "slack",
  enabled: (config) => config.SLACK_BOT_TOKEN !== undefined,
  async create({ config, logger }) {
    const factory = await loadPlatformFactory("./slack/index.js", "createSlackPlatform");
    return factory(config, logger);
  },
};

// Which way Slack reaches us: Socket Mode when SLACK_APP_TOKEN is set (no public URL needed),
// otherwise the HTTP receiver on SLACK_PORT at /slack/events, every request verified with the signing
// secret (v0 HMAC-SHA256 of `v0:timestamp:body`; timestamps more than 5 minutes away from our
// clock, past (Bolt) or future (future-timestamp.ts), refused: 401).
import { HTTPReceiver, type Logger as SlackLogger, SocketModeReceiver } from "@slack/bolt";
import { type Config, ConfigError } from "../../config.js";
import type { Logger } from "../../log.js";
import { refuseFutureRequests } from "./future-timestamp.js";

export const EVENTS_PATH = "/slack/events";

export type SlackMode = "http" | "socket";

export interface SlackSettings {
  mode: SlackMode;
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string;
}

/** Checks the Slack variables together; errors name the variable to set and where to find it. */
export function slackSettings(config: Config): SlackSettings {
  const botToken = config.SLACK_BOT_TOKEN;
  if (botToken === undefined) {
    throw new ConfigError(
      "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from the app's OAuth & Permissions page",
    );
  }
  if (config.SLACK_APP_TOKEN !== undefined) {
    if (!config.SLACK_APP_TOKEN.startsWith("xapp-")) {
      throw new ConfigError(
        "SLACK_APP_TOKEN must be an app-level token (xapp-...) with the connections:write scope (Basic Information, App-Level Tokens)",
      );
    }
  } else if (config.SLACK_SIGNING_SECRET === undefined) {
    throw new ConfigError(
      "SLACK_SIGNING_SECRET is not set: the HTTP receiver needs the app's Signing Secret (Basic Information, App Credentials); or set SLACK_APP_TOKEN to use Socket Mode",
    );
  }
  const apiUrl = config.SLACK_API_URL ?? "https://slack.com/api/";
  try {
    new URL(apiUrl);
  } catch {
    throw new ConfigError(
      `SLACK_API_URL is not a URL: ${JSON.stringify(apiUrl)} (e.g. https://slack.com/api/)`,
    );
  }
  return {
    mode: config.SLACK_APP_TOKEN === undefined ? "http" : "socket",
    botToken,
    signingSecret: config.SLACK_SIGNING_SECRET,
    appToken: config.SLACK_APP_TOKEN,
    apiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`,
  };
}

export function createReceiver(
  settings: SlackSettings,
  port: number,
  logger: SlackLogger,
  log: Pick<Logger, "warn">,
): HTTPReceiver | SocketModeReceiver {
  if (settings.mode === "socket") {
    return new SocketModeReceiver({
      appToken: settings.appToken as string,
      logger,
      // apps.connections.open goes to SLACK_API_URL too (GovSlack, tests).
      installerOptions: { clientOptions: { slackApiUrl: settings.apiUrl } },
    });
  }
  const receiver = new HTTPReceiver({
    signingSecret: settings.signingSecret as string,
    endpoints: EVENTS_PATH,
    port,
    logger,
    // Acknowledge as soon as the listener calls ack(); the work after it is not on Slack's clock.
    processBeforeResponse: false,
  });
  refuseFutureRequests(receiver, log);
  return receiver;
}

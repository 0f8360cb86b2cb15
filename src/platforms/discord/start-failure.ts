// Start-up failures of the Discord adapter, as errors an operator can act on: each names the
// variable or the Developer Portal setting to fix.
import { GatewayCloseCodes } from "discord.js";
import { ConfigError } from "../../config.js";

/** A failure to reach Discord at all names where it was asked: DISCORD_API_URL (or the network). */
function startFailure(error: unknown, apiUrl: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/DISCORD_(TOKEN|API_URL)/.test(message)) return message;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? message;
  return `could not connect to Discord at ${apiUrl ?? "https://discord.com/api"} (${detail}): check DISCORD_API_URL (unset means https://discord.com/api), the network and DISCORD_TOKEN`;
}

/**
 * Why login failed. @discordjs/ws rejects login with a bare message; the gateway's close code
 * (null when it never closed) says which fix applies.
 */
export function loginFailure(error: unknown, closeCode: number | null, apiUrl: string | undefined): Error {
  const code = (error as { code?: string }).code;
  if (code === "TokenInvalid" || closeCode === GatewayCloseCodes.AuthenticationFailed) {
    return new ConfigError(
      "Discord refused DISCORD_TOKEN: reset the bot token in the Developer Portal (Bot page) and set it again",
    );
  }
  if (closeCode === GatewayCloseCodes.DisallowedIntents) {
    return new ConfigError(
      "Discord refused the Message Content intent: switch on Message Content Intent under Privileged Gateway Intents on the Bot page of the Developer Portal",
    );
  }
  return new Error(startFailure(error, apiUrl), { cause: error });
}

// The discord.js Client as this bot needs it. `apiUrl` (DISCORD_API_URL) replaces the REST base;
// discord.js then asks that server for the gateway too: its WebSocketManager calls
// GET /gateway/bot through this same REST manager (@discordjs/ws fetchGatewayInformation) and
// connects to the `url` it returns, and resumes at READY's `resume_gateway_url`.
import { Client, GatewayIntentBits, Partials } from "discord.js";
import { rejectLongRateLimits } from "./errors.js";

export interface ClientSettings {
  /** REST base without the version, e.g. "https://discord.com/api" (the default). */
  apiUrl?: string;
}

export function createClient(settings: ClientSettings = {}): Client {
  return new Client({
    // Guilds: channels and threads in cache; GuildMessages + MessageContent (privileged, switch it
    // on in the Developer Portal): the text of pasted bounces.
    // DirectMessages: messages sent to the bot directly (asked of it, ask.ts).
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    // The default for everything discord.js sends; outbound.ts also sets it on each message.
    // An interaction's channel is built from the interaction's own payload when not cached (a
    // thread the bot never saw), so `channel.isThread()` is known without a fetch.
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    // Short rate limits are waited out by discord.js, per route; long ones are thrown back to the
    // delivery queue (errors.ts) so a job does not sit on its lock.
    rest: {
      rejectOnRateLimit: rejectLongRateLimits,
      ...(settings.apiUrl !== undefined ? { api: settings.apiUrl } : {}),
    },
  });
}

// The discord.js Client as this bot needs it. `apiUrl` (DISCORD_API_URL) replaces the REST base;
// discord.js then asks that server for the gateway too: its WebSocketManager calls
// GET /gateway/bot through this same REST manager (@discordjs/ws fetchGatewayInformation) and
// connects to the `url` it returns, and resumes at READY's `resume_gateway_url`.
import { createRequire } from "node:module";
import { Client, GatewayIntentBits, Partials, type RESTOptions } from "discord.js";
import { rejectLongRateLimits } from "./errors.js";

/**
 * The REST manager's own HTTP agent, made by the undici that @discordjs/rest loads. Without one it
 * sends through undici's default agent, which lives in a global every undici in the process
 * shares (`Symbol.for("undici.globalDispatcher.1")`) and which the first undici loaded sets: in a
 * process that runs Slack too, Bolt's Socket Mode brings undici 7, whose agent cannot send the
 * multipart body of discord.js's undici 6 ("action is not a function"), so every message with a
 * file (a run summary's CSV, a cut status table) failed. Resolved from @discordjs/rest's own
 * folder, so it is the undici that package uses, wherever npm placed it.
 */
function restAgent(): NonNullable<RESTOptions["agent"]> {
  const here = createRequire(import.meta.url);
  const fromRest = createRequire(here.resolve("@discordjs/rest"));
  const { Agent } = fromRest("undici") as {
    Agent: new (options: { connect: { timeout: number } }) => NonNullable<RESTOptions["agent"]>;
  };
  // discord.js's own former default (30 s to connect).
  return new Agent({ connect: { timeout: 30_000 } });
}

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
      agent: restAgent(),
      rejectOnRateLimit: rejectLongRateLimits,
      ...(settings.apiUrl !== undefined ? { api: settings.apiUrl } : {}),
    },
  });
}

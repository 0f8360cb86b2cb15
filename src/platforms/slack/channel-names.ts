// Channel names for SUPPORT_CHANNELS entries given by name: Slack's message events carry only the
// channel id, so the name is asked for with conversations.info (scopes channels:read and
// groups:read, manifest.yml) and kept for a while, so a busy channel costs one call per period and
// a renamed one is seen within it. A failure (a missing scope, an unknown channel) is logged and
// counts as "no name" for a minute: ids in SUPPORT_CHANNELS keep working.
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../log.js";

/** How long a looked-up name is kept; a failed lookup (a 429 too) is tried again sooner. */
export const CHANNEL_NAME_TTL_MS = 10 * 60_000;
const FAILED_LOOKUP_TTL_MS = 60_000;

export function slackChannelNames(
  client: Pick<webApi.WebClient, "conversations">,
  logger: Logger,
  ttlMs = CHANNEL_NAME_TTL_MS,
): (channel: string) => Promise<string | null> {
  const known = new Map<string, { name: Promise<string | null>; until: number }>();
  return (channel) => {
    const now = Date.now();
    const cached = known.get(channel);
    if (cached !== undefined && cached.until > now) return cached.name;
    const entry = { name: Promise.resolve<string | null>(null), until: now + ttlMs };
    entry.name = client.conversations.info({ channel }).then(
      (answer) => answer.channel?.name ?? null,
      (error: unknown) => {
        entry.until = Math.min(entry.until, Date.now() + FAILED_LOOKUP_TTL_MS);
        const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
        logger.warn(
          { channel, err: code },
          "could not tell the channel's name for SUPPORT_CHANNELS (needs channels:read and groups:read); list it by id",
        );
        return null;
      },
    );
    known.set(channel, entry);
    return entry.name;
  };
}

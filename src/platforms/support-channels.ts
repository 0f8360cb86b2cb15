// Which channels pasted bounces are read in, the same rule on every platform
// (docs/chat-commands.md "Pasted bounces"): a SUPPORT_CHANNELS entry names a channel by its id, by
// `<platform>:<id>` (one list shared by a Slack and a Discord bot), by its name, or by `#name`.
import type { PlatformName } from "../chat/types.js";

export interface SupportChannels {
  /** Whether some entry could only match a channel's name (a platform may need to look it up). */
  readonly namesListed: boolean;
  /** Whether the channel with this id (and this name, when known) is a support channel. */
  has(id: string, name?: string | null): boolean;
}

/**
 * `looksLikeId` tells this platform's channel ids (Slack `C0123ABCD`, Discord snowflakes) from
 * names, so a platform that must ask for a channel's name asks only when a name is listed.
 */
export function supportChannels(
  entries: readonly string[],
  platform: PlatformName,
  looksLikeId: (entry: string) => boolean,
): SupportChannels {
  const listed = new Set(entries.map((entry) => entry.trim()).filter((entry) => entry !== ""));
  const names = new Set([...listed].map((entry) => entry.replace(/^#/, "").toLowerCase()));
  return {
    namesListed: [...listed].some((entry) => !/^[a-z]+:/.test(entry) && !looksLikeId(entry)),
    has(id, name = null) {
      if (listed.has(id) || listed.has(`${platform}:${id}`)) return true;
      return name !== null && names.has(name.replace(/^#/, "").toLowerCase());
    },
  };
}

// Discord reply addresses, as plain strings a queued job can carry (src/chat/types.ts):
//   discord:<channelId>              a channel or a thread (threads are channels on Discord)
//   discord:<channelId>:<messageId>  one message in a channel or thread
// A thread started from a message has the message's id as its own id (Discord API, "Start Thread
// from Message"), so `discord:<c>:<m>` also names the thread that hangs off that message.

export type DiscordAddress =
  | { kind: "channel"; channelId: string }
  | { kind: "message"; channelId: string; messageId: string };

const SNOWFLAKE = /^\d{15,21}$/;

export function channelAddress(channelId: string): string {
  return `discord:${channelId}`;
}

export function messageAddress(channelId: string, messageId: string): string {
  return `discord:${channelId}:${messageId}`;
}

/** Parses an address made by this platform; also accepts a bare channel id (as `post` receives). */
export function parseAddress(address: string): DiscordAddress {
  const parts = address.startsWith("discord:") ? address.slice("discord:".length).split(":") : [address];
  if (parts.every((part) => SNOWFLAKE.test(part))) {
    if (parts.length === 1) return { kind: "channel", channelId: parts[0] as string };
    if (parts.length === 2) {
      return { kind: "message", channelId: parts[0] as string, messageId: parts[1] as string };
    }
  }
  // permanent: a delivery to an address that cannot be parsed will never succeed (DeliveryErrorHints).
  throw Object.assign(
    new Error(
      `not a Discord address: ${JSON.stringify(address)} (expected discord:<channelId> or discord:<channelId>:<messageId>)`,
    ),
    { permanent: true },
  );
}

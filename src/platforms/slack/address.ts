// Slack reply addresses (src/chat/types.ts ReplyAddress): `slack:<channel>:<ts>`, where ts is
// the message's timestamp id ("1700000000.000100"); a thread is named by its parent's ts.
import type { ReplyAddress } from "../../chat/types.js";

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

const CHANNEL = /^[A-Z0-9]{2,}$/;
const TS = /^\d{1,12}\.\d{1,9}$/;

export function formatSlackAddress(ref: SlackMessageRef): ReplyAddress {
  return `slack:${ref.channel}:${ref.ts}`;
}

/** Parses an address this platform made; throws a plain Error naming the bad address otherwise. */
export function parseSlackAddress(address: ReplyAddress): SlackMessageRef {
  const [platform, channel, ts, ...rest] = address.split(":");
  if (platform !== "slack" || channel === undefined || ts === undefined || rest.length > 0) {
    throw new Error(
      `not a Slack reply address: ${JSON.stringify(address)} (expected slack:C123:1700000000.000100)`,
    );
  }
  if (!CHANNEL.test(channel) || !TS.test(ts)) {
    throw new Error(`malformed Slack reply address: ${JSON.stringify(address)}`);
  }
  return { channel, ts };
}

// "A channel's watches changed", told to every bot process. The Slack App Home of a person shows
// the watches of their channels; a change can happen in any process (a command handled by one
// bot, a watch notice posted by another's delivery worker), and each process keeps its own list
// of the Homes it follows. So a change is PUBLISHed, and every bot process subscribed tells its
// platforms (ChatPlatform.watchesChanged), which refresh after their own debounce. Best effort:
// a Home missed here is right again the next time its person opens it.

import type { ChatPlatform } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import type { Logger } from "../log.js";
import type { RedisClient } from "../redis-client.js";

/**
 * Says that the watches of `channelKey` (`slack:C0123`, src/store/watches.ts channelKey) changed.
 * Never throws: a refresh missed is not worth failing the command or the delivery it follows.
 */
export async function announceWatchChange(
  redis: RedisClient,
  keys: StoreKeys,
  channelKey: string,
  logger: Logger,
): Promise<void> {
  await redis
    .publish(keys.watchChangedChannel, channelKey)
    .catch((err: unknown) => logger.info({ err, channel: channelKey }, "could not announce a watch change"));
}

/**
 * Subscribes `subscriber` (a connection that runs nothing else) and hands each announced change
 * to the platform of this process it belongs to. Returns the unsubscribe.
 */
export async function listenForWatchChanges(
  subscriber: RedisClient,
  keys: StoreKeys,
  platforms: readonly ChatPlatform[],
): Promise<() => Promise<void>> {
  subscriber.on("message", (channel: string, channelKey: string) => {
    if (channel !== keys.watchChangedChannel) return;
    const colon = channelKey.indexOf(":");
    if (colon < 0) return;
    const name = channelKey.slice(0, colon);
    for (const platform of platforms)
      if (platform.name === name) platform.watchesChanged?.(channelKey.slice(colon + 1));
  });
  await subscriber.subscribe(keys.watchChangedChannel);
  return async () => {
    await subscriber.unsubscribe(keys.watchChangedChannel).catch(() => undefined);
  };
}

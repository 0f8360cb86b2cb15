// The App Home tab (docs/chat-commands.md "App Home"): `app_home_opened` -> views.publish of the
// watched addresses of the channels the person is in, refreshed (debounced) when a watch changes.
//
// Which channels a person is in: users.conversations needs the person's own token, which a bot
// does not have. With the bot token, the channels that watch something (the store's index) are
// each asked conversations.members (channels:read, groups:read; Tier 4), and the member lists are
// kept for MEMBERS_TTL_MS, so opening the Home costs one call per watching channel at most every
// few minutes, whatever the number of people. A channel the bot cannot list (not a member) is
// left out. Rate limits: views.publish is Tier 4 per workspace; a 429 is waited out for the time
// Slack asks (Retry-After), and publishes per person are debounced (REFRESH_DEBOUNCE_MS).
import type { App, BlockAction, ButtonAction as SlackButton, webApi } from "@slack/bolt";
import type { InboundHandlers } from "../../chat/types.js";
import type { Logger } from "../../log.js";
import { registerHomeRecheck } from "./home-recheck.js";
import { HOME_SERVERS_ACTION, homeBlocks } from "./home-view.js";
import type { ClaimOnce } from "./once.js";
import { type SlackSender, toDeliveryError } from "./outbound.js";
import { withRateLimitWait } from "./rate-limit-wait.js";

type WebClient = InstanceType<typeof webApi.WebClient>;

const MEMBERS_TTL_MS = 5 * 60_000;
export const REFRESH_DEBOUNCE_MS = 5_000;
/** A Home published longer ago than this is not refreshed on changes (it is on the next open). */
const FOLLOW_MS = 24 * 3600_000;

export interface HomeDeps {
  handlers: () => InboundHandlers;
  client: WebClient;
  sender: SlackSender;
  claimOnce: ClaimOnce;
  serversUrl: string | null;
  logger: Logger;
  debounceMs?: number;
}

export interface HomeTab {
  /** A watch of this channel changed: refresh the Homes of its members (debounced). */
  changed(channel: string): void;
  /** Publishes one person's Home now. */
  publish(user: string): Promise<{ blocks: number; ms: number }>;
  stop(): void;
}

export function registerHome(app: App, deps: HomeDeps): HomeTab {
  const members = new Map<string, { at: number; users: Promise<Set<string>> }>();
  const followed = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();

  const membersOf = (channel: string): Promise<Set<string>> => {
    const cached = members.get(channel);
    if (cached !== undefined && Date.now() - cached.at < MEMBERS_TTL_MS) return cached.users;
    const users = listMembers(deps.client, channel).catch((error: unknown) => {
      deps.logger.info({ err: error, channel }, "cannot list the channel's members; left out of Homes");
      return new Set<string>();
    });
    members.set(channel, { at: Date.now(), users });
    return users;
  };

  const publish = async (user: string) => {
    const started = performance.now();
    const view = await deps.handlers().onHome?.({
      platform: "slack",
      user,
      isMember: async (channel) => (await membersOf(channel)).has(user),
    });
    if (view === undefined) return { blocks: 0, ms: 0 };
    const blocks = homeBlocks(view, deps.serversUrl);
    await withRateLimitWait(() =>
      deps.client.views
        .publish({ user_id: user, view: { type: "home", blocks } })
        .catch((error: unknown) => Promise.reject(toDeliveryError(error, "views.publish"))),
    );
    followed.set(user, Date.now());
    return { blocks: blocks.length, ms: performance.now() - started };
  };

  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    await publish(event.user).catch((error: unknown) =>
      deps.logger.warn({ err: error, user: event.user }, "could not publish the Home tab"),
    );
  });

  app.action<BlockAction<SlackButton>>(HOME_SERVERS_ACTION, async ({ ack }) => {
    await ack(); // a link button: Slack opens the URL, the press only needs its ack
  });

  registerHomeRecheck(app, deps);

  const debounce = deps.debounceMs ?? REFRESH_DEBOUNCE_MS;
  return {
    publish,
    changed(channel) {
      members.delete(channel); // a new watch may be in a channel not listed before
      for (const [user, at] of followed) {
        if (Date.now() - at > FOLLOW_MS) {
          followed.delete(user);
          continue;
        }
        if (timers.has(user)) continue;
        timers.set(
          user,
          setTimeout(() => {
            timers.delete(user);
            void membersOf(channel)
              .then((users) => (users.has(user) ? publish(user) : undefined))
              .catch((error: unknown) =>
                deps.logger.warn({ err: error, user }, "could not refresh the Home tab"),
              );
          }, debounce),
        );
      }
    },
    stop() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Every member of a channel (conversations.members, paged). */
async function listMembers(client: WebClient, channel: string): Promise<Set<string>> {
  const users = new Set<string>();
  let cursor: string | undefined;
  do {
    const from = cursor;
    // A 429 (many watching channels at once) is waited out for Slack's Retry-After.
    const page = await withRateLimitWait(() =>
      client.conversations
        .members({ channel, limit: 1000, ...(from ? { cursor: from } : {}) })
        .catch((error: unknown) => Promise.reject(toDeliveryError(error, "conversations.members"))),
    );
    for (const id of page.members ?? []) users.add(id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor !== undefined);
  return users;
}

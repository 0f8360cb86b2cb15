// The routes of the fake Discord REST API (paths without /api/v10), as Discord documents them:
// gateway discovery, interaction callbacks and the interaction webhook, channel messages,
// threads from messages, application commands, and attachment downloads.
import { type FakeRest, type RestWorld, type Route, snowflake } from "./rest.js";

export function discordRoutes(rest: FakeRest, world: RestWorld): Route[] {
  return [
    [
      "GET",
      /^\/gateway\/bot$/,
      () => [
        200,
        {
          url: world.gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        },
      ],
    ],
    [
      "POST",
      /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
      ([, token], body) => {
        const channelId = world.interactionChannels.get(token as string);
        if (channelId === undefined) return [404, { code: 10062, message: "Unknown interaction" }];
        if (body?.type === 8) {
          // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: at most 25 choices, answered once.
          const choices = (body.data as { choices?: { name: string; value: string }[] })?.choices ?? [];
          if (choices.length > 25) return [400, { code: 50035, message: "Invalid Form Body" }];
          rest.autocompleteAnswers.set(token as string, { choices, at: performance.now() });
          return [204, null];
        }
        if (rest.originals.has(token as string)) {
          return [400, { code: 40060, message: "Interaction has already been acknowledged." }];
        }
        const data = (body?.data ?? {}) as Record<string, unknown>;
        const component = rest.componentMessages.get(token as string);
        if (component !== undefined) {
          // Component interactions: type 6 (DEFERRED_UPDATE_MESSAGE) and 7 (UPDATE_MESSAGE) make
          // the message the button is on the original response; no placeholder is shown.
          if (body?.type !== 6 && body?.type !== 7 && body?.type !== 4 && body?.type !== 5) {
            return [400, { code: 50035, message: "Invalid interaction response type" }];
          }
          if (body?.type === 6 || body?.type === 7) {
            if (body.type === 7) rest.editMessage(component, data);
            rest.originals.set(token as string, component);
            return [204, null];
          }
        }
        // Type 5 (deferred) shows "thinking" as the original response, flag 128 (LOADING).
        const original = rest.createMessage(
          channelId,
          {},
          {
            flags: ((data.flags as number | undefined) ?? 0) | 128,
            webhook_id: world.applicationId,
            type: 20,
          },
        );
        rest.originals.set(token as string, original.id);
        return [204, null];
      },
    ],
    [
      "PATCH",
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      ([, token], body) => {
        // As Discord does: an edited original is no longer "thinking", so later follow-ups are
        // messages of their own.
        const original = rest.messages.get(rest.originals.get(token as string) ?? "");
        if (original !== undefined) original.flags &= ~128;
        return rest.editMessage(original?.id, body ?? {});
      },
    ],
    [
      // Edit Followup Message: a message this interaction's token sent.
      "PATCH",
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(\d+)$/,
      ([, token, id], body) => {
        const channelId = world.interactionChannels.get(token as string);
        if (channelId === undefined || rest.messages.get(id as string)?.channel_id !== channelId)
          return [404, { code: 10008, message: "Unknown Message" }];
        return rest.editMessage(id, body ?? {});
      },
    ],
    [
      "DELETE",
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      ([, token]) => {
        const id = rest.originals.get(token as string);
        if (id === undefined || !rest.messages.delete(id))
          return [404, { code: 10008, message: "Unknown Message" }];
        return [204, null];
      },
    ],
    [
      "POST",
      /^\/webhooks\/(\d+)\/([^/]+)$/,
      ([, token], body) => {
        const channelId = world.interactionChannels.get(token as string);
        if (channelId === undefined) return [401, { code: 50027, message: "Invalid Webhook Token" }];
        // As Discord does: the first follow-up after a defer replaces the "thinking" original and
        // keeps the original's visibility, whatever flags it asks for.
        const original = rest.messages.get(rest.originals.get(token as string) ?? "");
        if (original !== undefined && (original.flags & 128) !== 0) {
          original.flags &= ~128;
          return rest.editMessage(original.id, body ?? {});
        }
        return [200, rest.createMessage(channelId, body ?? {}, { webhook_id: world.applicationId })];
      },
    ],
    [
      "GET",
      /^\/channels\/(\d+)$/,
      ([id]) => {
        const channel = world.channels.get(id as string);
        return channel ? [200, channel] : [404, { code: 10003, message: "Unknown Channel" }];
      },
    ],
    [
      "POST",
      /^\/channels\/(\d+)\/messages$/,
      ([channelId], body) => {
        if (rest.closed.has(channelId as string)) return [403, { code: 50001, message: "Missing Access" }];
        if (!world.channels.has(channelId as string))
          return [404, { code: 10003, message: "Unknown Channel" }];
        // enforce_nonce: the same author and nonce within minutes returns the earlier message.
        if (body?.enforce_nonce === true && typeof body.nonce === "string") {
          const earlier = rest.botMessages().find((m) => m.nonce === body.nonce);
          if (earlier) return [200, earlier];
        }
        return [
          200,
          rest.createMessage(channelId as string, body ?? {}, {
            nonce: body?.nonce,
            // A reply (Discord: message_reference) names the message it answers.
            ...(body?.message_reference !== undefined ? { message_reference: body.message_reference } : {}),
          }),
        ];
      },
    ],
    ["PATCH", /^\/channels\/(\d+)\/messages\/(\d+)$/, ([, id], body) => rest.editMessage(id, body ?? {})],
    [
      "POST",
      /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/,
      ([channelId, messageId], body) => {
        if (rest.closed.has(channelId as string)) return [403, { code: 50001, message: "Missing Access" }];
        const parent = world.channels.get(channelId as string);
        const message = rest.messages.get(messageId as string);
        if (!parent || !message || message.channel_id !== channelId) {
          return [404, { code: 10008, message: "Unknown Message" }];
        }
        // A thread cannot hang off a thread's message, nor off a DM's.
        if (parent.type === 11 || parent.type === 1) {
          return [400, { code: 50024, message: "Cannot execute action on this channel type" }];
        }
        if (world.channels.has(messageId as string)) {
          return [400, { code: 160004, message: "A thread has already been created for this message" }];
        }
        const thread = {
          id: messageId,
          type: 11,
          guild_id: parent.guild_id,
          parent_id: channelId,
          name: body?.name,
          owner_id: world.botUser.id,
          thread_metadata: {
            archived: false,
            auto_archive_duration: body?.auto_archive_duration ?? 1440,
            locked: false,
          },
          message_count: 0,
          member_count: 1,
        };
        world.channels.set(thread.id as string, thread);
        return [201, thread];
      },
    ],
    [
      // Create DM: the bot's DM channel with a user (type 1).
      "POST",
      /^\/users\/@me\/channels$/,
      (_params, body) => {
        const recipient = String(body?.recipient_id ?? "");
        const id = `19${recipient.slice(2)}`;
        const channel = {
          id,
          type: 1,
          recipients: [{ id: recipient, username: "someone", discriminator: "0", avatar: null }],
        };
        world.channels.set(id, channel);
        return [200, channel];
      },
    ],
    // Bulk overwrite of application commands, global or per guild: echoes them back with ids.
    [
      "PUT",
      /^\/applications\/(\d+)(?:\/guilds\/\d+)?\/commands$/,
      (_params, body) => [
        200,
        ((body as unknown as Record<string, unknown>[] | null) ?? []).map((command) => ({
          ...command,
          id: snowflake(),
          application_id: world.applicationId,
          version: snowflake(),
        })),
      ],
    ],
    [
      "GET",
      /^\/attachments\/([\w.-]+)$/,
      ([name]) => {
        const file = rest.attachments.get(name as string);
        return file ? [200, file] : [404, { message: "no such file" }];
      },
    ],
  ];
}

// A fake Discord (REST + gateway) on loopback for the real discord.js: one guild with a support
// channel and a general channel. Point the client at `apiUrl` (Client `rest.api`); it finds the
// gateway through GET /gateway/bot like against discord.com.
import { FakeGateway } from "./gateway.js";
import { FakeRest, messageObject, snowflake } from "./rest.js";

export type { FakeMessage, RestRecord } from "./rest.js";

const USER = {
  id: "1100000000000000001",
  username: "alice",
  global_name: "Alice",
  discriminator: "0",
  avatar: null,
};

export class FakeDiscord {
  readonly applicationId = "1200000000000000001";
  readonly guildId = "1200000000000000002";
  readonly supportChannelId = "1200000000000000003";
  readonly generalChannelId = "1200000000000000004";
  readonly botUser = {
    id: this.applicationId,
    username: "rdns-bot",
    discriminator: "0",
    avatar: null,
    bot: true,
  };
  readonly channels = new Map<string, Record<string, unknown>>();
  private readonly interactionChannels = new Map<string, string>();
  readonly rest: FakeRest;
  readonly gateway: FakeGateway;
  apiUrl = "";

  constructor(options: { heartbeatIntervalMs?: number; refuseIdentify?: number } = {}) {
    for (const [id, name] of [
      [this.supportChannelId, "support"],
      [this.generalChannelId, "general"],
    ] as const) {
      this.channels.set(id, {
        id,
        type: 0,
        guild_id: this.guildId,
        name,
        position: 0,
        permission_overwrites: [],
      });
    }
    this.rest = new FakeRest({
      gatewayUrl: () => this.gateway.url,
      botUser: this.botUser,
      applicationId: this.applicationId,
      channels: this.channels,
      interactionChannels: this.interactionChannels,
    });
    this.gateway = new FakeGateway({
      ready: () => ({
        v: 10,
        user: this.botUser,
        guilds: [{ id: this.guildId, unavailable: true }],
        application: { id: this.applicationId, flags: 0 },
        shard: [0, 1],
      }),
      afterReady: () => [{ t: "GUILD_CREATE", d: this.guild() }],
      ...(options.heartbeatIntervalMs !== undefined
        ? { heartbeatIntervalMs: options.heartbeatIntervalMs }
        : {}),
      ...(options.refuseIdentify !== undefined ? { refuseIdentify: options.refuseIdentify } : {}),
    });
  }

  async start(): Promise<this> {
    await this.gateway.listen();
    this.apiUrl = `${await this.rest.listen()}/api`;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.gateway.close(), this.rest.close()]);
  }

  private guild(): Record<string, unknown> {
    return {
      id: this.guildId,
      name: "Mail Ops",
      icon: null,
      owner_id: USER.id,
      unavailable: false,
      member_count: 2,
      large: false,
      joined_at: new Date().toISOString(),
      features: [],
      roles: [
        {
          id: this.guildId,
          name: "@everyone",
          permissions: "1024",
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
        },
      ],
      emojis: [],
      stickers: [],
      channels: [...this.channels.values()].filter((c) => c.type === 0),
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      preferred_locale: "en-US",
    };
  }

  /** Dispatches `/rdns <sub> [options]` as INTERACTION_CREATE; returns the interaction id. */
  slashCommand(sub: string, options: Record<string, string> = {}, channelId = this.generalChannelId): string {
    const id = snowflake();
    const token = `token-${id}`;
    this.interactionChannels.set(token, channelId);
    this.gateway.dispatch("INTERACTION_CREATE", {
      id,
      application_id: this.applicationId,
      type: 2,
      token,
      version: 1,
      data: {
        id: "1200000000000000099",
        name: "rdns",
        type: 1,
        options: [
          {
            type: 1,
            name: sub,
            options: Object.entries(options).map(([name, value]) => ({ name, type: 3, value })),
          },
        ],
      },
      guild_id: this.guildId,
      channel_id: channelId,
      channel: this.channels.get(channelId),
      member: {
        user: USER,
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        permissions: "2147483647",
      },
      app_permissions: "2147483647",
      locale: "en-US",
      guild_locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { "0": this.guildId },
      context: 0,
    });
    return id;
  }

  /**
   * Dispatches a press of a button on one of the bot's messages as INTERACTION_CREATE type 3
   * (MESSAGE_COMPONENT), with the message as Discord sends it (components included) and the
   * channel it is in (a thread when the message is in one); returns the interaction id.
   */
  pressButton(messageId: string, customId: string, user: Record<string, unknown> = USER): string {
    const message = this.rest.messages.get(messageId);
    if (message === undefined) throw new Error(`no message ${messageId}`);
    const id = snowflake();
    const token = `token-${id}`;
    this.interactionChannels.set(token, message.channel_id);
    this.rest.componentMessages.set(token, messageId);
    this.gateway.dispatch("INTERACTION_CREATE", {
      id,
      application_id: this.applicationId,
      type: 3,
      token,
      version: 1,
      data: { custom_id: customId, component_type: 2 },
      message,
      guild_id: this.guildId,
      channel_id: message.channel_id,
      channel: this.channels.get(message.channel_id),
      member: {
        user,
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        permissions: "2147483647",
      },
      app_permissions: "2147483647",
      locale: "en-US",
      guild_locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { "0": this.guildId },
      context: 0,
    });
    return id;
  }

  /** An interaction's common fields, from a member of the guild, in `channelId`. */
  private interactionBase(
    id: string,
    token: string,
    channelId: string,
    context = 0,
  ): Record<string, unknown> {
    const inGuild = context === 0;
    return {
      id,
      application_id: this.applicationId,
      token,
      version: 1,
      ...(inGuild ? { guild_id: this.guildId } : {}),
      channel_id: channelId,
      channel: this.channels.get(channelId) ?? { id: channelId, type: context === 1 ? 1 : 3 },
      ...(inGuild
        ? {
            member: {
              user: USER,
              roles: [],
              joined_at: new Date().toISOString(),
              deaf: false,
              mute: false,
              flags: 0,
              permissions: "2147483647",
            },
          }
        : { user: USER }),
      app_permissions: "2147483647",
      locale: "en-US",
      ...(inGuild ? { guild_locale: "en-US" } : {}),
      entitlements: [],
      authorizing_integration_owners: inGuild ? { "0": this.guildId } : { "1": USER.id },
      context,
    };
  }

  /**
   * "Check with rdns" on message `messageId` (a message context-menu command: type 2, data type
   * 3, the message in `resolved.messages`). `context`: 0 a server, 1 a DM with the bot, 2 a
   * conversation of a user install (the bot is not in it). Returns the interaction's token.
   */
  messageCommand(messageId: string, channelId: string, context = 0): string {
    const message = this.rest.messages.get(messageId);
    if (message === undefined) throw new Error(`no message ${messageId}`);
    const id = snowflake();
    const token = `token-${id}`;
    this.interactionChannels.set(token, channelId);
    this.gateway.dispatch("INTERACTION_CREATE", {
      ...this.interactionBase(id, token, channelId, context),
      type: 2,
      data: {
        id: "1200000000000000098",
        name: "Check with rdns",
        type: 3,
        target_id: messageId,
        resolved: { messages: { [messageId]: message } },
      },
    });
    return token;
  }

  /** An autocomplete interaction (type 4) for `/rdns <sub>`'s option `option` typed so far. */
  autocomplete(sub: string, option: string, typed: string, channelId = this.generalChannelId): string {
    const id = snowflake();
    const token = `token-${id}`;
    this.interactionChannels.set(token, channelId);
    this.gateway.dispatch("INTERACTION_CREATE", {
      ...this.interactionBase(id, token, channelId),
      type: 4,
      data: {
        id: "1200000000000000099",
        name: "rdns",
        type: 1,
        options: [{ type: 1, name: sub, options: [{ name: option, type: 3, value: typed, focused: true }] }],
      },
    });
    return token;
  }

  /** A further text channel in the guild (CHANNEL_CREATE); returns its id. */
  addTextChannel(name: string): string {
    const channel = {
      id: snowflake(),
      type: 0,
      guild_id: this.guildId,
      name,
      position: this.channels.size,
      permission_overwrites: [],
    };
    this.channels.set(channel.id, channel);
    this.gateway.dispatch("CHANNEL_CREATE", channel);
    return channel.id;
  }

  /** A person opens a thread on their message `messageId` in `parentId` (THREAD_CREATE); its id. */
  openPersonThread(parentId: string, messageId: string, name = "a question"): string {
    const thread = {
      id: messageId,
      type: 11,
      guild_id: this.guildId,
      parent_id: parentId,
      name,
      owner_id: USER.id,
      thread_metadata: { archived: false, auto_archive_duration: 1440, locked: false },
      message_count: 0,
      member_count: 1,
      newly_created: true,
    };
    this.channels.set(thread.id, thread);
    this.gateway.dispatch("THREAD_CREATE", thread);
    return thread.id;
  }

  /** A person edits their message `id` (MESSAGE_UPDATE with the new content). */
  editMessage(id: string, content: string): void {
    const message = this.rest.messages.get(id);
    if (message === undefined) throw new Error(`no message ${id}`);
    const edited = { ...message, content, edited_timestamp: new Date().toISOString() };
    this.rest.addUserMessage(edited);
    this.gateway.dispatch("MESSAGE_UPDATE", { ...edited, guild_id: this.guildId });
  }

  /** Dispatches MESSAGE_CREATE (a person's message unless `author` says otherwise); returns its id. */
  postMessage(
    content: string,
    options: {
      channelId?: string;
      author?: Record<string, unknown>;
      /** `contentType`: the attachment's MIME type, message/rfc822 (an .eml) unless given. */
      attachments?: { name: string; content: Buffer; contentType?: string }[];
      /** The message mentions the bot. */
      mentionsBot?: boolean;
      /** Not in the guild: a DM channel (messages there carry no guild_id). */
      dm?: boolean;
    } = {},
  ): string {
    const id = snowflake();
    const author = options.author ?? USER;
    const attachments = (options.attachments ?? []).map((file) => {
      this.rest.attachments.set(file.name, file.content);
      return {
        id: snowflake(),
        filename: file.name,
        size: file.content.length,
        url: `${this.rest.url}/attachments/${file.name}`,
        proxy_url: `${this.rest.url}/attachments/${file.name}`,
        content_type: file.contentType ?? "message/rfc822",
      };
    });
    const message = messageObject({
      id,
      channel_id: options.channelId ?? this.supportChannelId,
      // As Discord sends a DM's message: no guild, and the channel's type (channel_type).
      ...(options.dm === true ? { channel_type: 1 } : { guild_id: this.guildId }),
      author,
      content,
      attachments,
      mentions: options.mentionsBot === true ? [this.botUser] : [],
    });
    this.rest.addUserMessage({ ...message, author });
    this.gateway.dispatch("MESSAGE_CREATE", message);
    return id;
  }
}

export const PERSON = USER;

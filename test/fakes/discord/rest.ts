// A small Discord REST API on loopback (node:http): the routes the bot uses, each request
// recorded. Messages, threads and interaction originals live in maps; `failNext` injects one
// error response (a 429 with Discord's headers, a 500, status 0: the connection dropped, or -1:
// done but the answer lost) for the next matching request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { discordRoutes } from "./rest-routes.js";

export interface RestRecord {
  method: string;
  path: string;
  query: string;
  body: Record<string, unknown> | null;
  status: number;
  at: number;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: unknown[];
  flags: number;
  author: Record<string, unknown>;
  nonce?: string;
  [key: string]: unknown;
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  retryAfterSeconds?: number;
}

type Handler = (params: string[], body: Record<string, unknown> | null) => [number, unknown];
/** Method, path pattern (its groups become the handler's params), handler -> [status, JSON or bytes]. */
export type Route = [string, RegExp, Handler];

export interface RestWorld {
  gatewayUrl: () => string;
  botUser: Record<string, unknown>;
  applicationId: string;
  channels: Map<string, Record<string, unknown>>;
  /** interaction token -> channel id, registered when the gateway dispatches the interaction. */
  interactionChannels: Map<string, string>;
}

let nextId = 1_300_000_000_000_000_000n;
/**
 * A message sent as multipart/form-data, as Discord takes files: the JSON in `payload_json`, each
 * file in a `files[n]` part, which `payload_json.attachments` names by `id: n`. The files become
 * the message's attachments, each with its form field, content type and `content` (text) so tests
 * can read what was uploaded; `multipart` keeps the form's field names and the attachments the
 * JSON listed, for tests of the form itself.
 */
function multipartMessage(text: string, contentType: string): Record<string, unknown> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const marker = `--${boundary?.[1] ?? boundary?.[2] ?? ""}`;
  let payload: Record<string, unknown> = {};
  const fields: string[] = [];
  const attachments: Record<string, unknown>[] = [];
  for (const part of text.split(marker)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    const content = part.slice(split + 4).replace(/\r\n$/, "");
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name !== undefined) fields.push(name);
    if (name === "payload_json") payload = JSON.parse(content) as Record<string, unknown>;
    else if (filename !== undefined)
      attachments.push({
        id: snowflake(),
        filename,
        size: Buffer.byteLength(content),
        content_type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? null,
        field: name,
        content,
      });
  }
  return { ...payload, attachments, multipart: { fields, listed: payload.attachments ?? [] } };
}

export function snowflake(): string {
  nextId += 1n;
  return nextId.toString();
}

/** A message object as Discord sends it: the given fields, the rest at a plain message's defaults. */
export function messageObject(
  fields: Pick<FakeMessage, "id" | "channel_id" | "author"> & Partial<FakeMessage>,
): FakeMessage {
  return {
    content: "",
    embeds: [],
    flags: 0,
    attachments: [],
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    type: 0,
    ...fields,
  };
}

export class FakeRest {
  readonly requests: RestRecord[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly attachments = new Map<string, Buffer>();
  /** interaction token -> id of its original response message. */
  readonly originals = new Map<string, string>();
  /** interaction token -> the choices an autocomplete answer (callback type 8) gave, and when. */
  readonly autocompleteAnswers = new Map<
    string,
    { choices: { name: string; value: string }[]; at: number }
  >();
  /** Channels the bot may not post in (a conversation of a user install): 403, Missing Access. */
  readonly closed = new Set<string>();
  /** component interaction token -> the message its button is on (its "original" after type 6). */
  readonly componentMessages = new Map<string, string>();
  private readonly failures: Failure[] = [];
  private server: Server | null = null;
  url = "";

  constructor(readonly world: RestWorld) {
    this.routes = discordRoutes(this, world);
  }

  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** The next request matching method and path gets this error instead. */
  failNext(method: string, path: RegExp, status: number, retryAfterSeconds?: number): void {
    this.failures.push({
      method,
      path,
      status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
  }

  /** Messages sent by the bot (channel messages, interaction originals and follow-ups). */
  botMessages(channelId?: string): FakeMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.author.id === this.world.botUser.id && (channelId === undefined || m.channel_id === channelId),
    );
  }

  addUserMessage(message: FakeMessage): void {
    this.messages.set(message.id, message);
  }

  createMessage(
    channelId: string,
    body: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): FakeMessage {
    const message = messageObject({
      id: snowflake(),
      channel_id: channelId,
      content: (body.content as string | undefined) ?? "",
      embeds: (body.embeds as unknown[] | undefined) ?? [],
      components: (body.components as unknown[] | undefined) ?? [],
      flags: (body.flags as number | undefined) ?? 0,
      author: this.world.botUser,
      allowed_mentions: body.allowed_mentions,
      ...(Array.isArray(body.attachments) ? { attachments: body.attachments } : {}),
      ...extra,
    });
    this.messages.set(message.id, message);
    return message;
  }

  editMessage(id: string | undefined, body: Record<string, unknown>): [number, unknown] {
    const message = id === undefined ? undefined : this.messages.get(id);
    if (message === undefined) return [404, { code: 10008, message: "Unknown Message" }];
    if (message.author.id !== this.world.botUser.id) {
      return [403, { code: 50005, message: "Cannot edit a message authored by another user" }];
    }
    Object.assign(message, {
      content: body.content ?? message.content,
      embeds: body.embeds ?? message.embeds,
      attachments: Array.isArray(body.attachments) ? body.attachments : message.attachments,
      components: body.components ?? message.components,
      allowed_mentions: body.allowed_mentions,
      edited_timestamp: new Date().toISOString(),
    });
    return [200, message];
  }

  private readonly routes: Route[];

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const [rawPath = "", query = ""] = (req.url ?? "").split("?");
    const path = decodeURIComponent(rawPath).replace(/^\/api\/v10/, "");
    const method = req.method ?? "GET";
    const contentType = req.headers["content-type"] ?? "";
    const body = contentType.startsWith("multipart/form-data")
      ? multipartMessage(text, contentType)
      : text !== "" && contentType.includes("json")
        ? JSON.parse(text)
        : null;
    const record: RestRecord = { method, path, query, body, status: 0, at: Date.now() };
    this.requests.push(record);

    const failure = this.failures.findIndex((f) => f.method === method && f.path.test(path));
    // Status -1: Discord does the work, then the answer is lost (the connection drops).
    const answerLost = failure >= 0 && this.failures[failure]?.status === -1;
    if (answerLost) this.failures.splice(failure, 1);
    if (failure >= 0 && !answerLost) {
      const [f] = this.failures.splice(failure, 1);
      record.status = f?.status ?? 500;
      if (f?.status === 0) {
        req.socket.destroy(); // the connection drops without an answer (ECONNRESET)
      } else if (f?.status === 429) {
        const after = f.retryAfterSeconds ?? 1;
        res.writeHead(429, {
          "content-type": "application/json",
          "retry-after": String(after),
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": String(after),
          "x-ratelimit-bucket": "fake-bucket",
          "x-ratelimit-scope": "user",
        });
        res.end(
          JSON.stringify({ message: "You are being rate limited.", retry_after: after, global: false }),
        );
      } else {
        res.writeHead(record.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "injected failure", code: 0 }));
      }
      return;
    }

    for (const [routeMethod, pattern, handler] of this.routes) {
      const match = method === routeMethod ? pattern.exec(path) : null;
      if (!match) continue;
      const [status, payload] = handler(match.slice(1), body);
      record.status = status;
      if (answerLost) {
        req.socket.destroy();
        return;
      }
      if (Buffer.isBuffer(payload)) {
        res.writeHead(status, { "content-type": "message/rfc822" });
        res.end(payload);
      } else {
        res.writeHead(status, payload === null ? {} : { "content-type": "application/json" });
        res.end(payload === null ? undefined : JSON.stringify(payload));
      }
      return;
    }
    record.status = 404;
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: 0, message: `fake Discord has no route ${method} ${path}` }));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

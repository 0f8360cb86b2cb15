// A fake Slack Web API on loopback: the methods the adapter calls (auth.test, chat.postMessage,
// chat.postEphemeral, chat.update, conversations.history/replies/info/open/members, files.info,
// views.publish,
// apps.connections.open), file downloads with the bot token, and response_url posts. Every call
// is recorded with the time it arrived; failures (429 with Retry-After, `ok: false` errors) can
// be queued per method, and an answer can be delayed after the work is done (a lost response).
// Posted messages are kept, with their metadata, which the conversations methods return only
// when asked with include_all_metadata, as Slack does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** performance.now() when the request arrived. */
  at: number;
  /** The HTTP status answered. */
  status: number;
}

export type InjectedFailure = { status: 429; retryAfter: number } | { status: 200; error: string };

export interface PostedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  metadata?: unknown;
  /** The Block Kit blocks as posted (a button press sends them back with the message). */
  blocks?: unknown;
}

export interface FakeFile {
  id: string;
  name: string;
  content: Buffer;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // The WebClient sends arrays and objects (blocks) as JSON strings.
    args[key] = value.startsWith("[") || value.startsWith("{") ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The file's bytes from an upload POST: the raw body, or the one file part of a multipart body. */
function uploadedBytes(raw: string, contentType: string | undefined): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? "");
  if (boundary === null) return raw;
  const marker = `--${boundary[1] ?? boundary[2]}`;
  const part = raw.split(marker).find((chunk) => chunk.includes("\r\n\r\n") && !chunk.startsWith("--"));
  if (part === undefined) return "";
  return part.slice(part.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, "");
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export class FakeSlackWebApi {
  readonly calls: RecordedCall[] = [];
  readonly responses: { path: string; body: Record<string, unknown>; at: number }[] = [];
  readonly downloads: { id: string; authorized: boolean }[] = [];
  readonly botToken: string;
  /** The app-level token apps.connections.open accepts. */
  appToken = "xapp-1-test";
  /** Channel names by id, for conversations.info (an id not here: channel_not_found). */
  readonly channelNames = new Map<string, string>();
  botUserId = "UBOTSELF";
  botId = "BBOTSELF";
  /** Where apps.connections.open points Socket Mode clients. */
  socketUrl: string | null = null;
  /**
   * Conversations the bot is not in: chat.postMessage and chat.postEphemeral there answer
   * `channel_not_found` (a DM it is not in) or `not_in_channel` (a channel it has not joined).
   */
  readonly closed = new Map<string, "channel_not_found" | "not_in_channel">();
  /** conversations.members answers by channel (absent: not_in_channel); paged 2 at a time. */
  readonly members = new Map<string, string[]>();
  /** Home views views.publish received, in order. */
  readonly published: { user: string; view: { type: string; blocks: unknown[] } }[] = [];
  /** Messages chat.postMessage created, in order. */
  readonly posted: PostedMessage[] = [];
  /**
   * Files shared by the v2 upload flow (files.getUploadURLExternal, a POST of the bytes to the
   * upload URL, files.completeUploadExternal), with their content as uploaded.
   */
  readonly uploads: {
    id: string;
    filename: string;
    channel: string;
    threadTs: string | null;
    content: string;
  }[] = [];
  private readonly pendingUploads = new Map<
    string,
    { filename: string; length: number; content: string | null }
  >();
  /** Seconds part of the ts the fake hands out (set it to now to test `oldest`). */
  tsEpochSeconds = 1700000000;
  private readonly delays = new Map<string, number[]>();
  private readonly failures = new Map<string, InjectedFailure[]>();
  private readonly files = new Map<string, FakeFile>();
  private server: Server | null = null;
  private tsCounter = 0;
  private waiters: (() => void)[] = [];

  constructor(botToken = "xoxb-test-token") {
    this.botToken = botToken;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("fake Slack Web API not started");
    return `http://127.0.0.1:${address.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = null;
  }

  /** The next `times` calls of `method` fail this way. */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  /** The next `method` call is done at once but answered only after `ms` (the client may give up). */
  delayNextAnswer(method: string, ms: number): void {
    const queue = this.delays.get(method) ?? [];
    queue.push(ms);
    this.delays.set(method, queue);
  }

  addFile(file: FakeFile): void {
    this.files.set(file.id, file);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && call.status === 200);
  }

  /** Resolves when `predicate` holds over the recorded calls (checked on each new call). */
  async waitFor(predicate: (fake: this) => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(", ")}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${this.tsEpochSeconds}.${String(this.tsCounter).padStart(6, "0")}`;
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname.startsWith("/files/")) {
      const id = decodeURIComponent(url.pathname.slice("/files/".length));
      const authorized = req.headers.authorization === `Bearer ${this.botToken}`;
      this.downloads.push({ id, authorized });
      const file = this.files.get(id);
      if (!authorized || file === undefined) {
        res.writeHead(authorized ? 404 : 403).end();
        return;
      }
      res.writeHead(200, { "content-type": "message/rfc822", "content-length": String(file.content.length) });
      res.end(file.content);
      return;
    }
    const raw = await readBody(req);
    if (req.method === "POST" && url.pathname.startsWith("/upload/")) {
      const pending = this.pendingUploads.get(decodeURIComponent(url.pathname.slice("/upload/".length)));
      if (pending === undefined) {
        res.writeHead(404).end();
        return;
      }
      pending.content = uploadedBytes(raw, req.headers["content-type"]);
      res.writeHead(200).end("OK");
      return;
    }
    if (url.pathname.startsWith("/response/")) {
      this.responses.push({ path: url.pathname, body: JSON.parse(raw) as Record<string, unknown>, at });
      this.notify();
      res.writeHead(200).end("ok");
      return;
    }
    if (!url.pathname.startsWith("/api/")) {
      res.writeHead(404).end();
      return;
    }
    const method = url.pathname.slice("/api/".length);
    const args = parseBody(raw, req.headers["content-type"]);
    const failure = this.failures.get(method)?.shift();
    if (failure !== undefined) {
      this.calls.push({ method, args, at, status: failure.status });
      this.notify();
      if (failure.status === 429) {
        this.json(
          res,
          429,
          { ok: false, error: "ratelimited" },
          { "retry-after": String(failure.retryAfter) },
        );
      } else {
        this.json(res, 200, { ok: false, error: failure.error });
      }
      return;
    }
    this.calls.push({ method, args, at, status: 200 });
    this.notify();
    const answer = this.answer(method, args, req.headers.authorization);
    const delay = this.delays.get(method)?.shift();
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    if (!res.destroyed) this.json(res, 200, answer);
  }

  /** One page, no cursor: history newest first (top-level only), replies parent then oldest first. */
  private conversation(method: string, args: Record<string, unknown>): unknown {
    const oldest = Number(args.oldest ?? 0);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
    const inChannel = this.posted.filter((m) => m.channel === args.channel && Number(m.ts) > oldest);
    const chosen =
      method === "conversations.history"
        ? inChannel.filter((m) => m.thread_ts === undefined).reverse()
        : inChannel.filter((m) => m.ts === args.ts || m.thread_ts === args.ts);
    const messages = chosen.map(({ metadata, channel: _channel, ...rest }) => ({
      type: "message",
      bot_id: this.botId,
      ...rest,
      ...(withMetadata && metadata !== undefined ? { metadata } : {}),
    }));
    return { ok: true, messages, has_more: false, response_metadata: { next_cursor: "" } };
  }

  private answer(method: string, args: Record<string, unknown>, authorization: string | undefined): unknown {
    const expected =
      method === "apps.connections.open" ? `Bearer ${this.appToken}` : `Bearer ${this.botToken}`;
    if (authorization !== expected) return { ok: false, error: "invalid_auth" };
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://fake.slack.test/",
          team: "Fake",
          user: "rdns",
          team_id: "T0FAKE",
          user_id: this.botUserId,
          bot_id: this.botId,
        };
      case "chat.postMessage": {
        const refused = this.closed.get(String(args.channel));
        if (refused !== undefined) return { ok: false, error: refused };
        const ts = this.nextTs();
        this.posted.push({
          channel: String(args.channel),
          ts,
          ...(args.thread_ts !== undefined ? { thread_ts: String(args.thread_ts) } : {}),
          text: String(args.text ?? ""),
          ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
          ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
        });
        return {
          ok: true,
          channel: args.channel,
          ts,
          message: { text: args.text, ts, thread_ts: args.thread_ts },
        };
      }
      case "chat.postEphemeral":
        if (this.closed.has(String(args.channel)))
          return { ok: false, error: this.closed.get(String(args.channel)) };
        return { ok: true, message_ts: this.nextTs() };
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case "conversations.history":
      case "conversations.replies":
        return this.conversation(method, args);
      case "conversations.info": {
        const name = this.channelNames.get(String(args.channel));
        if (name === undefined) return { ok: false, error: "channel_not_found" };
        return { ok: true, channel: { id: args.channel, name, is_channel: true } };
      }
      case "files.info": {
        const file = this.files.get(String(args.file));
        if (file === undefined) return { ok: false, error: "file_not_found" };
        return {
          ok: true,
          file: {
            id: file.id,
            name: file.name,
            size: file.content.length,
            url_private: `${this.url}/files/${file.id}`,
            url_private_download: `${this.url}/files/${file.id}`,
          },
        };
      }
      case "files.getUploadURLExternal": {
        const id = `F${String(this.pendingUploads.size + this.uploads.length + 1).padStart(8, "0")}`;
        this.pendingUploads.set(id, {
          filename: String(args.filename ?? ""),
          length: Number(args.length ?? 0),
          content: null,
        });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const files = (typeof args.files === "string" ? JSON.parse(args.files) : args.files) as {
          id: string;
        }[];
        for (const { id } of files) {
          const pending = this.pendingUploads.get(id);
          if (pending?.content === null || pending === undefined)
            return { ok: false, error: "file_not_found" };
          if (Buffer.byteLength(pending.content) !== pending.length)
            return { ok: false, error: "invalid_length" };
          this.pendingUploads.delete(id);
          this.uploads.push({
            id,
            filename: pending.filename,
            channel: String(args.channel_id ?? ""),
            threadTs: args.thread_ts === undefined ? null : String(args.thread_ts),
            content: pending.content,
          });
        }
        this.notify();
        return { ok: true, files: files.map(({ id }) => ({ id })) };
      }
      case "conversations.open":
        // The DM between the bot and the user: "D" + the user id.
        return { ok: true, channel: { id: `D${String(args.users).replace(/^U/, "")}` } };
      case "conversations.members": {
        const all = this.members.get(String(args.channel));
        if (all === undefined) return { ok: false, error: "not_in_channel" };
        const start = Number(args.cursor ?? 0);
        const next = start + 2 < all.length ? String(start + 2) : "";
        return { ok: true, members: all.slice(start, start + 2), response_metadata: { next_cursor: next } };
      }
      case "views.publish": {
        const view = (typeof args.view === "string" ? JSON.parse(args.view) : args.view) as {
          type: string;
          blocks: unknown[];
        };
        if (view.blocks.length > 100) return { ok: false, error: "invalid_arguments" };
        this.published.push({ user: String(args.user_id), view });
        this.notify();
        return { ok: true, view: { id: `V${this.published.length}` } };
      }
      case "apps.connections.open":
        if (this.socketUrl === null) return { ok: false, error: "not_allowed_token_type" };
        return { ok: true, url: this.socketUrl };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}

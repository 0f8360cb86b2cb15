// A small Discord gateway on loopback (ws): HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats
// (op 1 -> op 11), RESUME (op 6) with replay of the dispatches the client missed, and RECONNECT
// (op 7) on demand. Enough of the protocol for the real discord.js to stay connected.
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface GatewayRecord {
  op: number;
  d: unknown;
  connection: number;
}

export interface GatewayOptions {
  /** READY's payload (user, application); session id and resume URL are added here. */
  ready: () => Record<string, unknown>;
  /** Dispatches sent right after READY (GUILD_CREATE). */
  afterReady: () => { t: string; d: unknown }[];
  heartbeatIntervalMs?: number;
  /** Close every IDENTIFY with this code (4004 bad token, 4014 privileged intent not enabled). */
  refuseIdentify?: number;
}

export class FakeGateway {
  readonly received: GatewayRecord[] = [];
  private server: WebSocketServer | null = null;
  private socket: WebSocket | null = null;
  private connections = 0;
  private seq = 0;
  /** Every dispatch with its sequence number, so a resuming client gets what it missed. */
  private readonly sent: { s: number; t: string; d: unknown }[] = [];
  readonly sessionId = "fake-session-1";
  url = "";

  constructor(private readonly options: GatewayOptions) {}

  async listen(): Promise<string> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    this.server = server;
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on("connection", (socket) => this.accept(socket));
    return this.url;
  }

  get connectionCount(): number {
    return this.connections;
  }

  private accept(socket: WebSocket): void {
    const connection = ++this.connections;
    this.socket = socket;
    this.send(socket, { op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 2000 } });
    socket.on("message", (raw) => {
      const { op, d } = JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> | null };
      this.received.push({ op, d, connection });
      if (op === 1) this.send(socket, { op: 11 });
      if (op === 2 && this.options.refuseIdentify !== undefined) socket.close(this.options.refuseIdentify);
      else if (op === 2) this.identify(socket);
      if (op === 6) this.resume(socket, (d?.seq as number | null) ?? 0);
    });
  }

  private identify(socket: WebSocket): void {
    const ready = { ...this.options.ready(), session_id: this.sessionId, resume_gateway_url: this.url };
    this.dispatch("READY", ready, socket);
    for (const event of this.options.afterReady()) this.dispatch(event.t, event.d, socket);
  }

  private resume(socket: WebSocket, seq: number): void {
    for (const event of this.sent.filter((e) => e.s > seq)) {
      this.send(socket, { op: 0, s: event.s, t: event.t, d: event.d });
    }
    this.dispatch("RESUMED", null, socket);
  }

  /** Sends a dispatch (or keeps it for replay on RESUME when no connection is open). */
  dispatch(t: string, d: unknown, socket: WebSocket | null = this.socket): void {
    const s = ++this.seq;
    this.sent.push({ s, t, d });
    if (socket !== null && socket.readyState === socket.OPEN) this.send(socket, { op: 0, s, t, d });
  }

  /** The connection breaks without a close frame (code 1006), as on a network failure. */
  dropConnection(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  /** Op 7: Discord asks the client to reconnect and resume. */
  requestReconnect(): void {
    if (this.socket !== null) this.send(this.socket, { op: 7, d: null });
  }

  private send(socket: WebSocket, payload: Record<string, unknown>): void {
    socket.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  async close(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

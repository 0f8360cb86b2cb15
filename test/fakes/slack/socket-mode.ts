// A fake Socket Mode endpoint: the ws:// URL apps.connections.open returns. On connect it sends
// `hello`; tests push envelopes (slash_commands, events_api) and await the client's ack, which
// is recorded with its arrival time.
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { type WebSocket, WebSocketServer } from "ws";

export interface RecordedAck {
  envelopeId: string;
  payload: unknown;
  at: number;
}

export class FakeSocketModeServer {
  readonly acks: RecordedAck[] = [];
  private server: WebSocketServer | null = null;
  private sockets = new Set<WebSocket>();
  private connectedWaiters: (() => void)[] = [];
  private ackWaiters = new Map<string, (ack: RecordedAck) => void>();
  private counter = 0;

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("fake Socket Mode server not started");
    return `ws://127.0.0.1:${address.port}/link`;
  }

  async start(): Promise<void> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    this.server = server;
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id === undefined) return;
        const ack = { envelopeId: message.envelope_id, payload: message.payload, at: performance.now() };
        this.acks.push(ack);
        this.ackWaiters.get(message.envelope_id)?.(ack);
      });
      socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake" } }));
      for (const wake of this.connectedWaiters.splice(0)) wake();
    });
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Sends an envelope to every connected client; resolves with the ack and the round-trip ms. */
  async send(
    type: "slash_commands" | "events_api" | "interactive",
    payload: unknown,
    extra: Record<string, unknown> = {},
  ): Promise<{ ack: RecordedAck; sentAt: number }> {
    if (this.sockets.size === 0) throw new Error("no Socket Mode client connected");
    this.counter += 1;
    const envelopeId = `env-${this.counter}-${Date.now()}`;
    const acked = new Promise<RecordedAck>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${envelopeId}`)), 5000);
      this.ackWaiters.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    const sentAt = performance.now();
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== "events_api",
      ...extra,
    };
    for (const socket of this.sockets) socket.send(JSON.stringify(envelope));
    return { ack: await acked, sentAt };
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

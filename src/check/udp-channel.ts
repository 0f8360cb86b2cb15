// Shared connected UDP sockets, one per server at a time, multiplexed by query id. Creating,
// connecting and closing a socket per question costs more CPU than a loopback round trip, and a
// check asks several questions of the same servers. Each socket is retired after MAX_USES
// questions (and closed when idle), so source ports still change often (RFC 5452 9.2 wants
// random ids and ports; the ids are random per question).
import { randomInt } from "node:crypto";
import dgram from "node:dgram";
import type { ServerAddress } from "./server.js";

const MAX_USES = 200;
const IDLE_CLOSE_MS = 2000;

export interface Waiter {
  /** An answer datagram carrying this waiter's id (the waiter still checks the question). */
  onMessage(message: Buffer): void;
  /** The socket failed (e.g. ECONNREFUSED from ICMP port unreachable): every waiter hears it. */
  onError(err: NodeJS.ErrnoException): void;
}

export class UdpChannel {
  private readonly socket: dgram.Socket;
  private readonly waiters = new Map<number, Waiter>();
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  uses = 0;
  /** Questions holding this channel (from acquire to done): it closes only when none do. */
  private holds = 0;
  retired = false;
  readonly ready: Promise<void>;

  constructor(
    server: ServerAddress,
    private readonly onRetire: (channel: UdpChannel) => void,
  ) {
    this.socket = dgram.createSocket(server.family === 6 ? "udp6" : "udp4");
    // A socket kept for reuse must not keep a CLI process alive; pending queries hold timers.
    this.socket.unref();
    this.socket.on("message", (message) => {
      if (message.length < 2) return;
      this.waiters.get(message.readUInt16BE(0))?.onMessage(message);
    });
    this.socket.on("error", (err) => this.fail(err));
    // Connected: the kernel reports ICMP port unreachable as ECONNREFUSED and drops datagrams
    // from any other source (RFC 5452 9.1). connect() fails for an address this host cannot
    // reach at all (EINVAL for a link-local address without an interface, EADDRNOTAVAIL,
    // ENETUNREACH, EAFNOSUPPORT without IPv6): `ready` rejects with that error and the channel
    // retires, so the next question tries afresh. An unconnected socket is never sent on
    // (dgram.send without a port would throw).
    this.ready = new Promise((resolve, reject) => {
      try {
        this.socket.connect(server.port, server.host, (err?: Error) => {
          if (err) {
            this.retire();
            reject(err);
          } else resolve();
        });
      } catch (err) {
        this.retire();
        reject(err);
      }
    });
    // Whoever awaits `ready` handles the error; this keeps it from ever being "unhandled".
    this.ready.catch(() => undefined);
  }

  /** Registers `waiter` under a fresh random id not in flight on this socket. */
  register(waiter: Waiter): number {
    let id = randomInt(0, 65_536);
    while (this.waiters.has(id)) id = randomInt(0, 65_536);
    this.waiters.set(id, waiter);
    return id;
  }

  send(packet: Buffer, callback: (err: Error | null) => void): void {
    if (this.closed) return callback(Object.assign(new Error("socket closed"), { code: "ECLOSED" }));
    // The kernel reports a pending ICMP error once, to whichever call comes next: often another
    // question's send. It is about the server, so every question waiting on it hears it.
    try {
      this.socket.send(packet, (err) => (err ? this.fail(err) : callback(null)));
    } catch (err) {
      // dgram throws synchronously for some misuses (socket not running, bad arguments).
      callback(err as Error);
    }
  }

  private fail(err: NodeJS.ErrnoException): void {
    for (const waiter of [...this.waiters.values()]) waiter.onError(err);
    this.retire();
  }

  /** Forgets an id (an answer came, or the question gave up). */
  release(id: number): void {
    this.waiters.delete(id);
  }

  hold(): void {
    this.holds++;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** The question is done with this channel: close it when retired and unused, or after idling. */
  unhold(): void {
    this.holds--;
    if (this.holds > 0) return;
    if (this.retired) return this.close();
    if (this.idleTimer === null) {
      this.idleTimer = setTimeout(() => this.retire(), IDLE_CLOSE_MS);
      this.idleTimer.unref();
    }
  }

  retire(): void {
    if (!this.retired) {
      this.retired = true;
      this.onRetire(this);
    }
    if (this.holds === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.socket.close();
  }
}

const channels = new Map<string, UdpChannel>();

/** The current channel to `server` (or a new one when it is used up), held until `unhold()`. */
export function acquireChannel(server: ServerAddress): UdpChannel {
  const key = `${server.host}|${server.port}`;
  let channel = channels.get(key);
  if (channel === undefined || channel.retired || channel.uses >= MAX_USES) {
    channel?.retire();
    channel = new UdpChannel(server, (retired) => {
      if (channels.get(key) === retired) channels.delete(key);
    });
    channels.set(key, channel);
  }
  channel.uses++;
  channel.hold();
  return channel;
}

// Connected UDP sockets to one server, a small fixed pool of them, multiplexed by query id.
// Creating, connecting and closing a socket per question costs more CPU than a loopback round
// trip, and a sweep asks tens of thousands of questions a second of the same few servers. The OS
// picks each socket's source port; questions are spread over the pool, and each socket is
// replaced after `maxUses` questions (closed once its last question is done) and when idle, so
// source ports keep changing (RFC 5452 9.2 wants random ids and ports; ids are random per try).
import { randomFillSync } from "node:crypto";
import dgram from "node:dgram";
import type { ServerAddress } from "./server.js";

const IDLE_CLOSE_MS = 2000;
/**
 * Thousands of answers can arrive between two turns of the event loop; the default receive
 * buffer (~200 KiB, a few hundred datagrams with their overhead) would drop some and turn them
 * into timeouts. The kernel caps the request at net.core.rmem_max.
 */
const RECEIVE_BUFFER = 4 * 1024 * 1024;
/** Ids in flight on one socket before another id space (socket) is used: 16-bit ids. */
const MAX_IDS = 32_768;

/**
 * Query ids from the CSPRNG (RFC 5452 9.2: unpredictable), drawn from a buffer filled a few
 * thousand at a time: one crypto call per question costs more than the rest of sending it.
 */
const randomIds = Buffer.alloc(8192);
let nextId = randomIds.length;
export function randomId(): number {
  if (nextId >= randomIds.length) {
    randomFillSync(randomIds);
    nextId = 0;
  }
  const id = randomIds.readUInt16BE(nextId);
  nextId += 2;
  return id;
}

/**
 * Channels with packets queued this turn of the event loop. Every datagram that reaches a
 * sleeping server wakes it, and on a virtual machine a wake-up is an interrupt to another CPU
 * that costs the sender more than the send itself (perf: a fifth of a sweep's CPU sat in the
 * kernel's wake-up path below sendmsg). Questions are mostly asked while answers are read, one
 * answer at a time; sent one by one they woke the lab's Unbound for nearly each question, sent
 * together at the end of the turn (setImmediate runs right after the poll phase that read the
 * answers) the server wakes once and reads them all. Measured on the lab's /20 (warm cache):
 * Unbound and Knot CPU per check fell by about half, this process's system time by more.
 */
const waitingToSend: UdpChannel[] = [];

function sendWaiting(): void {
  const channels = waitingToSend.splice(0);
  for (const channel of channels) channel.flush();
}

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
  /** Packets `send` queued this turn of the event loop, sent together by `flush`. */
  private outbox: Buffer[] = [];
  uses = 0;
  /** Questions holding this channel (from acquire to done): it closes only when none do. */
  private holds = 0;
  retired = false;
  /** `ready` has resolved: questions go out at once, without waiting on the promise. */
  connected = false;
  readonly ready: Promise<void>;

  constructor(
    server: ServerAddress,
    private readonly onRetire: (channel: UdpChannel) => void,
  ) {
    this.socket = dgram.createSocket({
      type: server.family === 6 ? "udp6" : "udp4",
      recvBufferSize: RECEIVE_BUFFER,
    });
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
          } else {
            this.connected = true;
            resolve();
          }
        });
      } catch (err) {
        this.retire();
        reject(err);
      }
    });
    // Whoever awaits `ready` handles the error; this keeps it from ever being "unhandled".
    this.ready.catch(() => undefined);
  }

  /** Ids in flight on this socket. */
  get inFlight(): number {
    return this.waiters.size;
  }

  /** Registers `waiter` under a fresh random id not in flight on this socket. */
  register(waiter: Waiter): number {
    let id = randomId();
    while (this.waiters.has(id)) id = randomId();
    this.waiters.set(id, waiter);
    return id;
  }

  /**
   * Sends at the end of this turn of the event loop, with every other packet queued in it
   * (`waitingToSend`); a failure is reported through `onError` of every waiter. The kernel reports a pending
   * ICMP error once, to whichever call comes next: often another question's send. It is about
   * the server, so every question waiting on it hears it (dgram emits "error" when no callback
   * is given, which also spares a callback per packet).
   */
  send(packet: Buffer): void {
    if (this.closed) throw Object.assign(new Error("socket closed"), { code: "ECLOSED" });
    this.outbox.push(packet);
    if (this.outbox.length === 1 && waitingToSend.push(this) === 1) setImmediate(sendWaiting);
  }

  /** Sends what `send` queued this turn (see `waitingToSend`). */
  flush(): void {
    const packets = this.outbox;
    this.outbox = [];
    // Closed only once no question holds the channel: nobody waits for these.
    if (this.closed) return;
    try {
      for (const packet of packets) this.socket.send(packet);
    } catch (err) {
      // dgram throws only for a socket it no longer runs; every question on it hears why
      // (a throw here, in setImmediate, would end the process).
      this.fail(err as NodeJS.ErrnoException);
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

export interface PoolOptions {
  /** Sockets per server (default 4). */
  sockets: number;
  /** Questions per socket before it is replaced by one on a new port (default 10,000). */
  maxUses: number;
}

/** The sockets to one server: questions go round the pool. */
export class UdpPool {
  private readonly slots: Array<UdpChannel | undefined>;
  private next = 0;

  constructor(
    private readonly server: ServerAddress,
    private readonly options: PoolOptions,
  ) {
    this.slots = new Array(Math.max(1, options.sockets));
  }

  /** A channel to the server, held until `unhold()`. */
  acquire(): UdpChannel {
    const index = this.next;
    this.next = (this.next + 1) % this.slots.length;
    let channel = this.slots[index];
    if (
      channel === undefined ||
      channel.retired ||
      channel.uses >= this.options.maxUses ||
      channel.inFlight >= MAX_IDS
    ) {
      channel?.retire();
      const fresh = new UdpChannel(this.server, (retired) => {
        if (this.slots[index] === retired) this.slots[index] = undefined;
      });
      this.slots[index] = fresh;
      channel = fresh;
    }
    channel.uses++;
    channel.hold();
    return channel;
  }

  /** Retires every socket (each closes when its last question is done). */
  close(): void {
    for (const channel of this.slots) channel?.retire();
  }
}

// Connected UDP sockets to one server, multiplexed by query id, each on its own OS-chosen
// (random) source port and each taking new questions for one turn of the event loop only.
// RFC 5452 (9.2) wants the source port as unpredictable as the id: a port that lives for
// thousands of questions is learnt from one question to a zone the attacker serves (the bot asks
// authorities of reverse zones anybody may run), and then only the 16-bit id is left to guess for
// every later question on it. So a socket carries the questions asked in the turn it was made
// (at most `maxUses`), is sent at the end of that turn with all of them (see `waitingToSend`),
// and then takes no more: the next turn's questions leave from a new port, and the old socket
// closes once its last question is done. Sequential questions each get a port of their own; a
// sweep gets a new port for every batch, keeping the batching that made it fast. Measured on
// loopback (test/unit/check/dns-spoofing.test.ts): 1,000 sequential questions left from ~980
// ports, 1,000 asked 50 at a time from ~40, where the old pool of 4 sockets used 4 for both.
// A retransmission leaves from its question's socket (a fresh id, the same port): an answer to
// any of its tries is taken, and they all arrive there.
import { randomFillSync } from "node:crypto";
import dgram from "node:dgram";
import type { ServerAddress } from "./server.js";

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
  closed = false;
  /** Why the socket failed (connect, or an error it reported): later sends fail with it. */
  private failed: NodeJS.ErrnoException | null = null;
  /** Packets `send` queued this turn of the event loop, sent together by `flush`. */
  private outbox: Buffer[] = [];
  uses = 0;
  /** Questions holding this channel (from acquire to done): it closes only when none do. */
  private holds = 0;
  /** Takes no new questions (its turn is over, or it failed); closes when the last is done. */
  retired = false;
  /** connect() has completed: queued packets can go out. */
  private connected = false;
  /** The turn ended before connect() completed: its callback sends the outbox. */
  private flushWhenConnected = false;

  constructor(
    server: ServerAddress,
    private readonly onRetire: (channel: UdpChannel) => void,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.socket = dgram.createSocket({
      type: server.family === 6 ? "udp6" : "udp4",
      recvBufferSize: RECEIVE_BUFFER,
    });
    // Pending questions hold timers; an open socket alone must not keep a CLI process alive.
    this.socket.unref();
    this.socket.on("message", (message) => {
      if (message.length < 2) return;
      this.waiters.get(message.readUInt16BE(0))?.onMessage(message);
    });
    this.socket.on("error", (err) => this.fail(err));
    // Connected: the kernel reports ICMP port unreachable as ECONNREFUSED and drops datagrams
    // from any other address or port (RFC 5452 9.1). Binding to port 0 lets the OS pick a
    // random ephemeral port (Linux: a random start in ip_local_port_range). connect() fails for
    // an address this host cannot reach at all (EINVAL for a link-local address without an
    // interface, EADDRNOTAVAIL, ENETUNREACH, EAFNOSUPPORT without IPv6): every question on the
    // channel hears that error. Binding and connecting take only process.nextTick steps for an
    // address literal, so the socket is connected before the end of the turn (`flush`);
    // packets queued before then wait in the outbox, with no promise per question.
    try {
      this.socket.connect(server.port, server.host, (err?: Error) => {
        if (err) return this.fail(err as NodeJS.ErrnoException);
        this.connected = true;
        // Not earlier than the end of the turn: the turn's later questions join this batch.
        if (this.flushWhenConnected) this.flush();
      });
    } catch (err) {
      // Reported once the caller has registered its question (a throw now would reach nobody).
      process.nextTick(() => this.fail(err as NodeJS.ErrnoException));
    }
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
   * (`waitingToSend`); a failure is reported through `onError` of every waiter. The kernel
   * reports a pending ICMP error once, to whichever call comes next: often another question's
   * send. It is about the server, so every question waiting on it hears it (dgram emits "error"
   * when no callback is given, which also spares a callback per packet).
   */
  send(packet: Buffer): void {
    // A question whose first try waited for the rate limit may come after the socket failed.
    if (this.failed !== null) throw this.failed;
    if (this.closed) throw Object.assign(new Error("socket closed"), { code: "ECLOSED" });
    this.outbox.push(packet);
    if (this.outbox.length === 1 && waitingToSend.push(this) === 1) setImmediate(sendWaiting);
  }

  /**
   * Sends what `send` queued (see `waitingToSend`), once connected; the turn this channel was
   * made in is over, so it takes no new questions (retransmissions of its own still go out).
   */
  flush(): void {
    this.retire();
    if (!this.connected) {
      this.flushWhenConnected = true;
      return;
    }
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
    this.failed = err;
    this.retire();
    for (const waiter of [...this.waiters.values()]) waiter.onError(err);
  }

  /** Forgets an id (an answer came, or the question gave up). */
  release(id: number): void {
    this.waiters.delete(id);
  }

  hold(): void {
    this.holds++;
  }

  /** The question is done with this channel: close it when retired and unused. */
  unhold(): void {
    this.holds--;
    if (this.holds <= 0 && this.retired) this.close();
  }

  retire(): void {
    if (!this.retired) {
      this.retired = true;
      this.onRetire(this);
    }
    if (this.holds <= 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    this.onClose();
  }
}

export interface PoolOptions {
  /** Kept for callers of the old fixed pool; a turn's questions fill one socket after another. */
  sockets?: number;
  /** Questions one socket takes in its turn before the next go on another (default 512). */
  maxUses: number;
  /** Sockets open to one server at most (default 64; see UdpPool). */
  maxOpen?: number;
}

/**
 * The socket taking this turn's questions to one server; a new one when it is full or its turn
 * is over. A socket stays open until its last question is done, so a server that does not
 * answer would hold one socket for every turn of its questions' budget: past `maxOpen` open
 * sockets, new questions join the newest one instead (still on a port nobody saw before its
 * turn), so a sweep against dead servers cannot run the process out of file descriptors.
 */
export class UdpPool {
  private current: UdpChannel | undefined;
  private newest: UdpChannel | undefined;
  private open = 0;
  private readonly maxOpen: number;

  constructor(
    private readonly server: ServerAddress,
    private readonly options: PoolOptions,
  ) {
    this.maxOpen = Math.max(1, options.maxOpen ?? 64);
  }

  /** A channel to the server, held until `unhold()`. */
  acquire(): UdpChannel {
    let channel = this.current;
    if (channel === undefined || !this.usable(channel)) {
      channel?.retire();
      const newest = this.newest;
      if (this.open >= this.maxOpen && newest !== undefined && !newest.closed && newest.inFlight < MAX_IDS) {
        channel = newest;
      } else {
        channel = this.fresh();
      }
    }
    channel.uses++;
    channel.hold();
    return channel;
  }

  private usable(channel: UdpChannel): boolean {
    return !channel.retired && channel.uses < this.options.maxUses && channel.inFlight < MAX_IDS;
  }

  private fresh(): UdpChannel {
    const channel = new UdpChannel(
      this.server,
      (retired) => {
        if (this.current === retired) this.current = undefined;
      },
      () => {
        this.open--;
      },
    );
    this.open++;
    this.current = channel;
    this.newest = channel;
    return channel;
  }

  /** Retires the socket taking questions (it closes when its last question is done). */
  close(): void {
    this.current?.retire();
  }
}

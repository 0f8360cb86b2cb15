// One question's UDP exchange with one server (the DNS client's, dns-client.ts): the first try
// at once (the client paced it before the budget started); retransmissions, each with a fresh
// random id, when the server's measured round trip says an answer is overdue (rtt.ts), or before
// its first answer after 1, 3, 7... units of the budget; the first matching answer taken; a
// timeout at the end of the budget.
import type { RateLimit } from "./dns-limits.js";
import type { DnsOutcome, DnsQuestion, DnsResponse } from "./dns-types.js";
import { decodeResponse, describeError, emptyResponse, encodeQuery, errorOutcome } from "./dns-wire.js";
import type { ServerTiming } from "./rtt.js";
import type { UdpChannel, Waiter } from "./udp-channel.js";

/** Starts the exchange on `channel` (held for it); `settle` hears its outcome once. */
export function startUdpExchange(
  question: DnsQuestion,
  rate: RateLimit,
  channel: UdpChannel,
  started: number,
  settle: (response: DnsResponse) => void,
  timing?: ServerTiming,
): void {
  new UdpExchange(question, rate, channel, started, settle, timing);
}

/**
 * One question's UDP exchange, as one object: a sweep has thousands in flight, and a closure per
 * callback (answer, error, each timer, each send) per question was a large share of the client's
 * allocations (node --cpu-prof: GC was a fifth of a sweep's CPU).
 */
class UdpExchange implements Waiter {
  /** The ids of the tries so far (usually one; a retransmission adds one)... */
  private readonly ids: number[] = [];
  /** ...and when each was handed to the socket, for the server's round-trip samples. */
  private readonly sentAt: number[] = [];
  /** One timer at a time: the next retransmission, then the end of the budget. */
  private timer: NodeJS.Timeout | null = null;
  private done = false;
  private sent = 0;
  private readonly tries: number;
  private readonly unit: number;
  private readonly end: number;
  /** The timer set is the end of the budget's. */
  private ending = false;

  constructor(
    private readonly question: DnsQuestion,
    private readonly rate: RateLimit,
    private readonly channel: UdpChannel,
    private readonly started: number,
    private readonly resolve: (response: DnsResponse) => void,
    private readonly timing: ServerTiming | undefined,
  ) {
    this.tries = 1 + Math.max(0, question.retries ?? 1);
    this.unit = question.timeoutMs / (2 ** this.tries - 1);
    this.end = started + question.timeoutMs;
    this.step();
  }

  onMessage(message: Buffer): void {
    const response = decodeResponse(message, this.question, this.ids, performance.now() - this.started);
    if (response === null) return; // not ours or malformed: keep waiting, as resolvers do
    const sentAt = this.sentAt[this.ids.indexOf(message.readUInt16BE(0))];
    if (sentAt !== undefined && this.timing !== undefined) {
      const now = performance.now();
      this.timing.sample(now - sentAt, now);
    }
    this.finish(response);
  }

  onError(err: NodeJS.ErrnoException): void {
    this.failure(errorOutcome(err), describeError(err, this.question.server));
  }

  private finish(response: DnsResponse): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    for (const id of this.ids) this.channel.release(id);
    this.channel.unhold();
    this.resolve(response);
  }

  private failure(outcome: DnsOutcome, error: string): void {
    this.finish(emptyResponse(this.question.server, outcome, error, performance.now() - this.started, "udp"));
  }

  private transmit(): void {
    if (this.done) return;
    try {
      const id = this.channel.register(this);
      this.ids.push(id);
      this.sentAt.push(performance.now());
      this.channel.send(encodeQuery(this.question, id));
    } catch (err) {
      // Defensive: query() never throws, whatever the socket layer does (a throw here would
      // escape from a timer or the Promise executor).
      const error = err as NodeJS.ErrnoException;
      this.failure(errorOutcome(error), describeError(error, this.question.server));
    }
  }

  /** Sends the next try and sets the timer for the one after it (or for the end of the budget). */
  private step(): void {
    if (this.done) return;
    this.sent++;
    const now = performance.now();
    const after = this.timing?.retransmitAfter(this.sent);
    // Before the server's first answer, the question's own schedule: 1, 3, 7... units.
    const due =
      this.sent === this.tries
        ? this.end
        : after === undefined
          ? this.started + this.unit * (2 ** this.sent - 1)
          : now + after;
    this.wakeAt(Math.min(due, this.end), now);
    // The first try's packet was paced before the budget started (dns-client.ts askHolding); a
    // retransmission's goes before the first tries still waiting (dns-limits.ts: urgent).
    const pace = this.sent === 1 ? undefined : this.rate.take(true);
    if (pace === undefined) this.transmit();
    else void pace.then(() => this.transmit());
  }

  /**
   * Whole milliseconds: Node keeps one timer list per distinct delay, and fractional delays
   * (a list each) made every question's timer a list of its own in the timers' heap.
   */
  private wakeAt(at: number, now: number): void {
    this.ending = at >= this.end;
    this.timer = setTimeout(wake, Math.max(0, Math.ceil(at - now)), this);
  }

  /** The timer fired: the end of the budget, or a retransmission is due. */
  next(): void {
    this.timer = null;
    if (this.done) return;
    const now = performance.now();
    if (this.ending) {
      // Timers run before the poll phase reads the sockets: an answer already waiting in the
      // socket's buffer (a busy event loop, thousands in flight) is read first, and only then
      // is the question given up (setImmediate runs after the poll phase).
      setImmediate(giveUp, this);
      return;
    }
    const rtt = this.timing?.smoothedRtt;
    if (rtt !== undefined && now + rtt > this.end) {
      // A try sent now would be answered after the budget, on this server's round trip: it
      // would only add load. The tries already sent may still be answered.
      this.wakeAt(this.end, now);
      return;
    }
    const hold = this.timing?.holdRetransmit(now, this.sentAt[this.sentAt.length - 1] ?? this.started, this);
    if (hold !== undefined) {
      // The server has answered nothing since this question's last try, and another question's
      // retransmission is its probe: wait for that one (rtt.ts).
      this.wakeAt(Math.min(hold, this.end), now);
      return;
    }
    this.timing?.retransmitted(now, this);
    this.step();
  }

  /** The budget is spent (called through setImmediate). */
  expire(): void {
    this.failure("timeout", `no answer within ${this.question.timeoutMs} ms`);
  }
}

function wake(exchange: UdpExchange): void {
  exchange.next();
}

function giveUp(exchange: UdpExchange): void {
  exchange.expire();
}

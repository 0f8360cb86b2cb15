// One question's UDP exchange with one server (the DNS client's, dns-client.ts): the first try
// at once, retransmissions with a fresh random id each after 1, 3, 7... units of the budget, the
// first matching answer taken, a timeout at the end of the budget.
import type { RateLimit } from "./dns-limits.js";
import type { DnsOutcome, DnsQuestion, DnsResponse } from "./dns-types.js";
import { decodeResponse, describeError, emptyResponse, encodeQuery, errorOutcome } from "./dns-wire.js";
import type { UdpChannel, Waiter } from "./udp-channel.js";

/** Starts the exchange on `channel` (connected, held for it); `settle` hears its outcome once. */
export function startUdpExchange(
  question: DnsQuestion,
  rate: RateLimit,
  channel: UdpChannel,
  started: number,
  settle: (response: DnsResponse) => void,
): void {
  new UdpExchange(question, rate, channel, started, settle);
}

/**
 * One question's UDP exchange, as one object: a sweep has thousands in flight, and a closure per
 * callback (answer, error, each timer, each send) per question was a large share of the client's
 * allocations (node --cpu-prof: GC was a fifth of a sweep's CPU).
 */
class UdpExchange implements Waiter {
  /** The ids of the tries so far (usually one; a retransmission adds one). */
  private readonly ids: number[] = [];
  /** One timer at a time: the next retransmission, then the end of the budget. */
  private timer: NodeJS.Timeout | null = null;
  private done = false;
  private sent = 0;
  private readonly tries: number;
  private readonly unit: number;

  constructor(
    private readonly question: DnsQuestion,
    private readonly rate: RateLimit,
    private readonly channel: UdpChannel,
    private readonly started: number,
    private readonly resolve: (response: DnsResponse) => void,
  ) {
    this.tries = 1 + Math.max(0, question.retries ?? 1);
    this.unit = question.timeoutMs / (2 ** this.tries - 1);
    this.step();
  }

  onMessage(message: Buffer): void {
    const response = decodeResponse(message, this.question, this.ids, performance.now() - this.started);
    if (response === null) return; // not ours or malformed: keep waiting, as resolvers do
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
      this.channel.send(encodeQuery(this.question, id));
    } catch (err) {
      // Defensive: query() never throws, whatever the socket layer does (a throw here would
      // escape from a timer or the Promise executor).
      const error = err as NodeJS.ErrnoException;
      this.failure(errorOutcome(error), describeError(error, this.question.server));
    }
  }

  private step(): void {
    if (this.done) return;
    if (this.sent === this.tries) {
      // Timers run before the poll phase reads the sockets: an answer already waiting in the
      // socket's buffer (a busy event loop, thousands in flight) is read first, and only then
      // is the question given up (setImmediate runs after the poll phase).
      setImmediate(giveUp, this);
      return;
    }
    this.sent++;
    const at = this.sent < this.tries ? this.unit * (2 ** this.sent - 1) : this.question.timeoutMs;
    // Whole milliseconds: Node keeps one timer list per distinct delay, and fractional delays
    // (a list each) made every question's timer a list of its own in the timers' heap.
    this.timer = setTimeout(stepAgain, Math.max(0, Math.ceil(at - (performance.now() - this.started))), this);
    const pace = this.rate.take();
    if (pace === undefined) this.transmit();
    else void pace.then(() => this.transmit());
  }

  /** The budget is spent (called through setImmediate). */
  expire(): void {
    this.failure("timeout", `no answer within ${this.question.timeoutMs} ms`);
  }

  /** The retransmission timer fired. */
  next(): void {
    this.timer = null;
    this.step();
  }
}

function stepAgain(exchange: UdpExchange): void {
  exchange.next();
}

function giveUp(exchange: UdpExchange): void {
  exchange.expire();
}

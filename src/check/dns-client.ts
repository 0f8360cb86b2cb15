// The DNS client, built for volume on dns-packet: questions to named servers (host:port) over a
// small pool of connected UDP sockets per server, thousands in flight at once, matched by id and
// question; TCP fallback on truncation (RFC 1035 4.2, RFC 7766); per-server limits on questions
// in flight and packets per second; retransmissions with exponential back-off inside the
// question's budget. Node's resolver cannot do this job: it folds timeout, SERVFAIL and REFUSED
// into ENOTFOUND like a real NXDOMAIN, cannot ask one server with RD=0, and hides the
// authority-section SOA and TTLs the negative-cache maths needs.
import { InFlightLimit, RateLimit } from "./dns-limits.js";
import { classifyOutcome, notifyQueryListeners, type QueryObserver } from "./dns-observer.js";
import { queryTcp } from "./dns-tcp.js";
import type { DnsOutcome, DnsQuestion, DnsResponse, DnsTransport } from "./dns-types.js";
import { decodeResponse, describeError, emptyResponse, encodeQuery, errorOutcome } from "./dns-wire.js";
import { parseServer, type ServerAddress } from "./server.js";
import { type UdpChannel, UdpPool, type Waiter } from "./udp-channel.js";

export type * from "./dns-types.js";
export {
  decodeResponse,
  describeError,
  encodeQuery,
  errorOutcome,
  failedResponse,
  normaliseName,
} from "./dns-wire.js";

export interface DnsClientOptions {
  /** UDP sockets per server (default 4): the OS gives each its own random source port. */
  socketsPerServer?: number;
  /** Questions a socket carries before it is replaced by one on a new port (default 10,000). */
  maxUsesPerSocket?: number;
  /** Questions in flight to one server at most; the rest wait their turn (default 256; more overflows a
   * single-threaded resolver's query list: Unbound's num-queries-per-thread is 1,024 and a
   * sweep's checks add up). */
  maxInFlightPerServer?: number;
  /** Packets per second to one server at most (0: no cap), or a cap per server. */
  qpsPerServer?: number | ((server: string) => number);
  /** Told how each question ended (outcome, seconds), e.g. for metrics. Must not throw. */
  onQuery?: QueryObserver;
}

interface ServerState {
  address: ServerAddress;
  pool: UdpPool;
  inFlight: InFlightLimit;
  rate: RateLimit;
}

export class DnsClient {
  private readonly servers = new Map<string, ServerState>();
  private readonly observer: QueryObserver | undefined;

  constructor(private readonly options: DnsClientOptions = {}) {
    this.observer = options.onQuery;
  }

  /** Asks one server one question; never throws for network trouble (it is an outcome). */
  readonly query: DnsTransport = (question) => this.ask(question);

  /** Closes every socket once its questions are done. */
  close(): void {
    for (const state of this.servers.values()) state.pool.close();
    this.servers.clear();
  }

  private async ask(question: DnsQuestion): Promise<DnsResponse> {
    let state: ServerState;
    try {
      state = this.stateOf(question.server);
    } catch (err) {
      const response = emptyResponse(question.server, "error", (err as Error).message, 0, "udp");
      this.observe(question, response, 0);
      return response;
    }
    const slot = state.inFlight.acquire();
    if (slot !== undefined) await slot;
    // The budget starts when the question may go out, not while it waited for a slot.
    const started = performance.now();
    try {
      const udp = await this.askUdp(question, state, started);
      this.observe(question, udp, started);
      if (udp.outcome !== "answer" || !udp.truncated) return udp;
      const left = question.timeoutMs - (performance.now() - started);
      const pace = state.rate.take();
      if (pace !== undefined) await pace;
      const tcpStarted = performance.now();
      const tcp = await queryTcp(
        question,
        state.address,
        started,
        Math.max(left, Math.min(question.timeoutMs, 1000)),
      );
      this.observe(question, tcp, tcpStarted);
      return tcp;
    } finally {
      state.inFlight.release();
    }
  }

  private stateOf(server: string): ServerState {
    let state = this.servers.get(server);
    if (state === undefined) {
      const address = parseServer(server);
      const qps = this.options.qpsPerServer ?? 0;
      state = {
        address,
        pool: new UdpPool(address, {
          sockets: this.options.socketsPerServer ?? 4,
          maxUses: this.options.maxUsesPerSocket ?? 10_000,
        }),
        inFlight: new InFlightLimit(this.options.maxInFlightPerServer ?? 256),
        rate: new RateLimit(typeof qps === "function" ? qps(server) : qps),
      };
      this.servers.set(server, state);
    }
    return state;
  }

  private observe(question: DnsQuestion, response: DnsResponse, started: number): void {
    if (this.observer === undefined) return;
    try {
      this.observer({
        server: question.server,
        name: question.name,
        type: question.type,
        outcome: classifyOutcome(response, question.type),
        seconds: started === 0 ? 0 : (performance.now() - started) / 1000,
        transport: response.transport,
      });
    } catch {
      // An observer's bug must never fail a DNS question.
    }
  }

  /**
   * The UDP exchange (UdpExchange below): the first try at once, then retransmissions with a
   * fresh random id each (RFC 5452 9.2) after 1, 3, 7... units (exponential back-off, RFC 1536
   * 1; the units add up to the budget), any of the ids' answers accepted; no answer by the end
   * of the budget is a timeout, never NXDOMAIN.
   */
  private askUdp(question: DnsQuestion, state: ServerState, started: number): Promise<DnsResponse> {
    const channel = state.pool.acquire();
    if (channel.connected)
      return new Promise((resolve) => new UdpExchange(question, state, channel, started, resolve));
    return channel.ready.then(
      () =>
        new Promise<DnsResponse>((resolve) => new UdpExchange(question, state, channel, started, resolve)),
      (err: NodeJS.ErrnoException) => {
        // The socket could not even be connected: this host has no way to that server.
        channel.unhold();
        return emptyResponse(
          question.server,
          errorOutcome(err),
          describeError(err, question.server),
          performance.now() - started,
          "udp",
        );
      },
    );
  }
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
    private readonly state: ServerState,
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
    const pace = this.state.rate.take();
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

/** The process-wide client: its observer is every listener added with addQueryListener. */
export const defaultDnsClient = new DnsClient({ onQuery: notifyQueryListeners });

/** Asks one server one question through the process-wide client; never throws. */
export const query: DnsTransport = defaultDnsClient.query;

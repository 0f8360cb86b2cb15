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
import type { DnsQuestion, DnsResponse, DnsTransport } from "./dns-types.js";
import { describeError, emptyResponse, errorOutcome } from "./dns-wire.js";
import { parseServer, type ServerAddress } from "./server.js";
import { type UdpChannel, UdpPool } from "./udp-channel.js";
import { startUdpExchange } from "./udp-exchange.js";

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

  /**
   * Not an async function: most questions find a slot free and are answered over UDP, and the
   * promise handed back is then the only one the question makes (an async wrapper and its await
   * cost each question of a sweep a promise, a frame and microtasks more).
   */
  private ask(question: DnsQuestion): Promise<DnsResponse> {
    let state: ServerState;
    try {
      state = this.stateOf(question.server);
    } catch (err) {
      const response = emptyResponse(question.server, "error", (err as Error).message, 0, "udp");
      this.observe(question, response, 0);
      return Promise.resolve(response);
    }
    const slot = state.inFlight.acquire();
    if (slot !== undefined) return slot.then(() => this.askHolding(question, state));
    return this.askHolding(question, state);
  }

  /** The question, holding one of its server's in-flight slots until it is done. */
  private askHolding(question: DnsQuestion, state: ServerState): Promise<DnsResponse> {
    // The budget starts when the question may go out, not while it waited for a slot.
    const started = performance.now();
    return new Promise((resolve) => {
      this.askUdp(question, state, started, (udp) => {
        this.observe(question, udp, started);
        if (udp.outcome !== "answer" || !udp.truncated) {
          state.inFlight.release();
          resolve(udp);
          return;
        }
        const done = (response: DnsResponse) => {
          state.inFlight.release();
          resolve(response);
        };
        this.askTcp(question, state, started).then(done, (err: Error) =>
          done(emptyResponse(question.server, "error", err.message, performance.now() - started, "tcp")),
        );
      });
    });
  }

  /** A truncated answer's question again over TCP (RFC 1035 4.2, RFC 7766), within its budget. */
  private async askTcp(question: DnsQuestion, state: ServerState, started: number): Promise<DnsResponse> {
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
   * The UDP exchange (udp-exchange.ts): the first try at once, then retransmissions with a
   * fresh random id each (RFC 5452 9.2) after 1, 3, 7... units (exponential back-off, RFC 1536
   * 1; the units add up to the budget), any of the ids' answers accepted; no answer by the end
   * of the budget is a timeout, never NXDOMAIN. `settle` hears the outcome once.
   */
  private askUdp(
    question: DnsQuestion,
    state: ServerState,
    started: number,
    settle: (response: DnsResponse) => void,
  ): void {
    const noWay = (err: NodeJS.ErrnoException) =>
      settle(
        emptyResponse(
          question.server,
          errorOutcome(err),
          describeError(err, question.server),
          performance.now() - started,
          "udp",
        ),
      );
    let channel: UdpChannel;
    try {
      channel = state.pool.acquire();
    } catch (err) {
      // No socket could be made (e.g. EMFILE): could not ask, an outcome like any other.
      noWay(err as NodeJS.ErrnoException);
      return;
    }
    if (channel.connected) {
      startUdpExchange(question, state.rate, channel, started, settle);
      return;
    }
    channel.ready.then(
      () => startUdpExchange(question, state.rate, channel, started, settle),
      (err: NodeJS.ErrnoException) => {
        // The socket could not even be connected: this host has no way to that server.
        channel.unhold();
        noWay(err);
      },
    );
  }
}

/** The process-wide client: its observer is every listener added with addQueryListener. */
export const defaultDnsClient = new DnsClient({ onQuery: notifyQueryListeners });

/** Asks one server one question through the process-wide client; never throws. */
export const query: DnsTransport = defaultDnsClient.query;

// The DNS client, built for volume on dns-packet: questions to named servers (host:port) over
// connected UDP sockets on random source ports (a new one each turn of the event loop,
// udp-channel.ts), thousands in flight at once, matched by id, address, port and question; TCP
// fallback on truncation (RFC 1035 4.2, RFC 7766); per-server limits on questions in flight and
// packets per second; retransmissions timed by each server's measured round trip, backed off
// while it does not answer (rtt.ts), inside the question's budget. Node's resolver cannot do
// this job: it folds timeout, SERVFAIL and REFUSED into ENOTFOUND like a real NXDOMAIN, cannot
// ask one server with RD=0, and hides the authority-section SOA and TTLs the negative-cache
// maths needs.
import { InFlightLimit, RateLimit } from "./dns-limits.js";
import { classifyOutcome, notifyQueryListeners, type QueryObserver } from "./dns-observer.js";
import { queryTcp } from "./dns-tcp.js";
import type { DnsQuestion, DnsResponse, DnsTransport } from "./dns-types.js";
import { describeError, emptyResponse, errorOutcome } from "./dns-wire.js";
import { ServerTiming } from "./rtt.js";
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
  /**
   * No longer used: every turn of the event loop's questions to a server go out from new
   * sockets, each on its own random source port (udp-channel.ts). Accepted for old callers.
   */
  socketsPerServer?: number;
  /** Questions one socket takes (in its one turn) before the next go on another (default 512). */
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
  /** Its measured round trips, which time retransmissions. */
  timing: ServerTiming;
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

  /**
   * The question, holding one of its server's in-flight slots until it is done. Its first packet
   * waits for the server's packets-per-second cap first: a sweep's --qps queues its own questions,
   * and a question that waited there past its timeout was reported "no answer" by a server that
   * was never asked (issue: 24 of 64 addresses DNS_ERROR at --qps 40). So the budget starts when
   * the first packet may go out, and the wait is told to the asker (onPaced) for its deadline.
   */
  private askHolding(question: DnsQuestion, state: ServerState): Promise<DnsResponse> {
    const pace = state.rate.take();
    if (pace === undefined) return this.askPaced(question, state);
    const since = performance.now();
    return pace.then(() => {
      try {
        question.onPaced?.(since, performance.now());
      } catch {
        // The asker's bookkeeping must never fail a DNS question.
      }
      return this.askPaced(question, state);
    });
  }

  /** The question once its first packet may go out: its budget starts now. */
  private askPaced(question: DnsQuestion, state: ServerState): Promise<DnsResponse> {
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
    // Urgent: the question is under way and its budget is running (dns-limits.ts).
    const pace = state.rate.take(true);
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
        pool: new UdpPool(address, { maxUses: this.options.maxUsesPerSocket ?? 512 }),
        inFlight: new InFlightLimit(this.options.maxInFlightPerServer ?? 256),
        rate: new RateLimit(typeof qps === "function" ? qps(server) : qps),
        timing: new ServerTiming(),
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
   * fresh random id each (RFC 5452 9.2) when the server's round trip says the answer is overdue
   * (rtt.ts; before its first answer, after 1, 3, 7... units of the budget, RFC 1536 1), any of
   * the ids' answers accepted; no answer by the end of the budget is a timeout, never NXDOMAIN.
   * `settle` hears the outcome once. A socket that cannot be made or connected is "could not
   * ask" (the exchange hears the connect error like any socket error).
   */
  private askUdp(
    question: DnsQuestion,
    state: ServerState,
    started: number,
    settle: (response: DnsResponse) => void,
  ): void {
    let channel: UdpChannel;
    try {
      channel = state.pool.acquire();
    } catch (err) {
      // No socket could be made (e.g. EMFILE): could not ask, an outcome like any other.
      const error = err as NodeJS.ErrnoException;
      settle(
        emptyResponse(
          question.server,
          errorOutcome(error),
          describeError(error, question.server),
          performance.now() - started,
          "udp",
        ),
      );
      return;
    }
    startUdpExchange(question, state.rate, channel, started, settle, state.timing);
  }
}

/** The process-wide client: its observer is every listener added with addQueryListener. */
export const defaultDnsClient = new DnsClient({ onQuery: notifyQueryListeners });

/** Asks one server one question through the process-wide client; never throws. */
export const query: DnsTransport = defaultDnsClient.query;

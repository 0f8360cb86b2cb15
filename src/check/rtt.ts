// When to retransmit a UDP question, per server, from the round trips it has shown: a smoothed
// round-trip time and its variation (RFC 6298 2, as TCP does and as resolvers do for the servers
// they ask: Unbound's infra cache, BIND's SRTT), with a floor; and, like TCP's RTO back-off
// (RFC 6298 5.5-5.7), a server that has answered nothing since a question's try gets one
// retransmission at a time (a probe, backed off exponentially) rather than every outstanding
// question again. Before, every question was sent again at a third of its budget: a server that
// is slow but answers (every answer 1.5 s late, a 2 s budget) got two packets per question,
// doubling the load on a server that was already struggling. A retransmission that could not be
// answered within the budget at the server's round trip is not sent at all.

/**
 * A retransmission never comes sooner than this after the try before it (ms): a recursive
 * resolver's answers mix cache hits (a millisecond) with names it must look up first (often a
 * few hundred milliseconds), and a floor keeps the fast ones from sending the slow ones again.
 */
export const MIN_RTO_MS = 300;
/** Before a server's first answer, how long the probe has before another question's (RFC 6298 2.1). */
const INITIAL_RTO_MS = 1000;
/** Nor later than this (ms): the budget of the question ends it first anyway. */
const MAX_RTO_MS = 60_000;
/** The back-off doubles up to this factor. */
const MAX_BACKOFF = 16;
/** The least variation allowed for (ms), and as a share of the round trip: answers' jitter. */
const MIN_VARIATION_MS = 50;
const MIN_VARIATION_SHARE = 0.25;

export class ServerTiming {
  /** Smoothed round-trip time (ms); undefined until the server's first answer. */
  private srtt: number | undefined;
  private rttvar = 0;
  /** Doubled by each retransmission no answer followed, back to 1 by an answer (RFC 6298 5.5). */
  private backoff = 1;
  /** When the last retransmission went out, and whether any answer came after it. */
  private lastRetransmitAt = Number.NEGATIVE_INFINITY;
  /** Whose that retransmission was (a question's own schedule is not held back by itself). */
  private lastRetransmitBy: object | null = null;
  private answeredSinceRetransmit = true;
  /** When the server last answered anything. */
  private lastAnswerAt = Number.NEGATIVE_INFINITY;

  /** The server's smoothed round trip (ms), undefined before its first answer. */
  get smoothedRtt(): number | undefined {
    return this.srtt;
  }

  /**
   * An answer came `rttMs` after the try it answers was sent. Each try has its own id, so the
   * sample is never ambiguous (the problem Karn's algorithm solves for TCP, RFC 6298 3).
   */
  sample(rttMs: number, now: number): void {
    this.lastAnswerAt = now;
    if (this.srtt === undefined) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
    }
    this.backoff = 1;
    this.answeredSinceRetransmit = true;
  }

  /**
   * How long after a try the next one is due (ms), for the try numbered `attempt` (1: the
   * first); undefined before the server's first answer (the caller keeps to the question's
   * own schedule). Each further try of one question waits twice as long (RFC 6298 5.5); the
   * server's back-off is applied when the time comes (`holdRetransmit`), not baked in here, so
   * a question sent while the server was stalled is not left without a retransmission after.
   */
  retransmitAfter(attempt: number): number | undefined {
    if (this.srtt === undefined) return undefined;
    return Math.min(MAX_RTO_MS, this.rto() * 2 ** (attempt - 1));
  }

  /** RFC 6298 2.3: SRTT + 4 x RTTVAR, with floors for the variation and the whole. */
  private rto(): number {
    const srtt = this.srtt ?? INITIAL_RTO_MS;
    const variation = Math.max(MIN_VARIATION_MS, MIN_VARIATION_SHARE * srtt, 4 * this.rttvar);
    return Math.max(MIN_RTO_MS, srtt + variation);
  }

  /**
   * A question's retransmission is due at `now` (its last try went out at `triedAt`): undefined
   * if it may go, or the time to look again. An answer to anything since that try shows the
   * server is answering and this packet (or its answer) was lost: it goes. Otherwise the server
   * may be down or stalled: one retransmission at a time is its probe, and the others wait until
   * the probe has had its (backed-off) time, instead of every outstanding question being sent
   * again at once. A question's own schedule is not held back by its own probe.
   */
  holdRetransmit(now: number, triedAt: number, by: object): number | undefined {
    if (this.lastAnswerAt > triedAt || this.lastRetransmitBy === by) return undefined;
    const base = this.srtt === undefined ? INITIAL_RTO_MS : this.rto();
    const until = this.lastRetransmitAt + Math.min(MAX_RTO_MS, base * this.backoff);
    if (until <= now) return undefined;
    // Looked at again after one round trip at most: once the server answers again, the held
    // questions go out at their next look instead of sitting out the whole back-off.
    return Math.min(until, now + base);
  }

  /** A retransmission by `by` went out at `now`; one no answer followed doubles the wait. */
  retransmitted(now: number, by: object): void {
    if (!this.answeredSinceRetransmit) this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF);
    this.lastRetransmitAt = now;
    this.lastRetransmitBy = by;
    this.answeredSinceRetransmit = false;
  }
}

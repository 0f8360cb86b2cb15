// Per-server politeness for the DNS client: at most N questions in flight and at most Q packets
// a second (a token bucket). Hand-written rather than a rate-limit package because it sits on
// the hot path of every question (tens of thousands a second in a sweep): a plain counter and a
// FIFO settle synchronously when there is room, with no promise, timer or lock per question.

/** A first-in first-out queue of callbacks, O(1) at both ends (Array#shift is O(n)). */
class Fifo {
  private items: Array<() => void> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: () => void): void {
    this.items.push(item);
  }

  shift(): (() => void) | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** At most `limit` holders at once; the rest wait in order. limit <= 0: no limit. */
export class InFlightLimit {
  private active = 0;
  private readonly waiting = new Fifo();

  constructor(private readonly limit: number) {}

  /** undefined when a slot was free and is now taken; else a promise that resolves with one. */
  acquire(): Promise<void> | undefined {
    if (this.limit <= 0 || this.active < this.limit) {
      this.active++;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter; the count only drops when nobody waits.
    if (next !== undefined) next();
    else this.active--;
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/**
 * At most `perSecond` takes a second on average, bursts of up to a twentieth of a second's
 * worth (at least 1). perSecond <= 0: no limit. An urgent take (a retransmission, a TCP retry:
 * the packet of a question already under way, whose budget is running) goes before every
 * waiting ordinary one, so a long queue of first tries never eats a question's budget.
 */
export class RateLimit {
  private tokens: number;
  private last: number;
  private readonly burst: number;
  private readonly waiting = new Fifo();
  private readonly urgent = new Fifo();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = Math.max(1, Math.ceil(perSecond / 20));
    this.tokens = this.burst;
    this.last = now();
  }

  /** undefined when a token was taken at once; else a promise that resolves when one is. */
  take(urgent = false): Promise<void> | undefined {
    if (this.perSecond <= 0) return undefined;
    this.refill();
    const ahead = this.urgent.length + (urgent ? 0 : this.waiting.length);
    if (ahead === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return new Promise((resolve) => {
      (urgent ? this.urgent : this.waiting).push(resolve);
      this.schedule();
    });
  }

  /** Takes waiting for a token. */
  get queued(): number {
    return this.urgent.length + this.waiting.length;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(1, ((1 - this.tokens) * 1000) / this.perSecond);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refill();
      while (this.queued > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        (this.urgent.shift() ?? this.waiting.shift())?.();
      }
      if (this.queued > 0) this.schedule();
    }, wait);
  }
}

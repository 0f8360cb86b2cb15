// Inbound work still running (a command's enqueue, a paste being read), so a platform's stop()
// lets it finish instead of cutting it off mid-way: a request already acknowledged to the chat
// platform would otherwise be lost, as Slack and Discord do not send it again.

/** How long stop() waits for in-flight inbound work before giving up on it. */
export const STOP_DRAIN_MS = 10_000;

export class InFlight {
  private readonly pending = new Set<Promise<void>>();

  get size(): number {
    return this.pending.size;
  }

  /** Remembers `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
    return work;
  }

  /** Waits for the work in flight (and work it starts meanwhile) up to `timeoutMs`; false if some was left. */
  async drain(timeoutMs = STOP_DRAIN_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.all([...this.pending]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}

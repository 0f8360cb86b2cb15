// Checks a person waits for come first in their process (issue 28: while a /16 watch ran,
// interactive checks went from ~50 ms to a p50 of 4.3 s). A foreground check (a command's, a
// pasted bounce's, a chain's re-check) holds the gate while it runs; a background one (a watch
// run's) waits to start until none runs, at most `maxWaitMs`, so a steady stream of commands slows
// a watch but never stops it. Its DNS questions also queue behind (dns-limits.ts InFlightLimit).
// Within one process: workers in other processes share only the DNS servers.

export class ForegroundGate {
  private running = 0;
  private waiters = new Set<() => void>();

  /** Marks a foreground check as running until the returned function is called (once). */
  enter(): () => void {
    this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      if (this.running > 0) return;
      const waiters = [...this.waiters];
      this.waiters.clear();
      for (const wake of waiters) wake();
    };
  }

  /** Undefined when no foreground check runs; else resolves when none does, or after `maxWaitMs`. */
  idle(maxWaitMs = 1000): Promise<void> | undefined {
    if (this.running === 0) return undefined;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.waiters.add(wake);
    });
  }

  get foregroundRunning(): number {
    return this.running;
  }
}

/** The process's gate: the check worker enters it, the watch worker waits on it. */
export const foreground = new ForegroundGate();

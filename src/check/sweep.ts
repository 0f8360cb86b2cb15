// Checking many addresses with a fixed number in flight: addresses are pulled from an iterator
// as slots free up, so memory holds `concurrency` checks whatever the range size, and each
// report is handed on (and may make the sweep wait, e.g. for a full output pipe) as it is done.
import type { CheckReport } from "./types.js";

export interface SweepOptions {
  /** Checks in flight at once (at least 1). */
  concurrency: number;
  /** Runs one address's check; must not throw for DNS trouble (runCheck does not). */
  check: (ip: string) => Promise<CheckReport>;
  /** Each report as it completes; the sweep waits for a returned promise. */
  onReport: (report: CheckReport, index: number) => void | Promise<void>;
}

/** Runs every check; resolves with the number checked. A thrown check or onReport rejects it. */
export async function sweepAddresses(addresses: Iterable<string>, options: SweepOptions): Promise<number> {
  const iterator = addresses[Symbol.iterator]();
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed) {
      const item = iterator.next();
      if (item.done) return;
      const index = next++;
      try {
        const report = await options.check(item.value);
        await options.onReport(report, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.floor(options.concurrency)) }, lane);
  await Promise.all(lanes);
  return next;
}

// Checking many addresses with a fixed number in flight: addresses are pulled from an iterator
// as slots free up, so memory holds `concurrency` checks whatever the range size, and each
// report is handed on (and may make the sweep wait, e.g. for a full output pipe) as it is done.
import type { CheckReport } from "./types.js";

/**
 * Questions one address's check asks one server at most in a usual sweep: the resolver gets the
 * PTR, the PTR name's A/AAAA and the HELO's; an authority the PTR (its zone's SOA once per
 * SERIAL_CACHE_SECONDS, authority-serial-cache.ts).
 */
export const QUESTIONS_PER_SERVER = 3;
/** How many seconds of a paced server's questions the checks in flight may queue at once. */
export const PACED_BACKLOG_SECONDS = 1;

/**
 * Checks in flight for a sweep capped at `qps` packets a second per server (0: no cap): whole
 * addresses are let in at the pace the servers are asked, not more. With 128 checks in flight and
 * 40 packets a second, a server's questions queued 10 s deep; the pacing wait no longer counts
 * against a question's timeout or its check's deadline (dns-client.ts, deadline.ts), but a queue
 * that deep fills the client's in-flight slots (256 a server), whose wait does count, and makes
 * every check's duration the queue's. About a second's worth keeps the servers' cap busy (a check
 * takes one round trip or two) and each check's wait short.
 */
export function pacedConcurrency(concurrency: number, qps: number): number {
  if (qps <= 0) return concurrency;
  const paced = Math.ceil((qps * PACED_BACKLOG_SECONDS) / QUESTIONS_PER_SERVER);
  return Math.max(1, Math.min(concurrency, paced));
}

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

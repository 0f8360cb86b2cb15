// Many addresses checked in this thread the way `rdns sweep` checks them: one DNS client whose
// per-server cap is --qps (or the politeness default), whole addresses let in at that pace
// (pacedConcurrency), and each authority's zone SOA kept for its window (SerialCache) instead of
// asked beside every PTR. `rdns sweep` (one thread), each of its worker threads and
// `rdns dmarc --check` run their checks through this one function.
import { SerialCache } from "../check/authority-serial-cache.js";
import { DnsClient } from "../check/dns-client.js";
import { runCheck } from "../check/index.js";
import { pacedConcurrency, sweepAddresses } from "../check/sweep.js";
import type { CheckOptions, CheckReport } from "../check/types.js";

/**
 * Addresses per second a sweep (or `rdns dmarc --check`) with --blocklists checks: each asks every list one question (two
 * when listed). Spamhaus's free use is under 300,000 queries a day from one resolver
 * (www.spamhaus.org/organization/dnsblusage/), about 3.5 a second, and that budget is shared
 * with the operator's own mail servers: 2 a second keeps even a sweep that runs all day at
 * 172,800, with room left. A /24 then takes about 2 minutes, a /16 about 9 hours, which is the
 * price of not hammering the lists.
 */
export const BLOCKLIST_SWEEP_RATE = 2;

/** Politeness towards servers the user did not name (the system's resolver, discovered ones). */
export const DEFAULT_UNLISTED_QPS = 500;

export interface CheckSweep {
  /** Every check's options but the address. */
  check: Omit<CheckOptions, "ip">;
  /** Checks in flight at most (before pacing lowers it). */
  concurrency: number;
  /** --qps: packets per second to each server at most, 0 no cap; null: the defaults (below). */
  qps: number | null;
  /** Servers the user named: uncapped without --qps. The others get `unlistedQps`. */
  listed: ReadonlySet<string>;
  unlistedQps?: number;
  /** This thread's share of a whole sweep's figure (sweep-threads.ts shareOf); whole without. */
  share?: (total: number) => number;
  /** Waited for before each address's check starts (the blocklists' pace); its deadline starts after. */
  before?: (() => Promise<void> | undefined) | null;
  /** Each report as it completes; the sweep waits for a returned promise. */
  onReport: (report: CheckReport, index: number) => void | Promise<void>;
}

/** Packets per second `server` may be sent: --qps for every server, else the defaults. */
export function serverQps(
  qps: number | null,
  listed: ReadonlySet<string>,
  unlistedQps: number = DEFAULT_UNLISTED_QPS,
): (server: string) => number {
  return (server) => qps ?? (listed.has(server) ? 0 : unlistedQps);
}

/** Runs every address's check; resolves with how many were checked and the DNS questions asked. */
export async function sweepChecks(
  addresses: Iterable<string>,
  sweep: CheckSweep,
): Promise<{ checked: number; questions: number }> {
  const share = sweep.share ?? ((total: number) => total);
  const cap = serverQps(sweep.qps, sweep.listed, sweep.unlistedQps);
  let questions = 0;
  const client = new DnsClient({
    // A thread's share of each server's cap, so the threads together stay within it.
    qpsPerServer: (server) => {
      const whole = cap(server);
      return whole <= 0 ? 0 : share(whole);
    },
    onQuery: () => {
      questions++;
    },
  });
  // Each authority's zone SOA once per zone and window, not beside every PTR (authority-serial-cache.ts).
  const serialCache = new SerialCache();
  const dependencies = { transport: client.query, serialCache };
  const before = sweep.before ?? null;
  try {
    const checked = await sweepAddresses(addresses, {
      // Whole addresses at the pace the servers are asked (src/check/sweep.ts pacedConcurrency).
      concurrency: pacedConcurrency(share(sweep.concurrency), sweep.qps === null ? 0 : share(sweep.qps)),
      check:
        before === null
          ? (ip) => runCheck({ ip, ...sweep.check }, dependencies)
          : async (ip) => {
              await before();
              return runCheck({ ip, ...sweep.check }, dependencies);
            },
      onReport: sweep.onReport,
    });
    return { checked, questions };
  } finally {
    client.close();
  }
}

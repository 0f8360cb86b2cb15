// What the pipeline hands the sections beside the DNS: the reverse zone as the authority work
// finds it (src/check/zone-seen.ts), once it has its answer, and a signal for what is not DNS.
import type { AuthorityResult } from "./authority.js";
import type { Deadline } from "./deadline.js";
import type { ZoneSeen } from "./zone-seen.js";

/** A promise of the zone the authority work saw, settled by `see` with its result. */
export function zoneWaiter(): {
  seen: () => Promise<ZoneSeen | null>;
  see(result: AuthorityResult | null): void;
} {
  let settle: (seen: ZoneSeen | null) => void = () => {};
  const promise = new Promise<ZoneSeen | null>((resolve) => {
    settle = resolve;
  });
  return {
    seen: () => promise,
    see(result) {
      settle(
        result === null
          ? null
          : {
              finalName: result.finalName,
              zone: result.report.zone,
              servers: result.answeredBy,
              nameservers: result.seen?.nameservers ?? null,
              soa: result.seen?.soa ?? null,
              bailiwick: result.bailiwick ?? null,
            },
      );
    },
  };
}

/** Margin before the deadline: the check finishes on its own rather than being cut (pipeline.ts). */
const RDAP_MARGIN_MS = 20;

/** Aborts RDAP (and anything else that is not DNS) a little before the check's deadline. */
export function deadlineSignal(deadline: Deadline): AbortSignal {
  return AbortSignal.timeout(Math.max(1, Math.floor(deadline.at - performance.now() - RDAP_MARGIN_MS)));
}

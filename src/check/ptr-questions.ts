// The PTR questions of a check: the PTR at each resolver and at the zone's authority, and the
// forward lookup of every name either reveals, started the moment it is seen (pipeline.ts runs
// them alongside the sections' questions).
import { type AuthorityResult, askAuthority } from "./authority.js";
import type { CheckRun } from "./check-run.js";
import { query } from "./dns-client.js";
import { askPtr, lookupAddresses } from "./lookups.js";
import { forwardKey } from "./partial-observations.js";
import type { ForwardLookup, PtrAnswer } from "./types.js";
import { zoneCacheFor } from "./zone-cache.js";

/**
 * The PTR names as servers reveal them, each name's forward lookup started the first time it is
 * seen and shared by every asker (the HELO section asks through `forward` too).
 */
export function ptrNames(run: CheckRun) {
  const { parsed, resolvers, progress } = run;
  const forwardByName = new Map<string, Promise<ForwardLookup>>();
  const forward = (name: string) => {
    const key = forwardKey(name);
    let lookup = forwardByName.get(key);
    if (lookup === undefined) {
      lookup = lookupAddresses(key, parsed.family, parsed.ip, resolvers, run.query);
      void lookup.then((result) => progress.forward.set(key, result));
      forwardByName.set(key, lookup);
    }
    return lookup;
  };
  const names: string[] = [];
  progress.ptrNames = names;
  const see = (seen: string[]) => {
    for (const name of seen) {
      if (!names.includes(name)) names.push(name);
      void forward(name);
    }
  };
  /** Every name seen so far's lookup (the list is read when called, after the PTR answers). */
  const all = () => Promise.all(names.map((name) => forward(name)));
  return { forward, see, all };
}

/** The PTR at each resolver (RD=1), in the configured order; names they reveal go to `see`. */
export function askResolvers(run: CheckRun, see: (names: string[]) => void): Promise<PtrAnswer[]> {
  const { parsed, progress } = run;
  return Promise.all(
    run.resolvers.map(async (server, index) => {
      const { answer } = await askPtr(server, parsed.reverseName, true, run.query);
      progress.resolvers[index] = answer;
      see(answer.names);
      return answer;
    }),
  );
}

/** The PTR at the zone's authoritative servers (RD=0; authority.ts). */
export function startAuthority(
  run: CheckRun,
  see: (names: string[]) => void,
): Promise<AuthorityResult | null> {
  const { options, dependencies } = run;
  return askAuthority({
    // Spelled out, not spread: a spread and the properties added after it gave V8 a fresh hidden
    // class per check (the same for the authority's answers in authority.ts).
    transport: run.query.transport,
    timeoutMs: run.query.timeoutMs,
    retries: run.query.retries,
    reverseName: run.parsed.reverseName,
    authorities: run.authorities,
    resolvers: run.resolvers,
    authorityPort: options.authorityPort ?? 53,
    askNonPublicNameServers: options.askNonPublicNameServers === true,
    onNames: see,
    // Keyed on the caller's transport, not this check's deadline wrapper (a new function per
    // check), so the checks of one zone share its discovered servers.
    zoneCache: zoneCacheFor(dependencies.transport ?? query),
    serialCache: dependencies.serialCache,
  });
}

/**
 * The zone's SOA matters only when a resolver still serves a negative answer the authority no
 * longer gives (CACHED_NEGATIVE); it is asked then, alongside the forward lookups.
 */
export function needsZoneSoa(
  authority: AuthorityResult | null,
  resolvers: PtrAnswer[],
): authority is AuthorityResult {
  return (
    authority !== null &&
    authority.report.soa === null &&
    authority.answeredBy.length > 0 &&
    resolvers.some((answer) => answer.status === "nxdomain" || answer.status === "nodata")
  );
}

// The reverse zone's name servers and SOA names for the owner section. Most of it the PTR work
// has already seen (src/check/zone-seen.ts): a negative answer carries the zone's SOA (RFC 2308
// 3) and discovery read the NS and SOA through the resolvers, so a check that saw them asks
// nothing more. What is missing is asked in one parallel round (SOA and NS of the zone at once),
// of the servers that answered the zone with AA (RD=0), else of the configured authorities,
// else of the resolvers. With listed authorities the authority work asks each server the SOA of
// the (final) reverse name beside its PTR question, for the zone's serial (authority-serials.ts):
// that SOA names the zone and its contact, so the NS alone goes out, beside the forward lookups,
// and the check's critical path keeps its two round trips.
import { inBailiwick } from "../../bailiwick.js";
import { ask, type QueryOptions } from "../../lookups.js";
import type { ZoneSeen } from "../../zone-seen.js";

export interface OwnerZone {
  zone: string | null;
  nameservers: string[];
  soa: { mname: string; rname: string } | null;
}

/**
 * A zone as the owner keeps it, with the delegation it was believed under (src/check/bailiwick.ts):
 * the zone the answering servers were found authoritative for, or the zone itself when a resolver
 * named it (the resolver applied the rule). Null: servers the operator listed, whose word is taken
 * for the address asked but shared with no address that did not hear the same zone itself.
 */
export interface KeptZone extends OwnerZone {
  bailiwick: string | null;
}

export interface ZoneAskOptions extends QueryOptions {
  resolvers: string[];
  authorities: string[];
}

type SoaFound = { zone: string; soa: { mname: string; rname: string } | null };

const NO_ZONE: KeptZone = { zone: null, nameservers: [], soa: null, bailiwick: null };

export async function completeZone(
  seen: ZoneSeen | null,
  reverseName: string,
  options: ZoneAskOptions,
): Promise<KeptZone> {
  const finalName = seen?.finalName ?? reverseName;
  let zone = seen?.zone ?? null;
  let soa = seen?.soa ?? null;
  let bailiwick = seen?.bailiwick ?? null;
  const nameservers = seen?.nameservers ?? null;
  if (zone !== null && soa !== null && nameservers !== null && nameservers.length > 0) {
    return { zone, nameservers, soa, bailiwick };
  }
  const fromAuthority = seen !== null && seen.servers.length > 0;
  const recursion = !fromAuthority && options.authorities.length === 0;
  const servers = fromAuthority
    ? seen.servers
    : options.authorities.length > 0
      ? options.authorities
      : options.resolvers;
  if (zone === null) {
    // A server's SOA names a zone we believe only in bailiwick; a resolver has applied the rule.
    const delegation = fromAuthority ? bailiwick : null;
    const accept = (claimed: string) => inBailiwick(claimed, finalName, delegation);
    const found = await askSoa(servers, finalName, recursion, options, accept);
    if (found === null) return NO_ZONE;
    zone = found.zone;
    soa = found.soa;
    bailiwick = recursion ? found.zone : delegation;
  }
  const [soaFound, nsFound] = await Promise.all([
    soa === null ? askSoa(servers, zone, recursion, options) : null,
    nameservers === null || nameservers.length === 0 ? askNs(servers, zone, recursion, options) : null,
  ]);
  return {
    zone,
    bailiwick,
    soa: soa ?? (soaFound?.zone === zone ? soaFound.soa : null),
    nameservers: nameservers !== null && nameservers.length > 0 ? nameservers : (nsFound ?? []),
  };
}

/** The SOA of the zone holding `name`: at the apex it is the answer, below it the negative answer's. */
async function askSoa(
  servers: string[],
  name: string,
  recursion: boolean,
  options: QueryOptions,
  accept: (zone: string) => boolean = () => true,
): Promise<SoaFound | null> {
  const responses = await Promise.all(
    servers.map((server) =>
      ask(options.transport, {
        name,
        type: "SOA",
        server,
        recursion,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
      }),
    ),
  );
  for (const response of responses) {
    if (response.outcome !== "answer" || (!recursion && !response.aa)) continue;
    if (response.rcode !== "NOERROR" && response.rcode !== "NXDOMAIN") continue;
    const apex = response.answers.find((record) => record.type === "SOA");
    if (apex !== undefined && accept(apex.name)) {
      return {
        zone: apex.name,
        soa: apex.rname === undefined ? null : { mname: apex.data, rname: apex.rname },
      };
    }
    if (response.soa !== null && accept(response.soa.zone)) {
      return { zone: response.soa.zone, soa: { mname: response.soa.mname, rname: response.soa.rname } };
    }
  }
  return null;
}

async function askNs(
  servers: string[],
  zone: string,
  recursion: boolean,
  options: QueryOptions,
): Promise<string[] | null> {
  const responses = await Promise.all(
    servers.map((server) =>
      ask(options.transport, {
        name: zone,
        type: "NS",
        server,
        recursion,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
      }),
    ),
  );
  for (const response of responses) {
    if (response.outcome !== "answer" || response.rcode !== "NOERROR") continue;
    if (!recursion && !response.aa) continue;
    const names = response.answers
      .filter((record) => record.type === "NS" && record.name === zone)
      .map((record) => record.data);
    if (names.length > 0) return names;
  }
  return null;
}

/**
 * Zones' names already found, per DNS client and servers asked, so a sweep of a /24 (one zone)
 * asks the zone's SOA and NS once, not once per address. Kept OWNER_ZONE_SECONDS: the owner is
 * informative (no verdict reads it), and a zone's servers and contact change rarely.
 */
export const OWNER_ZONE_SECONDS = 300;
const MAX_ZONES = 1024;

export class OwnerZoneCache {
  private readonly entries = new Map<string, { zone: KeptZone; expires: number }>();
  /** Look-ups under way, by the asked name's parent: siblings (a sweep's neighbours) share one. */
  readonly pending = new Map<string, Promise<KeptZone>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached zone enclosing `name` most closely, or null. */
  find(scope: string, name: string): KeptZone | null {
    let candidate = name;
    for (;;) {
      const entry = this.entries.get(`${scope}|${candidate}`);
      if (entry !== undefined && entry.expires > this.now()) return entry.zone;
      const dot = candidate.indexOf(".");
      if (dot < 0) return null;
      candidate = candidate.slice(dot + 1);
    }
  }

  put(scope: string, zone: KeptZone): void {
    if (zone.zone === null || zone.soa === null || zone.nameservers.length === 0) return;
    if (this.entries.size >= MAX_ZONES) this.entries.clear();
    this.entries.set(`${scope}|${zone.zone}`, { zone, expires: this.now() + OWNER_ZONE_SECONDS * 1000 });
  }
}

const caches = new WeakMap<object, OwnerZoneCache>();

/** One cache per DNS client (the check's base transport): a test's fake never sees another's zones. */
export function ownerZoneCacheFor(key: object): OwnerZoneCache {
  let cache = caches.get(key);
  if (cache === undefined) {
    cache = new OwnerZoneCache();
    caches.set(key, cache);
  }
  return cache;
}

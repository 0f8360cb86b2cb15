// Reverse zones' authoritative servers, discovered once per zone and kept for the TTL of the
// zone's NS records (RFC 1034 4.3.2 / RFC 2181 5.2: data is good for its TTL), not once per
// address: a sweep of a /16 asks for 256 zones' servers, not 65,536. Concurrent discoveries for
// siblings (names under the same parent) share one lookup.
import type { DnsTransport } from "./dns-types.js";
import type { NotAskedServer } from "./types.js";

export interface ZoneServers {
  zone: string;
  servers: string[];
  /** Seconds the answer may be kept (the NS records' TTL). */
  ttl: number;
  /** The zone's NS names as discovery read them (the owner section reports them). */
  nsNames?: string[];
  /** The zone's SOA names when discovery's answer carried them (the owner section's contact). */
  soa?: { mname: string; rname: string } | null;
  /** Each server's NS name (host:port -> name), for messages. */
  nameServers?: Record<string, string>;
  /** NS found and not asked (non-public addresses, issue 28). */
  notAsked?: NotAskedServer[];
}

/** Longest TTL kept whatever the records say, so a renumbered server is seen within the hour. */
const MAX_TTL_SECONDS = 3600;

export class ZoneServerCache {
  private readonly entries = new Map<string, { servers: ZoneServers; expires: number }>();
  private readonly pending = new Map<string, Promise<ZoneServers | null>>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The servers of the closest cached zone enclosing `name` (asked through `scope`: the
   * resolvers and port the discovery used), else `discover(name)`'s, shared with any discovery
   * under way for a sibling of `name`. Failures are not kept.
   */
  async find(
    scope: string,
    name: string,
    discover: (name: string) => Promise<ZoneServers | null>,
  ): Promise<ZoneServers | null> {
    const cached = this.lookup(scope, name);
    if (cached !== null) return cached;
    const parent = name.includes(".") ? name.slice(name.indexOf(".") + 1) : name;
    const key = `${scope}|${parent}`;
    const running = this.pending.get(key);
    if (running !== undefined) {
      const shared = await running;
      // The sibling's zone encloses this name unless the sibling is itself a zone's apex.
      if (shared !== null && encloses(shared.zone, name)) return shared;
      return this.lookup(scope, name) ?? this.discoverNow(scope, name, discover);
    }
    const started = this.discoverNow(scope, name, discover);
    this.pending.set(key, started);
    try {
      return await started;
    } finally {
      if (this.pending.get(key) === started) this.pending.delete(key);
    }
  }

  /** Forgets `zone` (its servers gave no authoritative answer: look again next time). */
  forget(scope: string, zone: string): void {
    this.entries.delete(`${scope}|${zone}`);
  }

  private async discoverNow(
    scope: string,
    name: string,
    discover: (name: string) => Promise<ZoneServers | null>,
  ): Promise<ZoneServers | null> {
    const found = await discover(name);
    if (found !== null && found.ttl > 0) {
      const ttl = Math.min(found.ttl, MAX_TTL_SECONDS);
      this.entries.set(`${scope}|${found.zone}`, { servers: found, expires: this.now() + ttl * 1000 });
    }
    return found;
  }

  private lookup(scope: string, name: string): ZoneServers | null {
    let candidate = name;
    for (;;) {
      const key = `${scope}|${candidate}`;
      const entry = this.entries.get(key);
      if (entry !== undefined) {
        if (entry.expires > this.now()) return entry.servers;
        this.entries.delete(key);
      }
      const dot = candidate.indexOf(".");
      if (dot < 0) return null;
      candidate = candidate.slice(dot + 1);
    }
  }
}

function encloses(zone: string, name: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

const caches = new WeakMap<DnsTransport, ZoneServerCache>();

/**
 * One cache per transport: what one client (or a test's fake transport) discovered is never
 * served to another that may see other zones.
 */
export function zoneCacheFor(transport: DnsTransport): ZoneServerCache {
  let cache = caches.get(transport);
  if (cache === undefined) {
    cache = new ZoneServerCache();
    caches.set(transport, cache);
  }
  return cache;
}

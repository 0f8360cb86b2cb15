// RDAP (RFC 9082 queries, RFC 9083 answers) for the network that holds an address: its name, the
// registrant's name and the abuse mailbox. Node's fetch, bounded by the caller's signal (the
// check's deadline), the answer capped in size and parsed with zod; any failure (timeout, 404,
// 429, huge or malformed JSON, a redirect elsewhere) is "no network", never an error that could
// touch the verdict.
//
// Redirects: RIRs answer for space transferred to another RIR with a redirect (RFC 7480 5.2), so
// one is followed by hand (fetch's `redirect: "manual"`), at most MAX_REDIRECTS, and only over
// https to one of the RIRs' hosts (rdap-bootstrap.ts RIR_HOSTS); with RDAP_URL set, only to that
// URL's own origin. Anything else ends the look-up.
import { z } from "zod";
import type { OwnerNetwork, RdapLookup } from "../../types.js";
import { RIR_HOSTS, rdapBaseFor } from "./rdap-bootstrap.js";
import { contains, rdapLookupKeys, rdapRangeKey } from "./rdap-range.js";

export { contains, rdapBlock, rdapLookupKeys, rdapRangeKey, toBigInt } from "./rdap-range.js";

/** Largest answer read; an RIR's network object is a few KiB. */
export const MAX_RDAP_BYTES = 256 * 1024;
const MAX_REDIRECTS = 2;
/** How long a network is kept (RDAP answers carry no TTL; registrations change rarely). */
export const RDAP_CACHE_SECONDS = 24 * 3600;

interface Entity {
  roles?: string[] | undefined;
  vcardArray?: unknown[] | undefined;
  entities?: Entity[] | undefined;
}

const entitySchema: z.ZodType<Entity> = z.lazy(() =>
  z.object({
    roles: z.array(z.string()).optional(),
    vcardArray: z.array(z.unknown()).optional(),
    entities: z.array(entitySchema).optional(),
  }),
);

const networkSchema = z.object({
  objectClassName: z.literal("ip network"),
  startAddress: z.string(),
  endAddress: z.string(),
  name: z.string().optional(),
  entities: z.array(entitySchema).optional(),
});

/** A network with its range, as cached. */
export interface CachedNetwork {
  start: string;
  end: string;
  network: OwnerNetwork;
}

/** Networks kept per range, the smallest holding an address answering it (rdap-range.ts; src/store/rdap-cache.ts in Redis; inProcessRdapCache for the CLI). */
export interface RdapCache {
  get(ip: string): Promise<OwnerNetwork | null | undefined>;
  /** Keeps `entry`, found for `ip`. */
  set(ip: string, entry: CachedNetwork): Promise<void>;
}

export interface RdapClientOptions {
  /** RDAP_URL: one base for every address (`<base>/ip/<address>`); null: the RIRs' bootstrap. */
  baseUrl: string | null;
  cache?: RdapCache;
  fetch?: typeof fetch;
}

/** A server that failed (unreachable, 429, 5xx) is not asked again for this long: a sweep's thousands of checks do not each wait on it. */
export const RDAP_BACKOFF_MS = 60_000;

export function createRdapLookup(options: RdapClientOptions, now: () => number = Date.now): RdapLookup {
  const doFetch = options.fetch ?? fetch;
  const downUntil = new Map<string, number>();
  return async (ip, signal) => {
    const cached = await options.cache?.get(ip).catch(() => undefined);
    if (cached !== undefined) return cached;
    const base = options.baseUrl ?? rdapBaseFor(ip);
    if (base === null) return null;
    const url = new URL(`ip/${ip}`, base.endsWith("/") ? base : `${base}/`);
    if ((downUntil.get(url.origin) ?? 0) > now()) return null;
    const allowed = (next: URL) =>
      options.baseUrl === null
        ? next.protocol === "https:" && RIR_HOSTS.has(next.host)
        : next.origin === url.origin;
    const body = await fetchBounded(doFetch, url, allowed, signal).catch((err: unknown) =>
      // The check's deadline ending the look-up says nothing about the server.
      signal.aborted ? null : err instanceof ServerDown ? err : new ServerDown(),
    );
    if (body instanceof ServerDown) {
      downUntil.set(url.origin, now() + RDAP_BACKOFF_MS);
      return null;
    }
    if (body === null) return null;
    const found = parseNetwork(body);
    if (found === null || !contains(found, ip)) return null;
    await options.cache?.set(ip, found).catch(() => {});
    return found.network;
  };
}

class ServerDown extends Error {}

async function fetchBounded(
  doFetch: typeof fetch,
  first: URL,
  allowed: (url: URL) => boolean,
  signal: AbortSignal,
): Promise<string | null> {
  let url = first;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await doFetch(url, {
      signal,
      redirect: "manual",
      headers: { accept: "application/rdap+json, application/json" },
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get("location");
      if (location === null) return null;
      const next = new URL(location, url);
      if (!allowed(next)) return null;
      url = next;
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      // 429 (RFC 7480 5.5: rate limited) and server errors: leave the server alone for a while.
      if (response.status === 429 || response.status >= 500) throw new ServerDown();
      return null;
    }
    return readCapped(response, signal);
  }
  return null;
}

/** The body as text, or null past MAX_RDAP_BYTES (declared or read). */
async function readCapped(response: Response, signal: AbortSignal): Promise<string | null> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_RDAP_BYTES || response.body === null) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (signal.aborted) {
      await reader.cancel().catch(() => {});
      return null;
    }
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RDAP_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** An RFC 9083 ip network object's name, registrant and abuse mailbox; null when it is not one. */
export function parseNetwork(text: string): CachedNetwork | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = networkSchema.safeParse(json);
  if (!parsed.success) return null;
  const entities = flatten(parsed.data.entities ?? [], 0);
  const registrant = entities.find((entity) => entity.roles?.includes("registrant"));
  const abuse = entities.find((entity) => entity.roles?.includes("abuse") && vcardValue(entity, "email"));
  return {
    start: parsed.data.startAddress,
    end: parsed.data.endAddress,
    network: {
      name: parsed.data.name ?? null,
      org: registrant === undefined ? null : vcardValue(registrant, "fn"),
      abuse: abuse === undefined ? null : vcardValue(abuse, "email"),
      source: "rdap",
    },
  };
}

/** Entities and the entities they hold (ARIN nests the abuse contact in the registrant), 4 deep at most. */
function flatten(entities: Entity[], depth: number): Entity[] {
  if (depth > 3) return [];
  return entities.flatMap((entity) => [entity, ...flatten(entity.entities ?? [], depth + 1)]);
}

/** A jCard (RFC 7095) property's text value: ["vcard", [[name, params, type, value], ...]]. */
function vcardValue(entity: Entity, property: string): string | null {
  const card = entity.vcardArray;
  if (card === undefined || card[0] !== "vcard" || !Array.isArray(card[1])) return null;
  for (const item of card[1] as unknown[]) {
    if (Array.isArray(item) && item[0] === property && typeof item[3] === "string" && item[3] !== "") {
      return item[3].slice(0, 256);
    }
  }
  return null;
}

/** Networks kept in this process (the CLI; `rdns serve` without Redis), bounded in number and time, by range (rdap-range.ts). */
export function inProcessRdapCache(max = 1024, now: () => number = Date.now): RdapCache {
  const entries = new Map<string, CachedNetwork & { expires: number }>();
  return {
    async get(ip) {
      for (const key of rdapLookupKeys(ip)) {
        const entry = entries.get(key);
        if (entry !== undefined && entry.expires > now() && contains(entry, ip)) return entry.network;
      }
      return undefined;
    },
    async set(ip, entry) {
      const key = rdapRangeKey(entry, ip);
      entries.delete(key);
      if (entries.size >= max) {
        for (const [old, kept] of entries) if (kept.expires <= now()) entries.delete(old);
        // Still full: the oldest goes (a Map keeps insertion order).
        const oldest = entries.keys().next();
        if (entries.size >= max && !oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, { ...entry, expires: now() + RDAP_CACHE_SECONDS * 1000 });
    },
  };
}

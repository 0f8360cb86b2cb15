// The blocklists' questions (RFC 5782): the IP's reverse name without its in-addr.arpa / ip6.arpa
// suffix, under each list's zone, A first; the TXT (the list's reason) only once the A says
// "listed", so a clean address costs each list one question. Asked through the configured
// resolvers, all at once, the first conclusive answer winning (as the forward lookups are).
//
// Politeness: answers are kept no longer than their TTL (a listing's A TTL, a "not listed"'s
// negative TTL from the SOA, RFC 2308 5), per list, IP and resolvers, in this process. A second
// worker process asks again, but through the same recursive resolver, which holds the answer for
// the same TTL: the list sees the resolver's one query either way, so a shared (Redis) cache
// would save only round trips to our own resolver.
import type { DnsResponse } from "../../dns-types.js";
import type { BlocklistOptions } from "../../types.js";
import type { AskContext } from "../section.js";
import { type BlocklistDefinition, definitionOf, dqsZone, errorMeaning, SPAMHAUS_ZEN } from "./lists.js";

/** What one list answered (the public zone only: a DQS key never appears here). */
export interface ListAnswer {
  zone: string;
  outcome: "listed-or-answer" | "nxdomain" | "nodata" | "failed";
  /** The A records (any answer: in 127.0.0.0/8 or not, the analysis judges). */
  addresses: string[];
  /** Why there is no answer ("SERVFAIL from 127.0.0.1:5301"); null otherwise. */
  error: string | null;
  txt: string | null;
  /** The list's test point (./health.ts); absent or null: not known when the check ended. */
  health?: ZoneHealth | null;
}

/** Whether the list answers us at all, from its RFC 5782 test point (./health.ts). */
export interface ZoneHealth {
  /** ok: the test point is listed; broken: it is not (the list's "not listed" means nothing). */
  state: "ok" | "broken" | "unknown";
  /** Why, in words for the report (never naming a DQS key); null when ok. */
  reason: string | null;
}

export type BlocklistsAsked = ListAnswer[];

/** The name asked of `zone` for an IP's reverse name (RFC 5782 2.1 IPv4, 2.4 IPv6 nibbles). */
export function listQueryName(reverseName: string, zone: string): string {
  const reversed = reverseName.replace(/\.(in-addr|ip6)\.arpa\.?$/i, "");
  return `${reversed}.${zone}`;
}

/** The zone actually asked: Spamhaus through DQS when a key is set (docs/configuration.md). */
export function queryZone(zone: string, options: BlocklistOptions): string {
  return zone === SPAMHAUS_ZEN && options.dqsKey ? dqsZone(options.dqsKey) : zone;
}

/** Which configured lists an address of `family` is asked of (IPv6 only where a list serves it). */
export function listsFor(options: BlocklistOptions | undefined, family: 4 | 6): BlocklistDefinition[] {
  return (options?.zones ?? []).map(definitionOf).filter((list) => family === 4 || list.ipv6);
}

interface Cached {
  expires: number;
  answer: ListAnswer;
}

/** Per DNS client (a test's transport has its own), bounded. */
const caches = new WeakMap<object, Map<string, Cached>>();
const MAX_CACHED = 10_000;

function cacheOf(client: object): Map<string, Cached> {
  let cache = caches.get(client);
  if (cache === undefined) {
    cache = new Map();
    caches.set(client, cache);
  }
  return cache;
}

function remember(cache: Map<string, Cached>, key: string, answer: ListAnswer, ttl: number | null): void {
  if (ttl === null || ttl <= 0) return;
  if (cache.size >= MAX_CACHED) {
    // Oldest first (a Map keeps insertion order): drop a tenth rather than one per insert.
    let drop = Math.ceil(MAX_CACHED / 10);
    for (const old of cache.keys()) {
      if (drop-- <= 0) break;
      cache.delete(old);
    }
  }
  cache.set(key, { expires: Date.now() + ttl * 1000, answer });
}

export function describeFailure(response: DnsResponse): string {
  if (response.outcome === "answer") return `${response.rcode ?? "an error"} from ${response.server}`;
  if (response.outcome === "timeout") return `no answer from ${response.server} in time`;
  return `could not ask ${response.server}`;
}

/** The records' lowest TTL for an answer, the SOA's for a negative one (RFC 2308 5); null: keep nothing. */
function ttlOf(response: DnsResponse, addresses: string[]): number | null {
  if (addresses.length > 0) {
    const ttls = response.answers.filter((record) => record.type === "A").map((record) => record.ttl);
    return ttls.length > 0 ? Math.min(...ttls) : null;
  }
  return response.soa === null ? null : Math.min(response.soa.ttl, response.soa.minimum || response.soa.ttl);
}

/** One question to every resolver at once; the first conclusive answer wins, else the first failure. */
export async function askResolvers(
  ctx: AskContext,
  name: string,
  type: "A" | "TXT",
): Promise<DnsResponse | null> {
  if (ctx.resolvers.length === 0) return null;
  return new Promise((resolve) => {
    let pending = ctx.resolvers.length;
    let first: DnsResponse | null = null;
    let settled = false;
    for (const server of ctx.resolvers) {
      void ctx.ask({ name, type, server }).then((response) => {
        pending--;
        if (settled) return;
        const conclusive =
          response.outcome === "answer" && (response.rcode === "NOERROR" || response.rcode === "NXDOMAIN");
        first ??= response;
        if (conclusive || pending === 0) {
          settled = true;
          resolve(conclusive ? response : first);
        }
      });
    }
  });
}

function txtOf(response: DnsResponse | null): string | null {
  if (response === null || response.outcome !== "answer") return null;
  const texts = response.answers.filter((record) => record.type === "TXT").map((record) => record.data);
  return texts.length > 0 ? texts.join(" ") : null;
}

/** Asks one list about the IP (or takes its cached answer). */
export async function askList(
  ctx: AskContext,
  reverseName: string,
  list: BlocklistDefinition,
  options: BlocklistOptions,
): Promise<ListAnswer> {
  const name = listQueryName(reverseName, queryZone(list.zone, options));
  const cache = cacheOf(ctx.client);
  // The key holds the public zone, never the DQS key's name: it is a secret kept out of memory dumps too.
  const key = `${list.zone}|${options.dqsKey ? "dqs" : "public"}|${reverseName}|${ctx.resolvers.join(",")}`;
  const cached = cache.get(key);
  if (cached !== undefined && cached.expires > Date.now()) return cached.answer;
  const response = await askResolvers(ctx, name, "A");
  if (response === null) {
    return { zone: list.zone, outcome: "failed", addresses: [], error: "no resolver to ask", txt: null };
  }
  if (response.outcome !== "answer" || (response.rcode !== "NOERROR" && response.rcode !== "NXDOMAIN")) {
    return { zone: list.zone, outcome: "failed", addresses: [], error: describeFailure(response), txt: null };
  }
  const addresses = response.answers.filter((record) => record.type === "A").map((record) => record.data);
  let txt: string | null = null;
  if (addresses.some((address) => address.startsWith("127.") && errorMeaning(list, address) === null)) {
    txt = txtOf(await askResolvers(ctx, name, "TXT"));
  }
  const answer: ListAnswer = {
    zone: list.zone,
    outcome:
      response.rcode === "NXDOMAIN" ? "nxdomain" : addresses.length > 0 ? "listed-or-answer" : "nodata",
    addresses,
    error: null,
    txt,
  };
  remember(cache, key, answer, ttlOf(response, addresses));
  return answer;
}

/** Empties the answers kept (tests that change a list's zone between checks). */
export function forgetBlocklistAnswers(client: object): void {
  caches.get(client)?.clear();
}

// When a cached "no PTR" lets go.
//
// Exports:
//   predictNegativeCacheExpiry(obs) -> NegativeCacheReport | null
//     ttl: the zone's negative TTL, RFC 2308 section 5: min(SOA MINIMUM, TTL of the SOA record),
//          from the SOA the authority returns with its negative answer;
//     clearsBy: now + the longest time a resolver still serving a negative answer has left (the
//          SOA TTL a resolver returns from its cache is the time left, RFC 2308 section 5), or,
//          when no resolver holds one but the authority is negative, now + ttl (a resolver that
//          asks now keeps the answer that long).
//     null when no negative answer was seen anywhere, or nothing tells how long one lasts.
//   isNegative(status), formatInstant(date)

import type { LookupStatus, NegativeCacheReport, Observations } from "./types.js";

export function isNegative(status: LookupStatus): boolean {
  return status === "nxdomain" || status === "nodata";
}

/** ISO 8601 in UTC to the second, as in docs/cli.md ("2026-11-27T12:00:05Z"). */
export function formatInstant(date: Date): string {
  // toISOString always ends ".sssZ"; cutting it is the regex replace it was, without the regex
  // (it ran for every NXDOMAIN of a sweep and showed in its CPU profile).
  const iso = date.toISOString();
  return `${iso.slice(0, -5)}Z`;
}

export function predictNegativeCacheExpiry(
  obs: Pick<Observations, "authority" | "resolvers" | "now">,
): NegativeCacheReport | null {
  const authorityNegative = obs.authority !== null && isNegative(obs.authority.status);
  const remaining = obs.resolvers
    .filter((answer) => isNegative(answer.status) && answer.negativeTtlRemaining !== null)
    .map((answer) => Math.max(0, answer.negativeTtlRemaining ?? 0));
  const anyNegative = authorityNegative || obs.resolvers.some((answer) => isNegative(answer.status));
  if (!anyNegative) return null;

  const soa = obs.authority?.soa ?? null;
  // Without the authority's SOA (authority unreachable, or it answered without one), the best
  // estimate of the zone's negative TTL is the longest time left any resolver reported: the
  // true TTL is at least that.
  const ttl = soa ? Math.min(soa.minimum, soa.ttl) : remaining.length > 0 ? Math.max(...remaining) : null;
  if (ttl === null) return null;

  const seconds = remaining.length > 0 ? Math.max(...remaining) : authorityNegative ? ttl : null;
  if (seconds === null) return null;
  // Round up to the whole second so the instant given is never before the cache lets go.
  const clearsAt = new Date(Math.ceil((obs.now.getTime() + seconds * 1000) / 1000) * 1000);
  return { ttl, clearsBy: formatInstant(clearsAt) };
}

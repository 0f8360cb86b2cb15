// The servers a check asks: the configured resolvers (the system's when none are) and listed
// authorities, validated and written one way (host:port), each once.
import { getServers } from "node:dns";
import { formatServer, parseServer } from "./server.js";

/** Validates and canonicalises host[:port] (throws InvalidInputError naming the bad one). */
export function normaliseServers(servers: string[]): string[] {
  // First appearance kept, as a Set would, without building one per check (a handful of servers).
  const canonical: string[] = [];
  for (const server of servers) {
    const form = canonicalServer(server);
    if (!canonical.includes(form)) canonical.push(form);
  }
  return canonical;
}

/**
 * Canonical forms already worked out: a sweep passes the same few servers to every one of its
 * checks, and parsing them again per check showed in its CPU profile. Bounded, since a long-lived
 * process may see many; a bad server throws and is not kept.
 */
const canonicalServers = new Map<string, string>();
function canonicalServer(server: string): string {
  let canonical = canonicalServers.get(server);
  if (canonical === undefined) {
    canonical = formatServer(parseServer(server));
    if (canonicalServers.size >= 256) canonicalServers.clear();
    canonicalServers.set(server, canonical);
  }
  return canonical;
}

/** The machine's configured resolvers, as Node reads them (c-ares, from /etc/resolv.conf). */
export function systemResolvers(): string[] {
  return getServers();
}

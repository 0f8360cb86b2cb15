// A host name given where an address was expected (`rdns check mail.example.com`): its A and AAAA
// records, asked of the same resolvers the check uses, so each address can then be checked with
// the name as HELO. As everywhere in the check, a DNS failure is kept apart from "no address".
import { query } from "./dns-client.js";
import { lookupAddresses, type QueryOptions } from "./lookups.js";
import { systemResolvers } from "./pipeline.js";
import { formatServer, parseServer } from "./server.js";
import { CONCLUSIVE_STATUSES, type ForwardLookup } from "./types.js";

/** RFC 1123 2.1 letters-digits-hyphen labels, at least two of them, the last not all digits. */
const HOST_NAME =
  /^(?=.{1,253}\.?$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

/** `text` as a lower-case host name without the trailing dot, or null when it is not one. */
export function asHostName(text: string): string | null {
  const trimmed = text.trim();
  return HOST_NAME.test(trimmed) ? trimmed.toLowerCase().replace(/\.$/, "") : null;
}

export type HostAddresses =
  | {
      status: "found";
      name: string;
      /** IPv4 first, then IPv6, as the resolvers returned them. */
      addresses: string[];
      /** A family whose lookup failed (timeout, SERVFAIL, refused) while the other answered. */
      failed: FamilyLookup[];
    }
  | {
      status: "none";
      name: string /** nxdomain when either family said so, else nodata. */;
      reason: "nxdomain" | "nodata";
      server: string | null;
    }
  | { status: "error"; name: string; lookups: FamilyLookup[] };

export type FamilyLookup = ForwardLookup & { family: 4 | 6 };

export interface ResolveHostOptions {
  /** Recursive resolvers (host[:port]); the system's when empty, as in the check. */
  resolvers: string[];
  timeoutMs: number;
  retries?: number;
  transport?: QueryOptions["transport"];
}

/** A and AAAA of `name` from the resolvers at once (the first conclusive answer per family wins). */
export async function resolveHostAddresses(
  name: string,
  options: ResolveHostOptions,
): Promise<HostAddresses> {
  const servers = (options.resolvers.length > 0 ? options.resolvers : systemResolvers()).map((server) =>
    formatServer(parseServer(server)),
  );
  const queryOptions: QueryOptions = {
    transport: options.transport ?? query,
    timeoutMs: options.timeoutMs,
    retries: options.retries ?? 1,
  };
  const lookups: FamilyLookup[] = await Promise.all(
    ([4, 6] as const).map(async (family) => ({
      ...(await lookupAddresses(name, family, family === 4 ? "0.0.0.0" : "::", servers, queryOptions)),
      family,
    })),
  );
  const addresses = lookups.flatMap((lookup) => (lookup.status === "found" ? lookup.addresses : []));
  const failed = lookups.filter((lookup) => !CONCLUSIVE_STATUSES.has(lookup.status));
  if (addresses.length > 0) return { status: "found", name, addresses, failed };
  if (failed.length > 0) return { status: "error", name, lookups: failed };
  const nxdomain = lookups.find((lookup) => lookup.status === "nxdomain");
  return {
    status: "none",
    name,
    reason: nxdomain ? "nxdomain" : "nodata",
    server: (nxdomain ?? lookups[0])?.server ?? null,
  };
}

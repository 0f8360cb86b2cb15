// A host name given where an address was expected (`rdns check mail.example.com`): its A and AAAA
// records, asked of the same resolvers the check uses, so each address can then be checked with
// the name as HELO. As everywhere in the check, a DNS failure is kept apart from "no address".
// Issue 28: a typed name must not reveal the inside of a network (`db.corp.internal A 10.1.2.3`,
// a name pointing at 169.254.169.254): its non-public addresses are counted, never listed or
// checked, unless the operator asks to see them (showPrivateAddresses).

import { systemResolvers } from "./check-servers.js";
import { query } from "./dns-client.js";
import { lookupAddresses, type QueryOptions } from "./lookups.js";
import { isNonPublicAddress } from "./private-addresses.js";
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
      /**
       * IPv4 first, then IPv6, as the resolvers returned them: the public ones only, unless
       * showPrivateAddresses (then every one, non-public ones included).
       */
      addresses: string[];
      /** How many non-public addresses were left out of `addresses` (0 when shown or none). */
      privateAddresses: number;
      /** A family whose lookup failed (timeout, SERVFAIL, refused) while the other answered. */
      failed: FamilyLookup[];
    }
  | {
      /** Every address found is non-public (and not shown): nothing a receiver could see. */
      status: "private";
      name: string;
      /** How many non-public addresses the name has (never which). */
      privateAddresses: number;
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
  /** List non-public addresses too (SHOW_PRIVATE_ADDRESSES, --show-private-addresses). */
  showPrivateAddresses?: boolean;
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
  const found = lookups.flatMap((lookup) => (lookup.status === "found" ? lookup.addresses : []));
  const failed = lookups.filter((lookup) => !CONCLUSIVE_STATUSES.has(lookup.status));
  const addresses = options.showPrivateAddresses
    ? found
    : found.filter((address) => !isNonPublicAddress(address));
  const privateAddresses = found.length - addresses.length;
  if (addresses.length > 0) return { status: "found", name, addresses, privateAddresses, failed };
  if (privateAddresses > 0) return { status: "private", name, privateAddresses, failed };
  if (failed.length > 0) return { status: "error", name, lookups: failed };
  const nxdomain = lookups.find((lookup) => lookup.status === "nxdomain");
  return {
    status: "none",
    name,
    reason: nxdomain ? "nxdomain" : "nodata",
    server: (nxdomain ?? lookups[0])?.server ?? null,
  };
}

/** "2 non-public addresses": the words for addresses a name has that are not listed. */
function nonPublicWords(count: number): string {
  return count === 1 ? "a non-public address" : `${count} non-public addresses`;
}

/**
 * The refusal when every address a name has is non-public, naming none of them (issue 28), as a
 * typed private IP is refused: "db.corp.internal resolves only to a non-public address ...".
 */
export function privateOnlyText(found: Extract<HostAddresses, { status: "private" }>): string {
  const only = found.privateAddresses === 1 ? "" : "only ";
  const text = `${found.name} resolves ${only}to ${nonPublicWords(found.privateAddresses)} (not shown): receivers never see them, so there is nothing to check; give the public IP your mail leaves from`;
  if (found.failed.length === 0) return text;
  // A family DNS could not answer may still hold a public address: "could not tell", as always.
  const failures = found.failed.map(
    (lookup) => `IPv${lookup.family} ${lookup.status} from ${lookup.server ?? "no resolver"}`,
  );
  return `${text} (could not tell about ${failures.join(", ")}: a DNS failure, not "no address")`;
}

/** Beside the public addresses checked: "mail.example.com also has a non-public address, ...". */
export function privateAlsoText(name: string, count: number): string | null {
  if (count === 0) return null;
  return `${name} also has ${nonPublicWords(count)}, not checked and not shown: receivers never see them`;
}

// `/rdns <host-name> [helo]`: people often know their mail host's name, not its IP. The name's A
// and AAAA come from the check's own resolvers (src/check/resolve-host.ts, as `rdns check
// <host-name>`), and each address is then checked with the name as HELO unless one was given. As
// everywhere, a DNS failure resolving the name is "could not tell", never "no address". Its
// non-public addresses are counted, never named in the channel, unless SHOW_PRIVATE_ADDRESSES
// (issue 28): a name that has only those is refused as a typed private IP is.
import {
  asHostName,
  type HostAddresses,
  privateAlsoText,
  privateOnlyText,
  resolveHostAddresses,
} from "../check/resolve-host.js";
import type { AppContext } from "./context.js";

/** `text` as a lower-case host name (the check's rule), or null when it is not one. */
export function parseHostName(text: string): string | null {
  return asHostName(text);
}

/** Each address opens a thread of its own; more than this in one answer is noise. */
export const MAX_HOST_CHECKS = 4;

export function resolveHostForChat(ctx: Pick<AppContext, "settings">, name: string): Promise<HostAddresses> {
  return resolveHostAddresses(name, {
    resolvers: ctx.settings.check.resolvers,
    timeoutMs: ctx.settings.check.timeoutMs,
    showPrivateAddresses: ctx.settings.check.showPrivateAddresses === true,
  });
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What the public answer says before the checks: the addresses, and which HELO each is checked with. */
export function hostIntro(found: Extract<HostAddresses, { status: "found" }>, helo: string | null): string {
  const checked = found.addresses.slice(0, MAX_HOST_CHECKS);
  const how =
    helo === null ? "with the name as HELO (no HELO given)" : `with HELO ${helo} (the HELO you gave)`;
  const hidden = privateAlsoText(found.name, found.privateAddresses);
  const kind = hidden === null ? "address" : "public address";
  const lines = [
    `${found.name} has ${plural(found.addresses.length, kind, `${kind}es`)} (${found.addresses.join(", ")}); checking ${checked.length === 1 ? "it" : "each"} ${how}.`,
  ];
  if (found.addresses.length > checked.length)
    lines.push(`Only the first ${MAX_HOST_CHECKS} are checked here; ask about the others by IP.`);
  if (hidden !== null) lines.push(`${hidden}.`);
  for (const lookup of found.failed) {
    lines.push(
      `Could not tell whether ${found.name} has IPv${lookup.family} addresses: ${lookup.status} from ${lookup.server ?? "no resolver"} (a DNS failure, not "no address").`,
    );
  }
  return lines.join("\n");
}

/**
 * The one-line answer when there is nothing to check: no such name, only non-public addresses,
 * or DNS could not tell.
 */
export function hostNothingToCheck(found: Exclude<HostAddresses, { status: "found" }>): string {
  if (found.status === "private") return privateOnlyText(found);
  if (found.status === "none") {
    const what =
      found.reason === "nxdomain" ? "does not exist (NXDOMAIN)" : "has no A or AAAA record (NODATA)";
    return `${found.name} ${what}${found.server ? ` at ${found.server}` : ""}: nothing to check; give the sending IP instead`;
  }
  const failures = found.lookups.map(
    (lookup) =>
      `${lookup.family === 4 ? "A" : "AAAA"} ${lookup.status} from ${lookup.server ?? "no resolver"}`,
  );
  return `Could not tell which addresses ${found.name} has: ${failures.join(", ")} (a DNS failure, not "no address"); try again in a minute, or give the IP`;
}

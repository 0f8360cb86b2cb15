// Forward-confirmed reverse DNS (FCrDNS), as RFC 8601's `iprev` and Haraka judge it.
//
// Exports:
//   analyseFcrdns(obs, ptrNames, isGeneric?) -> { result, problems, confirming, lookups }
//     pass    some PTR name's A (IPv4) / AAAA (IPv6) lookup includes the IP;
//     fail    every name's lookup is conclusive and none includes it: BROKEN_PAIR (error);
//     unknown none confirms and some lookup failed (RFC 8601: "temperror", not "fail"):
//             DNS_ERROR (error; the verdict is inconclusive unless another error fails it);
//     unknown with no PTR names (nothing to confirm).
//   multiplePtrProblem(ptrNames, confirming) -> Problem | null   MULTIPLE_PTR (warning)

import { normaliseName } from "./name-parts.js";
import { addressesText } from "./private-addresses.js";
import { statusWord } from "./ptr-rules.js";
import type { FcrdnsResult, ForwardLookup, Observations, Problem } from "./types.js";
import { CONCLUSIVE_STATUSES } from "./types.js";

export interface FcrdnsAnalysis {
  result: FcrdnsResult;
  problems: Problem[];
  /** PTR names whose forward lookup includes the IP. */
  confirming: string[];
  /** The forward lookup for each PTR name, null when none was made. */
  lookups: Array<{ name: string; lookup: ForwardLookup | null }>;
}

export function findLookup(forward: ForwardLookup[], name: string): ForwardLookup | null {
  const wanted = normaliseName(name);
  return forward.find((lookup) => normaliseName(lookup.name) === wanted) ?? null;
}

/** "mail.example.test resolves to 198.51.100.7, not 203.0.113.5", "... has no A record". */
function describeLookup(name: string, lookup: ForwardLookup | null, ip: string, family: 4 | 6): string {
  const type = family === 4 ? "A" : "AAAA";
  if (!lookup) return `${name} was not looked up`;
  switch (lookup.status) {
    case "found": {
      // A non-public address is named only as "a private address" (issue 28): it never is the
      // checked (public) IP, so it never confirms it.
      const addresses = addressesText(lookup);
      return addresses !== ""
        ? `${name} resolves to ${addresses}, not ${ip}`
        : `${name} has no ${type} record`;
    }
    case "nodata":
      return `${name} has no ${type} record`;
    case "nxdomain":
      return `${name} does not exist (NXDOMAIN)`;
    default:
      return `the lookup of ${name} failed (${statusWord(lookup.status)})`;
  }
}

export function analyseFcrdns(
  obs: Observations,
  ptrNames: string[],
  isGeneric: (name: string) => boolean = () => false,
): FcrdnsAnalysis {
  const lookups = ptrNames.map((name) => ({ name, lookup: findLookup(obs.forward, name) }));
  if (lookups.length === 0) return { result: "unknown", problems: [], confirming: [], lookups };

  const confirming = lookups.filter(({ lookup }) => lookup?.confirms === true).map(({ name }) => name);
  const failed = lookups.filter(({ lookup }) => !lookup || !CONCLUSIVE_STATUSES.has(lookup.status));
  const type = obs.family === 4 ? "A" : "AAAA";

  if (confirming.length > 0) {
    const problems: Problem[] = [];
    if (failed.length > 0) {
      problems.push({
        code: "DNS_ERROR",
        severity: "warning",
        message: `${failed.map(({ name, lookup }) => describeLookup(name, lookup, obs.ip, obs.family)).join("; ")}; ${confirming.join(", ")} confirms the IP anyway.`,
        fix: "",
      });
    }
    return { result: "pass", problems, confirming, lookups };
  }

  const descriptions = lookups.map(({ name, lookup }) => describeLookup(name, lookup, obs.ip, obs.family));
  if (failed.length === 0) {
    const first = ptrNames[0] ?? "";
    return {
      result: "fail",
      confirming,
      lookups,
      problems: [
        {
          code: "BROKEN_PAIR",
          severity: "error",
          message: `No PTR name resolves back to ${obs.ip}: ${descriptions.join("; ")} (FCrDNS, RFC 8601 iprev).`,
          fix: isGeneric(first)
            ? `Set the PTR to your own mail host name, after pointing its ${type} record at ${obs.ip}; ${first} is not a name you control.`
            : `Point ${first}'s ${type} record at ${obs.ip}, or set the PTR to a name that resolves to it.`,
        },
      ],
    };
  }
  return {
    result: "unknown",
    confirming,
    lookups,
    problems: [
      {
        code: "DNS_ERROR",
        severity: "error",
        message: `Could not confirm that the PTR name resolves back to ${obs.ip}: ${descriptions.join("; ")} (RFC 8601 temperror, not a failure).`,
        fix: "Check again in a few minutes; if it persists, check the DNS servers of the PTR name's domain.",
      },
    ],
  };
}

export function multiplePtrProblem(ptrNames: string[], confirming: string[]): Problem | null {
  if (ptrNames.length < 2) return null;
  const broken = ptrNames.filter((name) => !confirming.includes(name));
  const risk =
    broken.length > 0 && confirming.length > 0
      ? ` ${broken.join(", ")} does not confirm the IP, and a receiver that looks at one name may pick it.`
      : "";
  const keep = confirming[0] ?? ptrNames[0] ?? "";
  return {
    code: "MULTIPLE_PTR",
    severity: "warning",
    message: `${ptrNames.length} PTR records (${ptrNames.join(", ")}); Postfix looks at only one, and receivers differ.${risk}`,
    fix: `Keep one PTR per sending IP: ask the IP's owner to leave only ${keep}.`,
  };
}

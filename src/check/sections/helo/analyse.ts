// The HELO section's analysis: what receivers check about the name a sending server announces.
//
// Exports:
//   analyseHelo(input) -> { report, problems }
//     HeloReport and HELO_NOT_FQDN / HELO_UNRESOLVED / HELO_IP_MISMATCH (errors), HELO_MISMATCH
//     (warning) and DNS_ERROR (warning: the HELO lookup failed, which says nothing about the PTR).
//
// RFC 5321 4.1.4: the EHLO argument is the client's FQDN or, when it has none, an address
// literal; a server may check that it corresponds to the client's address but must not refuse
// on that basis alone. Filters score it instead (rspamd HFILTER_HELO_NOT_FQDN 2.0,
// HFILTER_HELO_BAREIP 3.0, HFILTER_HELO_IP_A 1.0) and Postfix's reject_unknown_helo_hostname
// refuses a HELO with no address, so the shape, the address and the IP are errors here, and
// a HELO that resolves to the IP but differs from the PTR name is only a warning.

import { normaliseName } from "../../name-parts.js";
import { addressesText } from "../../private-addresses.js";
import type { ForwardLookup, HeloReport, Problem } from "../../types.js";
import { HELO_PROBLEMS } from "./problems.js";
import { checkHeloSyntax, sameAddress } from "./syntax.js";

const ANNOUNCE_OWN_FQDN =
  "Make the server announce its own FQDN (the name the PTR will point at) in HELO/EHLO.";

/**
 * "Announce <target>" when that is another name than the HELO given (its own FQDN when no target
 * is known); null when the target is the HELO itself: telling a server to announce what it
 * already announces fixes nothing, the name's A/AAAA is what is wrong.
 */
function announceInstead(helo: string, target: string | null): string | null {
  if (target === null) return ANNOUNCE_OWN_FQDN;
  if (normaliseName(target) === normaliseName(helo)) return null;
  return `Make the server announce HELO/EHLO ${target} (Postfix smtp_helo_name, Exim helo_data).`;
}

/** ", or make the server announce <target> ...": the other way out, when there is one. */
function orInstead(setHelo: string | null): string {
  if (setHelo === null) return ".";
  return `, or ${setHelo.charAt(0).toLowerCase()}${setHelo.slice(1)}`;
}

export interface HeloInput {
  /** The HELO given and its forward lookup (null for an address literal or a non-FQDN). */
  helo: { name: string; lookup: ForwardLookup | null };
  ip: string;
  family: 4 | 6;
  /** The PTR names taken as the truth (empty when there is no PTR or it is unknown). */
  ptrNames: string[];
  /** The name HELO should carry (a non-generic PTR name), for the fix text; null when unknown. */
  target?: string | null;
}

export function analyseHelo({ helo, ip, family, ptrNames, target = ptrNames[0] ?? null }: HeloInput): {
  report: HeloReport;
  problems: Problem[];
} {
  const syntax = checkHeloSyntax(helo.name);
  const setHelo = announceInstead(helo.name, target);
  if (syntax.addressLiteral) return analyseLiteral(helo, syntax.literal, ip, setHelo);

  const problems: Problem[] = [];
  if (!syntax.fqdn) {
    problems.push({
      code: "HELO_NOT_FQDN",
      severity: HELO_PROBLEMS.HELO_NOT_FQDN.severity,
      message: `HELO ${helo.name}: ${syntax.problem ?? "not a fully-qualified domain name"}.`,
      fix: setHelo ?? ANNOUNCE_OWN_FQDN,
    });
  }
  const lookup = helo.lookup;
  if (lookup && syntax.fqdn) problems.push(...lookupProblems(helo.name, lookup, ip, family, setHelo));

  let matchesPtr: boolean | null = null;
  if (ptrNames.length > 0) {
    const heloName = normaliseName(helo.name);
    matchesPtr = ptrNames.some((ptrName) => normaliseName(ptrName) === heloName);
    if (!matchesPtr && syntax.fqdn) {
      problems.push({
        code: "HELO_MISMATCH",
        severity: HELO_PROBLEMS.HELO_MISMATCH.severity,
        message: `HELO ${helo.name} differs from the PTR name ${ptrNames.join(", ")}; receivers score a mismatch but RFC 5321 4.1.4 forbids refusing on it alone.`,
        fix: setHelo ?? ANNOUNCE_OWN_FQDN,
      });
    }
  }

  const { resolves, resolvesToIp } = judgeLookup(helo.lookup);
  const report: HeloReport = {
    name: helo.name,
    fqdn: syntax.fqdn,
    addressLiteral: false,
    resolves,
    resolvesToIp,
    matchesPtr,
    lookup: helo.lookup,
  };
  return { report, problems };
}

/** An address literal ([192.0.2.1]) stands for itself: it must be the checked IP. */
function analyseLiteral(
  helo: HeloInput["helo"],
  literal: string | null,
  ip: string,
  setHelo: string | null,
): { report: HeloReport; problems: Problem[] } {
  const resolvesToIp = literal !== null && sameAddress(literal, ip);
  const problems: Problem[] = [];
  if (!resolvesToIp) {
    problems.push({
      code: "HELO_IP_MISMATCH",
      severity: HELO_PROBLEMS.HELO_IP_MISMATCH.severity,
      message: `HELO ${helo.name} is an address literal for another address, not ${ip}.`,
      fix: setHelo ?? ANNOUNCE_OWN_FQDN,
    });
  }
  const report: HeloReport = {
    name: helo.name,
    fqdn: false,
    addressLiteral: true,
    resolves: true,
    resolvesToIp,
    matchesPtr: null,
    lookup: helo.lookup,
  };
  return { report, problems };
}

/** What the HELO name's A/AAAA says: unresolved, another address, or could not tell. */
function lookupProblems(
  name: string,
  lookup: ForwardLookup,
  ip: string,
  family: 4 | 6,
  setHelo: string | null,
): Problem[] {
  const recordType = family === 4 ? "A" : "AAAA";
  if (lookup.status === "nxdomain" || lookup.status === "nodata") {
    return [
      {
        code: "HELO_UNRESOLVED",
        severity: HELO_PROBLEMS.HELO_UNRESOLVED.severity,
        message: `HELO ${name} does not resolve (${lookup.status === "nxdomain" ? "NXDOMAIN" : `no ${recordType} record`}); Postfix's reject_unknown_helo_hostname refuses it.`,
        fix: `Create the ${recordType} record ${normaliseName(name)} -> ${ip}${orInstead(setHelo)}`,
      },
    ];
  }
  if (lookup.status === "found" && !lookup.confirms) {
    return [
      {
        code: "HELO_IP_MISMATCH",
        severity: HELO_PROBLEMS.HELO_IP_MISMATCH.severity,
        message: `HELO ${name} resolves to ${addressesText(lookup) || "nothing"}, not ${ip} (rspamd HFILTER_HELO_IP_A).`,
        fix: `Point ${normaliseName(name)}'s ${recordType} record at ${ip}${orInstead(setHelo)}`,
      },
    ];
  }
  if (lookup.status !== "found") {
    return [
      {
        code: "DNS_ERROR",
        severity: "warning",
        message: `Could not look up HELO ${name} (${lookup.status.toUpperCase()}): whether it resolves to ${ip} is unknown.`,
        fix: "Check again; if it persists, check the DNS servers of the HELO name's domain.",
      },
    ];
  }
  return [];
}

function judgeLookup(lookup: ForwardLookup | null): {
  resolves: boolean | null;
  resolvesToIp: boolean | null;
} {
  if (!lookup) return { resolves: null, resolvesToIp: null };
  if (lookup.status === "found") return { resolves: true, resolvesToIp: lookup.confirms };
  if (lookup.status === "nxdomain" || lookup.status === "nodata")
    return { resolves: false, resolvesToIp: false };
  return { resolves: null, resolvesToIp: null };
}

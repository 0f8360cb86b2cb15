// HELO/EHLO rules: what receivers check about the name a sending server announces.
//
// Exports:
//   checkHeloSyntax(name) -> HeloSyntax   RFC 5321 4.1.4 shape: FQDN or address literal
//   sameAddress(a, b) -> boolean          two textual addresses are the same (IPv4-mapped = IPv4)
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

import ipaddr from "ipaddr.js";
import { normaliseName } from "./name-parts.js";
import type { ForwardLookup, HeloReport, Observations, Problem } from "./types.js";

export interface HeloSyntax {
  fqdn: boolean;
  addressLiteral: boolean;
  /** The address inside an address literal, normalised; null otherwise. */
  literal: string | null;
  /** Why the name is not acceptable, one sentence; null when it is. */
  problem: string | null;
}

/** rspamd hfilter's HELO-only checks: names that only mean something on a private network. */
const PRIVATE_SUFFIXES = /\.(lan|local|home|localdomain|intra|internal|localhost)$/;

export function checkHeloSyntax(rawName: string): HeloSyntax {
  const name = rawName.trim();
  const bad = (problem: string): HeloSyntax => ({
    fqdn: false,
    addressLiteral: false,
    literal: null,
    problem,
  });
  if (name === "") return bad("the HELO name is empty");

  const literal = /^\[(?:(ipv6):)?([^\]]+)\]$/i.exec(name);
  if (literal) {
    const [, tag, body = ""] = literal;
    if (tag ? ipaddr.IPv6.isValid(body) : ipaddr.IPv4.isValidFourPartDecimal(body)) {
      return { fqdn: false, addressLiteral: true, literal: ipaddr.parse(body).toString(), problem: null };
    }
    return bad(
      tag || !body.includes(":")
        ? `${name} is not a valid address literal (RFC 5321 4.1.3: [192.0.2.1] or [IPv6:2001:db8::1])`
        : `${name} lacks the IPv6: tag an IPv6 address literal needs ([IPv6:${body}], RFC 5321 4.1.3)`,
    );
  }
  if (ipaddr.isValid(name)) {
    return bad(
      `${name} is a bare IP address; RFC 5321 wants an FQDN or the literal [${ipaddr.IPv4.isValid(name) ? name : `IPv6:${name}`}] (rspamd HFILTER_HELO_BAREIP)`,
    );
  }

  const lower = normaliseName(name);
  if (lower === "localhost" || lower.startsWith("localhost.") || PRIVATE_SUFFIXES.test(lower)) {
    return bad(
      `${name} is a private name that means nothing outside your network (rspamd hfilter, SpamAssassin HELO_LOCALHOST)`,
    );
  }
  if (lower.length > 253)
    return bad(`the HELO name is ${lower.length} characters long; a DNS name has at most 253`);
  const labels = lower.split(".");
  if (labels.length < 2) {
    return bad(
      `"${name}" has no dot: it is not a fully-qualified domain name such as mail.example.com (rspamd HFILTER_HELO_NOT_FQDN)`,
    );
  }
  const badLabel = labels.find((label) => !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
  if (badLabel !== undefined) {
    return bad(
      `"${name}" is not a valid host name: label "${badLabel}" breaks the letters-digits-hyphen rule`,
    );
  }
  if (/^\d+$/.test(labels.at(-1) ?? ""))
    return bad(`"${name}" ends in an all-numeric label, which no top-level domain is`);
  return { fqdn: true, addressLiteral: false, literal: null, problem: null };
}

export function sameAddress(a: string, b: string): boolean {
  try {
    return ipaddr.process(a).toNormalizedString() === ipaddr.process(b).toNormalizedString();
  } catch {
    return false;
  }
}

export interface HeloInput {
  helo: NonNullable<Observations["helo"]>;
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
  const problems: Problem[] = [];
  const setHelo = target
    ? `Make the server announce HELO/EHLO ${target} (Postfix smtp_helo_name, Exim helo_data).`
    : "Make the server announce its own FQDN (the name the PTR will point at) in HELO/EHLO.";

  if (syntax.addressLiteral) {
    const resolvesToIp = syntax.literal !== null && sameAddress(syntax.literal, ip);
    if (!resolvesToIp) {
      problems.push({
        code: "HELO_IP_MISMATCH",
        severity: "error",
        message: `HELO ${helo.name} is an address literal for another address, not ${ip}.`,
        fix: setHelo,
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

  if (!syntax.fqdn) {
    problems.push({
      code: "HELO_NOT_FQDN",
      severity: "error",
      message: `HELO ${helo.name}: ${syntax.problem ?? "not a fully-qualified domain name"}.`,
      fix: setHelo,
    });
  }

  const { resolves, resolvesToIp } = judgeLookup(helo.lookup);
  const recordType = family === 4 ? "A" : "AAAA";
  const lookup = helo.lookup;
  if (lookup && syntax.fqdn) {
    if (lookup.status === "nxdomain" || lookup.status === "nodata") {
      problems.push({
        code: "HELO_UNRESOLVED",
        severity: "error",
        message: `HELO ${helo.name} does not resolve (${lookup.status === "nxdomain" ? "NXDOMAIN" : `no ${recordType} record`}); Postfix's reject_unknown_helo_hostname refuses it.`,
        fix: `Create the ${recordType} record ${normaliseName(helo.name)} -> ${ip}, or ${setHelo.charAt(0).toLowerCase()}${setHelo.slice(1)}`,
      });
    } else if (lookup.status === "found" && !lookup.confirms) {
      problems.push({
        code: "HELO_IP_MISMATCH",
        severity: "error",
        message: `HELO ${helo.name} resolves to ${lookup.addresses.join(", ") || "nothing"}, not ${ip} (rspamd HFILTER_HELO_IP_A).`,
        fix: `Point ${normaliseName(helo.name)}'s ${recordType} record at ${ip}, or ${setHelo.charAt(0).toLowerCase()}${setHelo.slice(1)}`,
      });
    } else if (lookup.status !== "found") {
      problems.push({
        code: "DNS_ERROR",
        severity: "warning",
        message: `Could not look up HELO ${helo.name} (${lookup.status.toUpperCase()}): whether it resolves to ${ip} is unknown.`,
        fix: "Check again; if it persists, check the DNS servers of the HELO name's domain.",
      });
    }
  }

  let matchesPtr: boolean | null = null;
  if (ptrNames.length > 0 && !syntax.addressLiteral) {
    const heloName = normaliseName(helo.name);
    matchesPtr = ptrNames.some((ptrName) => normaliseName(ptrName) === heloName);
    if (!matchesPtr && syntax.fqdn) {
      problems.push({
        code: "HELO_MISMATCH",
        severity: "warning",
        message: `HELO ${helo.name} differs from the PTR name ${ptrNames.join(", ")}; receivers score a mismatch but RFC 5321 4.1.4 forbids refusing on it alone.`,
        fix: setHelo,
      });
    }
  }

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

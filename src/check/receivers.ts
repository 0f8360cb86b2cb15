// How Gmail, Microsoft and Yahoo would treat mail from this IP, with the bounce each would send.
//
// Exports:
//   interface ReceiverInput
//   judgeReceivers(input) -> Record<ReceiverName, ReceiverVerdict>
//   gmailBounce(ip, family), microsoftIpv6Bounce(ip), MICROSOFT_BAD_HELO
//   heloNamesMicrosoft(name) -> boolean
//
// Texts and rules from docs/sources.md "Receivers":
// - Gmail (support.google.com/a/answer/81126): PTR whose name forward-resolves to the IP, else
//   550-5.7.25 after DATA; IPv6 has its own 550-5.7.1 text.
// - Microsoft 365 / Outlook.com: IPv6 must have a PTR (5.7.25); 5.7.506 Bad HELO for a HELO that
//   names the receiver; IPv4 without PTR is usually accepted and scored; dynamic space may be
//   refused (Outlook.com sender policy).
// - Yahoo (senders.yahooinc.com): valid, meaningful, non-generic PTR; no Yahoo-specific PTR
//   bounce code is known, so no Yahoo code is invented here: the bounce is null and the reason
//   says what to expect.
// A DNS failure makes every receiver "unknown": we cannot tell what they would see.

import type { BlocklistResult, FcrdnsResult, HeloReport, ReceiverName, ReceiverVerdict } from "./types.js";

export interface ReceiverInput {
  ip: string;
  family: 4 | 6;
  /** The PTR truth was learned (found / nxdomain / nodata). */
  ptrConclusive: boolean;
  /** Conclusively no PTR (NXDOMAIN / NODATA). */
  noPtr: boolean;
  fcrdns: FcrdnsResult;
  /** Some PTR name is generic (dynamic-looking or a provider default). */
  generic: boolean;
  /** The authority has the PTR but resolvers still serve a cached negative answer. */
  cachedNegative: boolean;
  clearsBy: string | null;
  helo: HeloReport | null;
  /** The blocklists' answers: only a list a receiver documents using changes its outcome. */
  blocklists?: BlocklistResult[];
}

export function gmailBounce(ip: string, family: 4 | 6): string {
  if (family === 6) {
    return `550-5.7.1 [${ip}] Our system has detected that this message does not meet IPv6 sending guidelines regarding PTR records and authentication.`;
  }
  return `550-5.7.25 [${ip}] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not accept messages from IPs with missing PTR records.`;
}

export function microsoftIpv6Bounce(ip: string): string {
  return `550 5.7.25 Access denied, the sending IPv6 address [${ip}] must have a reverse DNS record`;
}

export const MICROSOFT_BAD_HELO = "550 5.7.506 Access Denied, Bad HELO";

/** A HELO that claims to be one of Microsoft's own hosts (what 5.7.506 is documented for). */
export function heloNamesMicrosoft(name: string): boolean {
  return /(^|\.)(outlook\.com|hotmail\.com|live\.com|msn\.com|microsoft\.com|office365\.com|outlook\.office365\.com)\.?$/i.test(
    name.trim(),
  );
}

const accept = (reason: string): ReceiverVerdict => ({ outcome: "accept", bounce: null, reason });
const unknown = (reason: string): ReceiverVerdict => ({ outcome: "unknown", bounce: null, reason });

function cachedReason(input: ReceiverInput, who: string): string {
  const until = input.clearsBy ? ` until ${input.clearsBy} at the latest` : "";
  return `The PTR is set, but ${who}'s own resolvers may still hold the old negative answer${until}; they see the fix after that.`;
}

function judgeGmail(input: ReceiverInput): ReceiverVerdict {
  const code = input.family === 6 ? "550-5.7.1" : "550-5.7.25";
  if (!input.ptrConclusive) return unknown("The PTR lookup failed, so what Gmail sees is unknown.");
  if (input.cachedNegative)
    return unknown(`${cachedReason(input, "Gmail")} Until then it rejects with ${code}.`);
  if (input.noPtr) {
    return {
      outcome: "reject",
      bounce: gmailBounce(input.ip, input.family),
      reason: "Gmail requires a PTR record for the sending IP.",
    };
  }
  if (input.fcrdns === "fail") {
    return {
      outcome: "reject",
      bounce: gmailBounce(input.ip, input.family),
      reason: "Gmail requires the PTR name to resolve back to the sending IP.",
    };
  }
  if (input.fcrdns === "unknown")
    return unknown("The forward lookup of the PTR name failed, so FCrDNS is unknown.");
  return accept("PTR and forward DNS match, as Gmail requires.");
}

function judgeMicrosoft(input: ReceiverInput): ReceiverVerdict {
  if (input.family === 6 && input.ptrConclusive && input.noPtr && !input.cachedNegative) {
    return {
      outcome: "reject",
      bounce: microsoftIpv6Bounce(input.ip),
      reason: "Microsoft requires a reverse DNS record for IPv6 senders.",
    };
  }
  const helo = input.helo;
  if (helo && heloNamesMicrosoft(helo.name)) {
    return {
      outcome: "reject",
      bounce: MICROSOFT_BAD_HELO,
      reason: "The HELO names Microsoft's own servers instead of the sender.",
    };
  }
  if (helo && !helo.fqdn && !helo.addressLiteral) {
    return {
      outcome: "reject",
      bounce: MICROSOFT_BAD_HELO,
      reason:
        "A HELO that is not an FQDN is likely refused as Bad HELO (documented for HELOs naming Microsoft).",
    };
  }
  if (!input.ptrConclusive) return unknown("The PTR lookup failed, so what Microsoft sees is unknown.");
  if (input.cachedNegative && input.family === 6) {
    return unknown(`${cachedReason(input, "Microsoft")} Until then IPv6 mail is refused with 5.7.25.`);
  }
  if (input.generic) {
    return unknown(
      "Outlook.com may refuse connections from dynamic-looking space (its sender policy); no rDNS code is published.",
    );
  }
  if (input.noPtr)
    return accept(
      "Likely accepted, but without a PTR it counts against the sender (Microsoft asks for valid reverse DNS).",
    );
  if (input.fcrdns === "fail") {
    return accept("Likely accepted, but a PTR that does not resolve back counts against the sender.");
  }
  return accept("Has reverse DNS, as Microsoft asks.");
}

function judgeYahoo(input: ReceiverInput): ReceiverVerdict {
  const expect =
    "expect temporary deferrals or the spam folder (Yahoo publishes no PTR-specific bounce code)";
  if (!input.ptrConclusive) return unknown("The PTR lookup failed, so what Yahoo sees is unknown.");
  if (input.cachedNegative) return unknown(cachedReason(input, "Yahoo"));
  if (input.noPtr)
    return {
      outcome: "defer",
      bounce: null,
      reason: `Yahoo wants a valid PTR for every sending IP; ${expect}.`,
    };
  if (input.fcrdns === "fail") {
    return {
      outcome: "defer",
      bounce: null,
      reason: `Yahoo wants forward and reverse DNS to match; ${expect}.`,
    };
  }
  if (input.generic) {
    return {
      outcome: "defer",
      bounce: null,
      reason: `Yahoo wants a meaningful, non-generic PTR name; ${expect}.`,
    };
  }
  if (input.fcrdns === "unknown")
    return unknown("The forward lookup of the PTR name failed, so FCrDNS is unknown.");
  return accept("Valid, non-generic PTR that matches forward DNS, as Yahoo asks.");
}

export function judgeReceivers(input: ReceiverInput): Record<ReceiverName, ReceiverVerdict> {
  return {
    gmail: judgeGmail(input),
    microsoft: judgeMicrosoft(input),
    yahoo: yahooWithLists(judgeYahoo(input), input),
  };
}

/**
 * A listing counts only for a receiver that documents the list it uses. Yahoo's error codes name
 * Spamhaus (`553 5.7.1 [BL21]` / `[BL23]` "... in Spamhaus's list", postmaster.yahooinc.com/
 * error-codes, as the project's domain facts record it: FACTS.md "Receivers", docs/sources.md), so a ZEN listing is
 * Yahoo's refusal. Gmail and Microsoft document no public DNSBL (Microsoft's S3150 is its own
 * list), so their outcomes stay the PTR's: the LISTED problem says "receivers that use <list>
 * will refuse" instead.
 */
export function yahooBounceForSpamhaus(ip: string): string {
  return `553 5.7.1 [BL21] Connections will not be accepted from ${ip}, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes`;
}

function yahooWithLists(verdict: ReceiverVerdict, input: ReceiverInput): ReceiverVerdict {
  const zen = input.blocklists?.find(
    (entry) => entry.zone === "zen.spamhaus.org" && entry.status === "listed",
  );
  if (zen === undefined || verdict.outcome === "reject") return verdict;
  return {
    outcome: "reject",
    bounce: yahooBounceForSpamhaus(input.ip),
    reason: `Yahoo refuses IPs on Spamhaus's list (${zen.meaning ?? "listed"}); its error codes [BL21]/[BL23] say so.`,
  };
}

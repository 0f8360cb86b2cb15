// Why was the mail refused? The reply's own words decide, then its enhanced code (RFC 3463,
// RFC 7372), so a blocklist or DMARC rejection is never sent down the reverse-DNS path.

import { enhancedParts } from "./codes.js";
import type { BounceCategory } from "./types.js";

export interface Categorisation {
  category: BounceCategory;
  rdnsRelated: boolean;
}

// Reverse DNS, FCrDNS and HELO: the reply itself must say so. Sources: Gmail (support.google.com
// /a/answer/81126: "does not have a PTR record"), Microsoft ("must have a reverse DNS record",
// 5.7.506 "Bad HELO"), Postfix reject_unknown_client_hostname / reject_unknown_reverse_client_hostname
// ("cannot find your hostname", "cannot find your reverse hostname"), Sendmail require_rdns ("Fix
// reverse DNS"), GMX ("Bad DNS PTR resource record"), Comcast ("must have a PTR record"), Sendmail's
// "IP name lookup failed", qmail's "my name was rejected" (HELO), Postfix "Helo command rejected".
const RDNS_TEXT = [
  /\bptr\b/,
  /\breverse[\s-]*(?:dns|lookup|hostname|host\s*name|mapping|name|resolution|record)/,
  /\br-?dns\b/,
  /\bfcrdns\b/,
  /forward[\s-]confirmed/,
  /cannot find your (?:reverse )?hostname/,
  /can't find your (?:reverse )?hostname/,
  /\bip name lookup failed/,
  /\bunverif(?:i|y)able sending ip/,
  /\bmy name was rejected/,
  /\bbad helo\b/,
  /\bhelo command rejected/,
  /\b(?:invalid|bad|forged|unresolvable|unknown|rejected|illegal|bogus)\s+(?:helo|ehlo)\b/,
  /\b(?:helo|ehlo)(?:\s+name)?\s+(?:rejected|refused|invalid|not allowed|does not resolve|not resolvable)/,
  /\bno reverse\b/,
  /\bclient host name\b/,
  /hostname (?:lookup|does not match|mismatch)/,
];

const BLOCKLIST_TEXT =
  /spamhaus|spamcop|\bsorbs\b|barracuda|\bdnsbl\b|\brbl\b|blocklist|block list|blacklist|black list|blocked using|listed (?:in|on|at|by)\b|\[bl2[13]\]|\bs3140\b|\bs3150\b|banned sending ip|uceprotect|cloudmark|\bpbl\b|\bsbl\b|\bxbl\b|blocked for abuse|part of their network/;
const AUTH_TEXT =
  /\bspf\b|\bdkim\b|\bdmarc\b|unauthenticated|authentication (?:results|failed|required|check)|not authorized to send/;
const REPUTATION_TEXT =
  /reputation|too many unwanted|\bsc-00\d|unsolicited|spam complaints|likely suspicious|poor sending/;
const MAILBOX_TEXT =
  /user unknown|unknown user|no such (?:user|mailbox|recipient)|mailbox (?:is )?(?:full|unavailable|not found|disabled|does not exist|inactive)|does not exist|over quota|quota exceeded|exceeded (?:the |their )?(?:storage|quota)|recipient (?:address )?rejected: (?:user|undeliverable|unknown)|invalid (?:recipient|mailbox)|account (?:is )?(?:disabled|suspended|inactive)/;
const RATELIMIT_TEXT =
  /rate[\s-]limit|too many|frequency limited|temporarily deferred|unexpected volume|\[tss0[1-5]\]|\bquota\b|sending limit|throttl|try again later|exceeded the (?:rate|maximum)|connection limit/;
const POLICY_TEXT =
  /policy|relay|not permitted|prohibited|spam|content|rejected|denied|refused|not accepted|blocked/;

function codeCategory(enhanced: string | null): BounceCategory | null {
  const parts = enhancedParts(enhanced);
  if (parts === null) return null;
  const [, subject, detail] = parts;
  if (subject === 7 && detail === 25) return "rdns"; // RFC 7372: Reverse DNS validation failed
  if (subject === 7 && detail >= 606 && detail <= 649) return "blocklist"; // Microsoft banned IP
  if (subject === 7 && detail === 506) return "rdns"; // Microsoft: Bad HELO
  if (subject === 7 && detail === 650) return "reputation"; // Microsoft: rate limited for IP reputation
  if (subject === 7 && [20, 21, 22, 23, 24, 26, 27, 30].includes(detail)) return "auth"; // RFC 7372, 8617
  if (subject === 7 && detail === 28) return "ratelimit"; // Gmail: unusual rate of mail
  if (subject === 1 && [1, 2, 3, 6, 10].includes(detail)) return "mailbox";
  if (subject === 2 && [1, 2].includes(detail)) return "mailbox";
  if (subject === 4 && detail === 5) return "ratelimit";
  if (subject === 7) return "policy";
  return null;
}

/** Text with URLs removed: a `c=rdns` or `#ptr` anchor in a link is not the receiver's reason. */
function withoutUrls(text: string): string {
  return text.replace(/\b(?:https?|ftp):\/\/\S{0,500}/g, " ");
}

export function categorise(diagnostic: string, enhancedCode: string | null): Categorisation {
  const text = diagnostic.toLowerCase();
  const prose = withoutUrls(text);
  const fromCode = codeCategory(enhancedCode);
  if (RDNS_TEXT.some((pattern) => pattern.test(prose)) || fromCode === "rdns") {
    return { category: "rdns", rdnsRelated: true };
  }
  if (fromCode === "blocklist" || BLOCKLIST_TEXT.test(text))
    return { category: "blocklist", rdnsRelated: false };
  if (fromCode === "auth" || AUTH_TEXT.test(prose)) return { category: "auth", rdnsRelated: false };
  if (fromCode === "ratelimit") return { category: "ratelimit", rdnsRelated: false };
  if (fromCode === "reputation" || REPUTATION_TEXT.test(prose))
    return { category: "reputation", rdnsRelated: false };
  if (MAILBOX_TEXT.test(prose)) return { category: "mailbox", rdnsRelated: false };
  if (RATELIMIT_TEXT.test(prose)) return { category: "ratelimit", rdnsRelated: false };
  if (fromCode !== null && fromCode !== "policy") return { category: fromCode, rdnsRelated: false };
  if (fromCode === "policy" || POLICY_TEXT.test(prose)) return { category: "policy", rdnsRelated: false };
  return { category: "other", rdnsRelated: false };
}

// Why was the mail refused? The reply's own words decide, in a fixed order of rules (the most
// specific meaning first), then its enhanced code (RFC 3463, RFC 7372), so a blocklist or DMARC
// rejection is never sent down the reverse-DNS path, and a reply that only *advises* checking PTR
// or HELO after a spam-score rejection stays reputation.

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
// "IP name lookup failed", qmail's "my name was rejected" (HELO), Postfix "Helo command rejected",
// Postfix reject_non_fqdn_helo_hostname ("need fully-qualified hostname").
const RDNS_TEXT = [
  /\bptr\b/,
  /\breverse[\s-]*(?:dns|lookup|hostname|host\s*name|mapping|name|resolution|record|\(address-to-name\))/,
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

// A reply that rejects for spam score and then suggests checking PTR/HELO among other things is
// reputation: the PTR words come only after an advice marker ("please check", "make sure").
const SPAM_VERDICT = /spam|score|reputation|content filter/;
const ADVICE =
  /please (?:check|verify|ensure|make sure|be sure)|make sure|be sure|ensure that|we recommend|you should|consider/;

function onlyAdvisesRdns(prose: string): boolean {
  const advice = prose.search(ADVICE);
  if (advice < 0 || !SPAM_VERDICT.test(prose.slice(0, advice))) return false;
  const before = prose.slice(0, advice);
  return !RDNS_TEXT.some((pattern) => pattern.test(before));
}

/** An ordered rule: the first whose text matches decides. */
type Rule = [BounceCategory, RegExp];

// Each rule is a meaning the receivers put in words; the order resolves replies that say two
// things ("Recipient address rejected: Spam detected" is spam, not an unknown user).
const TEXT_RULES: Rule[] = [
  // Listed by a DNSBL or the receiver's own list (Spamhaus, Microsoft S3140/S3150 and 5.7.6xx,
  // Yahoo [BL21]/[BL23]).
  [
    "blocklist",
    /spamhaus|spamcop|\bsorbs\b|barracuda|\bdnsbl\b|\brbl\b|blocklist|block list|blacklist|black list|blocked using (?!spam pattern)|access from ip address \S{1,45} blocked|(?<!not )listed (?:in|on|at|by)\b|\[bl2[13]\]|\bs3140\b|\bs3150\b|banned sending ip|uceprotect|cloudmark|\bpbl\b|\bsbl\b|\bxbl\b|blocked for abuse|part of their network|open relay|\buribl\b|\bsurbl\b|spam ?list/,
  ],
  // Spam verdicts on this message (content filters, SpamAssassin/amavis "UBE").
  [
    "reputation",
    /spam classification|scored as spam|(?:classified|identified|detected|considered|marked) as (?:spam|junk|bulk)|spam detected|\bspam\b(?: message)? rejected|rejected (?:as|due to|because of) (?:spam|bulk)|looks like spam|content rejected|\bube\b|- spam\b|user complaints|too many complaints|spam complaints|reputation|too many unwanted|\bsc-00\d|unsolicited|\bvirus\b|malware|likely suspicious|poor sending|mail rejete|ofr_506/,
  ],
  // SPF, DKIM, DMARC, ARC (RFC 7208, 6376, 7489, 8617).
  [
    "auth",
    /\bspf\b|\bdkim\b(?! ?-?signature'?\.)|\bdmarc\b|unauthenticated|authentication (?:results|failed|required|check)|not authorized to send|not allowed to send mail from|smtp authentication/,
  ],
  // Any other spam or content verdict (content filters, bulk-mail classifiers), once no list and
  // no authentication result was named: issue 26's "content and spam refusals are reputation".
  [
    "reputation",
    // (Gmail's RFC 5322 refusal says it blocks malformed mail "to reduce the amount of spam".)
    /(?<!amount of )\bspam(?:ming|my)?\b|antispam|spamassassin|spambouncer|spamprofiler|spam ?signature|\bbulk (?:e-?)?mail|mass mailer|content (?:filter|reject)|\bdspam\b/,
  ],
  // Volume: Gmail's "receiving mail at a rate", Yahoo's [TSS0x] volume deferrals, connection limits.
  [
    "ratelimit",
    /rate[\s-]limit|at a rate that|too many (?:connections|messages(?! (?:on|in) (?:the )?(?:server|mailbox))|recipients|concurrent|sessions)|frequency limited|unexpected volume|\[tss0[1-9]\]|sending limit|throttl|exceeded the (?:rate|maximum (?:number of )?(?:connections|messages))|connection limit|relay quota|too fast|too quickly/,
  ],
  // A mailing list refused the post (Google Groups, fml, Mailman): the list's rules, not the mailbox.
  [
    "policy",
    /groups\.google\.com|not a member of|mailing list|permission to post|not allowed to post|moderator/,
  ],
  // The sender was refused (RFC 3463 5.1.7/5.1.8: bad sender address or its domain).
  [
    "policy",
    /domain of sender|sender address|no relaying|relay(?:ing)? (?:denied|not permitted|access denied)|insecure mail relay|not authori[sz]ed|media error|sender address|sender (?:domain|verify|rejected|refused|denied|not allowed)|unroutable sender|from: domain is invalid|sending to\/from an address|unresolvable (?:rfc\.?5321 )?from domain|not accepting mail from|remote domains not supported|in reply to mail from|after mail from/,
  ],
  // A full mailbox also speaks of size and messages: the mailbox's, not the message's (RFC 3463 5.2.2).
  [
    "mailbox",
    /mailbox size limit|mailbox (?:is )?full|full mailbox|over quota|quota exceeded|quota usage exceeded|exceeding (?:their|his|her|its|the) quota|disk space limit|(?:disc|disk|diskspace|storage) quota|not (?:have )?enough (?:storage )?space|too many messages (?:on|in) (?:the )?(?:server|mailbox)|mailbox lleno|casilla llena/,
  ],
  // A challenge-response or allow-list system holding the mail until the sender confirms.
  ["policy", /requires confirmation|confirm this mail server|not pre-approved/],
  // Too big or malformed: RFC 3463 5.2.3, 5.3.4, 5.6.x.
  [
    "policy",
    /too large|too big|message size exceeded|max(?:imum)? message size|not accepting mail with attachments|size (?:limit )?exceeds|exceeds (?:fixed )?(?:maximum )?(?:message )?size|size limit exceeded|length exceeds|line limit exceeded|headers too large|8-bit data|protocol violation|duplicate header|data format error|message filtered|not allowed|policy/,
  ],
  // The recipient: unknown, full, disabled, moved (RFC 3463 5.1.1, 5.2.1, 5.2.2; `err.nosuchuser`
  // as some receivers write it in one word). Spanish and
  // Portuguese notices (Latin American ISPs): "casilla ha expirado" (mailbox expired), "destinatario
  // desconocido" (unknown recipient), "usuário inválido ou inexistente".
  [
    "mailbox",
    /user unknown|unknown (?:user|recipient|address)|no ?such ?(?:user|mailbox|recipient|address)|(?:user|recipient|address|mailbox) (?:not found|not exist|does not exist|doesn't exist|not recognized|not known)|recipient name is not recognized|not listed in (?:public name|domino directory|the directory)|doesn't have an? [\w.-]{1,64} account|address not found|invalid (?:recipient|mailbox|final delivery userid|address)|mailbox (?:<> )?(?:is )?(?:full|unavailable|not found|disabled|does not exist|inactive|frozen|exceeds)|over quota|quota exceeded|exceeded (?:the |their )?(?:storage|quota|local limit)|mailfolder is full|mailbox.{0,40}exceeded|account (?:is |has been )?(?:disabled|suspended|inactive|locked|blocked|discontinued|closed|expired)|disabled recipient|recipient account is blocked|has moved|no longer (?:available|valid|in use)|compte du destinataire|not a known user|not an? (?:valid|active) (?:user|address|mailbox|recipient)|deactivated|no mail[- ]?box (?:found|available|here|by that name)|mail-box not found|bad_recipient|no account by that name|(?:user|recipient|address) unknown|user name .{0,80} not unique|unavailable to take delivery|no such domain at this location|casilla (?:ha expirado|inexistente|no existe)|destinatario desconocido|usuario (?:desconocido|inexistente)|usu[aá]rio inv[aá]lido/,
  ],
  // The receiving system itself failed or could not be reached: nothing the sender can fix now.
  [
    "other",
    /mailer error|system error|internal (?:system )?error|not accepting (?:network )?messages|on hold|hop count|too many hops|mail loop|routing loop|insufficient (?:disk|system) (?:space|storage)|system (?:is )?full|host (?:or domain name )?not found|name service error|dns domain \S{1,255} does not exist|domain name not found|unknown host|host unknown|no mx|no smtp service|does not accept mail|connection (?:timed out|refused|reset|lost)|timed out|expired|could not deliver for|delivery failed \d+ attempts|will be retried|has been delayed|in the queue too long|not delivered within|not reachable|unable to connect|network error|did not accept our requests to connect|could not find a gateway|pipe to|child status|socket error|all hosts have been failing|unrouteable|unroutable/,
  ],
  // A recipient refused with no other reason given.
  // ("dosn't exist": a receiver's own misspelling, kept as it writes it.)
  ["mailbox", /recipient (?:address )?rejected|address rejected|does not exist|doe?sn'?t exist/],
  // Refused by the receiver's own rules, for no reason given above.
  [
    "policy",
    /relay|not permitted|prohibited|\bspam\b|content|rejected|denied|refused|refuse\b|not accepted|blocked|forbidden|access/,
  ],
];

function codeCategory(enhanced: string | null): BounceCategory | null {
  const parts = enhancedParts(enhanced);
  if (parts === null) return null;
  const [klass, subject, detail] = parts;
  if (subject === 7 && detail === 25) return "rdns"; // RFC 7372: Reverse DNS validation failed
  if (subject === 7 && detail >= 606 && detail <= 649) return "blocklist"; // Microsoft banned IP
  if (subject === 7 && detail === 506) return "rdns"; // Microsoft: Bad HELO
  if (subject === 7 && (detail === 650 || detail === 708)) return "reputation"; // Microsoft: IP reputation
  if (subject === 7 && [20, 21, 22, 23, 24, 26, 27, 30].includes(detail)) return "auth"; // RFC 7372, 8617
  if (subject === 7 && detail === 28) return "ratelimit"; // Gmail: unusual rate of mail
  // Microsoft's 451 4.7.500-699 (not 5.7.5xx): a new or unknown sending IP throttled
  // (learn.microsoft.com, "Fix NDR error 451 4.7.500-699 (ASxxx) in Exchange Online").
  if (klass === 4 && subject === 7 && detail >= 500 && detail <= 699) return "ratelimit";
  if (subject === 1 && [7, 8].includes(detail)) return "policy"; // RFC 3463: bad sender address
  if (subject === 1 && [1, 2, 3, 6, 10].includes(detail)) return "mailbox";
  if (subject === 2 && [1, 2].includes(detail)) return "mailbox";
  if (subject === 2 && detail === 3) return "policy"; // message length exceeds limit
  if (subject === 3 && detail === 4) return "policy"; // message too big for system
  if (subject === 4 && detail === 5) return "ratelimit";
  if (subject === 4 || subject === 3) return "other"; // network, routing, mail system
  if (subject === 6 || subject === 7) return "policy";
  return null;
}

/** Text with URLs removed: a `c=rdns` or `#ptr` anchor in a link is not the receiver's reason. */
function withoutUrls(text: string): string {
  return text.replace(/\b(?:https?|ftp):\s?\/\/\S{0,500}/g, " ");
}

// Mail addresses in a reply are the recipient or the sender, never the reason: a recipient named
// `dmarc@...` or `spam@...` says nothing about DMARC or spam. Each becomes `<>`, so the words
// around it still read ("mailbox <> unavailable").
const MAIL_ADDRESS = /<?[^\s<>()[\]@,;:"']{1,64}@[a-z0-9][a-z0-9.-]{0,252}>?/g;

function withoutAddresses(text: string): string {
  return text.includes("@") ? text.replace(MAIL_ADDRESS, "<>") : text;
}

// Categorise sees at most this much of a diagnostic: every rule is linear, this bounds them too.
const MAX_CATEGORISE_CHARS = 2000;

export function categorise(diagnostic: string, enhancedCode: string | null): Categorisation {
  const text = withoutAddresses(diagnostic.slice(0, MAX_CATEGORISE_CHARS).toLowerCase());
  const prose = withoutUrls(text);
  const fromCode = codeCategory(enhancedCode);
  const rdnsWords = RDNS_TEXT.some((pattern) => pattern.test(prose));
  if ((rdnsWords && !onlyAdvisesRdns(prose)) || fromCode === "rdns") {
    return { category: "rdns", rdnsRelated: true };
  }
  // A code with one meaning (RFC 7372 auth codes, Microsoft's list codes) outranks the words.
  if (
    fromCode === "blocklist" ||
    fromCode === "auth" ||
    fromCode === "reputation" ||
    fromCode === "ratelimit"
  )
    return { category: fromCode, rdnsRelated: false };
  // Links count for the blocklist and list rules only: a delisting link names the list, a
  // groups.google.com help link the mailing list that refused the post.
  if (TEXT_RULES[0]?.[1].test(text)) return { category: "blocklist", rdnsRelated: false };
  if (/groups\.google\.com\/support/.test(text)) return { category: "policy", rdnsRelated: false };
  // After a spam verdict, what the reply only advises ("please be sure your SPF, HELO, PTR ...")
  // is no reason of its own: the rules read the verdict.
  const advice = prose.search(ADVICE);
  const judged = advice > 0 && SPAM_VERDICT.test(prose.slice(0, advice)) ? prose.slice(0, advice) : prose;
  for (const [category, pattern] of TEXT_RULES.slice(1, -1)) {
    if (pattern.test(judged)) return { category, rdnsRelated: false };
  }
  if (fromCode !== null) return { category: fromCode, rdnsRelated: false };
  const last = TEXT_RULES[TEXT_RULES.length - 1];
  if (last?.[1].test(prose)) return { category: last[0], rdnsRelated: false };
  return { category: "other", rdnsRelated: false };
}

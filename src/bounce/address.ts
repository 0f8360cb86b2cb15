// Which address did the receiver refuse? The reply names the client in a few recurring ways
// (Gmail's leading `[ip]`, Postfix's `Client host [ip]` and `<name[ip]>`, Sendmail's `Fix reverse
// DNS for ip`, postmaster links with `?ip=`), and often names other hosts too: the receiver's own
// MX as the sending MTA wrote it (`host mx.example.com[ip] said:`, Exim's `host mx [ip]`, qmail's
// `Connected to ip`), and tokens that only look like addresses (Yahoo's `- 4.16.55.1`).
// Addresses are validated by ipaddr.js; the scan itself is one pass over runs of address
// characters, so its time is linear in the text.
import ipaddr from "ipaddr.js";

const ADDRESS_RUN = /[0-9A-Fa-f:.]+/g;
const MAX_RUN = 60;

/** Ranges that are a private hop, never the public address a receiver saw (RFC 1918, 6598, 4193 ...). */
const PRIVATE_V4 = new Set([
  "unspecified",
  "broadcast",
  "multicast",
  "linkLocal",
  "loopback",
  "carrierGradeNat",
  "private",
]);
const PRIVATE_V6 = new Set(["unspecified", "linkLocal", "multicast", "loopback", "uniqueLocal"]);

// The receiver's own host as the sending MTA reports it (text just before the address) ...
// `host NAME [` needs the name: `Client host [ip]` and `lookup for host ip` name the client.
// Exim's delivery lines name the remote host after the transport: `T=remote_smtp H=mx [ip]`,
// `T=remote_smtp defer (-44) H=mx [ip]` (the receiver; in a receiver's own reply `H=` is the client).
const OWN_BEFORE =
  /(?:\bserver\s+[^\s[\]]{1,253}\[|\brelay=[^\s[\],]{1,253}\s?\[|\bT=\S{1,64}\s+(?:defer \(-?\d{1,5}\):?\s+)?H=[^\s[\]]{1,253}\s?\[|\bhost\s+[^\s[\]]{1,253}\s?\[|\b(?:host:|remote host|remote server|smtp server|server at|delivery via|mxes tried:|(?:connected|connect|connection|lost connection) (?:to|with)|giving up on|talking to|port \d{1,5} of)\s+(?:[^\s[\]]{1,253}\s?)?[[(<]?)$/i;
// ... or just after it.
const OWN_AFTER =
  /^(?:\s\d{1,5})?[\])>]?(?::\d{1,5})?:?\s*(?:does not like|did not like|said\b|refused to|failed after|failed with|responded|timed out|connection (?:refused|timed out|reset))/i;

// The client, named by the receiver (text just before the address).
const CLIENT_BEFORE = new RegExp(
  `(?:${[
    "[?&;]ip(?:src|addr)?=",
    String.raw`\bip(?:v[46])?\s*[=:]\s*\[?`,
    String.raw`\bip(?:v[46])?(?:\s+address)?\s+\[?`,
    String.raw`\baddress(?:es)?\s+\[?`,
    String.raw`\bclient(?:\s+host|\s+ip)?\s*\[?`,
    String.raw`\bfind your (?:reverse )?hostname,?\s*\[`,
    String.raw`\bfrom\s+\[?`,
    String.raw`\bfor\s+(?:host\s+|ip\s+)?\[?`,
    String.raw`\brequired:\s*\[?`,
    String.raw`\bis not\s+\[?`,
    String.raw`\bh=[^\s[\]]{1,253}\s?\[`,
    // Sendmail names a client without a verified name `relay=[ip]`; the MX it relays to has one.
    String.raw`\brelay=\[`,
    String.raw`\bserver\s+[[(]`,
    String.raw`<[^\s<>[\]]{1,253}\[`,
  ]
    .map((part) => `(?:${part})`)
    .join("|")})$`,
  "i",
);
// The client named in words, which outranks any bracketed address on the same line (the
// receiver's MX as the sending MTA wrote it): "the sending mail server at <ip>", "your IP <ip>",
// "client host <ip>", "connection from <ip>", and the same in the other languages the reader
// knows (German, French, Spanish, Italian, Dutch, Russian, Japanese).
const CLIENT_PROSE = new RegExp(
  `(?:${[
    String.raw`\bsending (?:mail |e-?mail |smtp )?(?:server|host|mta|ip|system)(?: address)?(?: at| is| with ip| ip)?\s+[[(]?`,
    String.raw`\byour (?:mail |sending |e-?mail )?(?:ip|server|host|mta|address)(?:[\s-]address)?(?: is| of)?\s+[[(]?`,
    String.raw`\bclient (?:host|ip|address)\s+[[(]?`,
    String.raw`\bconnection (?:from|attempt from)\s+(?:[^\s[\]]{1,253}\s?)?[[(]?`,
    String.raw`\b(?:ihre|deine|eure) (?:ip(?:-adresse)?|absender-ip|adresse)\s+[[(]?`,
    String.raw`\b(?:verbindung von|absender-ip|sendende[nr]? (?:mail)?server)\s+[[(]?`,
    String.raw`\bvotre (?:adresse )?ip\s+[[(]?`,
    String.raw`\b(?:connexion (?:de|depuis)|serveur (?:d'envoi|exp[ée]diteur|[ée]metteur)(?: à)?)\s+[[(]?`,
    String.raw`\bsu (?:direcci[óo]n )?ip\s+[[(]?`,
    String.raw`\b(?:conexi[óo]n desde|servidor (?:de env[íi]o|remitente)(?: en)?)\s+[[(]?`,
    String.raw`\b(?:il (?:tuo|vostro) |vostro |tuo )(?:indirizzo )?ip\s+[[(]?`,
    String.raw`\b(?:connessione da|server mittente)\s+[[(]?`,
    String.raw`\buw (?:ip(?:-adres)?|adres)\s+[[(]?`,
    String.raw`\b(?:verbinding van|verzendende server)\s+[[(]?`,
    String.raw`(?:^|\s)ваш(?:его)? (?:ip(?:-адрес)?|адрес|сервер)(?:а)?\s+[[(]?`,
    String.raw`(?:^|\s)(?:подключение|соединение) с\s+[[(]?`,
    String.raw`(?:送信元|接続元)(?:の)?(?:ip ?アドレス|サーバ)?(?:\s|:|：)*[[(]?`,
  ]
    .map((part) => `(?:${part})`)
    .join("|")})$`,
  "i",
);
// Gmail and others put the client first: `550-5.7.25 [ip] ...`, `said: [ip 18] ...`.
const LEADING_BRACKET = /(?:^|said:|\b[45][0-5]\d[ -](?:\d\.\d{1,3}\.\d{1,3}\s)?)\s*\[$/i;
const CLOSES_BRACKET = /^(?:\s{1,12}\d{1,5})?\]/;

export interface AddressCandidate {
  address: string;
  index: number;
  own: boolean;
  anchored: boolean;
  /** Named in words as the client ("your IP", "connection from"): outranks any other anchor. */
  named: boolean;
  private: boolean;
  codeLike: boolean;
}

/** Parses one run of address characters; returns the normalised address or null. */
function parseRun(run: string, before: string): string | null {
  let text = run.replace(/[.:]+$/, "");
  if (/IPv$/i.test(before) && text.startsWith("6:")) text = text.slice(2);
  if (text.startsWith(":") && !text.startsWith("::")) text = text.slice(1);
  if (text.includes(":")) {
    // Times (`23:34:45`) and other colon runs: an IPv6 address has `::` or at least 7 colons
    // (6 with an embedded IPv4 part), checked before the library's full parse.
    const colons = text.split(":").length - 1;
    if (!text.includes("::") && colons < (text.includes(".") ? 6 : 7)) return null;
    if (!ipaddr.IPv6.isValid(text)) return null;
    const parsed = ipaddr.IPv6.parse(text);
    return parsed.isIPv4MappedAddress() ? parsed.toIPv4Address().toString() : parsed.toString();
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  return ipaddr.IPv4.parse(text).toString();
}

function isPrivate(address: string): boolean {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === "ipv4" ? PRIVATE_V4.has(parsed.range()) : PRIVATE_V6.has(parsed.range());
}

/** Every valid address in a short text (e.g. a DSN Remote-MTA value), normalised. */
export function addressesIn(text: string | null): Set<string> {
  return new Set(text === null ? [] : findAddressCandidates(text).map((candidate) => candidate.address));
}

/** Every address in the text with how it is named. */
export function findAddressCandidates(text: string): AddressCandidate[] {
  const candidates: AddressCandidate[] = [];
  for (const match of text.matchAll(ADDRESS_RUN)) {
    const run = match[0];
    const index = match.index ?? 0;
    if (run.length < 7 || run.length > MAX_RUN) continue;
    // Hex words (`deadbeef`, message ids) are no address: an address has dots or colons.
    if (!run.includes(".") && !run.includes(":")) continue;
    // Part of a longer word (`abc123.4.5.6`, `v6:...` aside) is not an address.
    const previousChar = text[index - 1] ?? " ";
    const nextChar = text[index + run.length] ?? " ";
    const wordBefore = /[0-9a-f]/i.test(run[0] ?? "") && /[G-Zg-z_]/.test(previousChar);
    const wordAfter = /[0-9a-f]/i.test(run[run.length - 1] ?? "") && /[G-Zg-z_]/.test(nextChar);
    if (wordAfter || (wordBefore && !/IPv$/i.test(text.slice(index - 3, index)))) continue;
    const before = text.slice(Math.max(0, index - 80), index);
    const address = parseRun(run, before);
    if (address === null) continue;
    // What follows the address itself (a trailing `:` or `.` of the run belongs to the text).
    const end = index + run.replace(/[.:]+$/, "").length;
    const after = text.slice(end, end + 40);
    const bracketed = before.endsWith("[") && CLOSES_BRACKET.test(after);
    // `(TCP|local|port|remote|port)` connection tuples (Oracle Messaging Server) name endpoints.
    const named = CLIENT_PROSE.test(before);
    const own =
      !named &&
      (OWN_BEFORE.test(before) ||
        OWN_AFTER.test(after) ||
        previousChar === "|" ||
        // `host 192.0.2.8: 553 ...`: the MTA naming the host that replied.
        (/(?<!client\s)\bhost\s+$/i.test(before) && /^:\s/.test(after)));
    const anchored =
      named || (!own && (CLIENT_BEFORE.test(before) || (bracketed && LEADING_BRACKET.test(before))));
    const first = Number(address.split(".")[0]);
    candidates.push({
      address,
      index,
      own,
      anchored,
      named,
      private: isPrivate(address),
      // RFC 3463-style codes with a fourth part (Yahoo's `4.16.55.1`) start with 2, 4 or 5; a
      // receiver's numbered rule (`policy (3.2.1.1)`) is no address either.
      codeLike:
        !address.includes(":") &&
        !bracketed &&
        (first === 2 || first === 4 || first === 5 || /\bpolicy\s*\($/i.test(before)),
    });
  }
  return candidates;
}

/**
 * The refused address: the first one the reply names as the client; failing that, the first
 * address that is neither the receiver's own, nor a private hop, nor a code look-alike.
 * `exclude` holds addresses known to be the receiver's (e.g. from the DSN's Remote-MTA).
 */
export function extractRefusedAddress(
  text: string,
  exclude: ReadonlySet<string> = new Set(),
  anchoredOnly = false,
): string | null {
  const candidates = findAddressCandidates(text);
  const own = new Set(exclude);
  for (const candidate of candidates) if (candidate.own) own.add(candidate.address);
  const named = candidates.find((candidate) => candidate.named && !candidate.private);
  if (named !== undefined) return named.address;
  const anchored = candidates.find((candidate) => candidate.anchored && !own.has(candidate.address));
  if (anchored !== undefined || anchoredOnly) return anchored?.address ?? null;
  const loose = candidates.find(
    (candidate) => !candidate.own && !own.has(candidate.address) && !candidate.private && !candidate.codeLike,
  );
  return loose?.address ?? null;
}

// Where a pasted bounce or log names the HELO/EHLO its client gave (issue 21 point 6):
// - `helo=<name>` / `HELO=[name]` fields (Postfix smtpd's `proto=ESMTP helo=<name>`, Exim's
//   `HELO=`), an address literal kept as one (`helo=<[192.0.2.1]>`);
// - `after EHLO name` / `HELO name` in a sender's own bounce (Exim's "SMTP error ... after EHLO");
// - Exim's host field `H=verified.name (helo) [ip]` or `H=(helo) [ip]` (exim.org spec, "Log
//   files": the HELO is shown in parentheses when it differs from the verified name);
// - Postfix's reply `<name>: Helo command rejected`.
const LITERAL_OR_NAME = String.raw`(\[[^\]\s]{1,60}\]|[A-Za-z0-9][A-Za-z0-9.-]{0,252})`;
const HELO_PATTERNS: { pattern: RegExp; field: boolean }[] = [
  { pattern: new RegExp(String.raw`\bhelo=\s*<?${LITERAL_OR_NAME}`, "i"), field: true },
  {
    pattern:
      /\b(?:helo|ehlo)\s+(?:name\s+)?<?(\[[^\]\s]{1,60}\]|[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){1,10}\.?)>?/i,
    field: false,
  },
  { pattern: /\bH=(?:[^\s()[\]]{1,253} )?\(([^\s()]{1,253})\) ?\[/, field: true },
  { pattern: /<([A-Za-z0-9][A-Za-z0-9.-]{0,252})>:\s*helo command rejected/i, field: false },
];

/**
 * A HELO as logged, normalised: an address literal stays one (`[192.0.2.1]`, `[IPv6:2001:db8::1]`),
 * a name is lower-cased without its trailing dot. A bare word (no dot) is kept only from a field
 * that holds the HELO (`helo=<mailserver>`, the very thing a receiver refuses); in free text it is
 * more likely a word ("EHLO command"). Null when it is neither.
 */
export function normaliseHelo(raw: string, bareWord = false): string | null {
  const unwrapped = raw.replace(/^<|>$/g, "");
  const inner = /^\[(.{1,60})\]$/.exec(unwrapped)?.[1];
  if (inner !== undefined) {
    const v6 = /^IPv6:(.+)$/i.exec(inner)?.[1];
    if (v6 !== undefined && ipaddr.IPv6.isValid(v6)) return `[IPv6:${v6.toLowerCase()}]`;
    if (ipaddr.IPv4.isValidFourPartDecimal(inner)) return `[${inner}]`;
  }
  const name = (inner ?? unwrapped).replace(/\.$/, "").toLowerCase();
  if (!/^[a-z0-9_][a-z0-9_.-]{0,252}$/.test(name)) return null;
  return name.includes(".") || bareWord ? name : null;
}

/** The HELO/EHLO name, when the text names it (`helo=<name>`, `after EHLO name`, Exim's `H=(name)`, Postfix's `<name>: Helo command rejected`). */
export function extractHelo(text: string): string | null {
  for (const { pattern, field } of HELO_PATTERNS) {
    const raw = pattern.exec(text)?.[1];
    const name = raw === undefined ? null : normaliseHelo(raw, field);
    if (name !== null) return name;
  }
  return null;
}

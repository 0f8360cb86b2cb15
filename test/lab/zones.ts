// The lab's zones: one documentation address per case (README.md lists them). Knot serves the
// parent zones ("authority") and, on a second Knot, the RFC 2317 child zone ("childAuthority").
import { parseIp } from "../../src/check/ip.js";

/** Negative TTL of the static zones: SOA TTL 4, MINIMUM 3 -> RFC 2308 min() = 3 s. */
export const SOA_TTL = 4;
export const SOA_MINIMUM = 3;
/** The runtime-edit zone (2.0.192.in-addr.arpa): SOA TTL 6, MINIMUM 4 -> negative TTL 4 s. */
export const EDIT_SOA_TTL = 6;
export const EDIT_SOA_MINIMUM = 4;
/** TTL of every other record, short so a changed PTR shows quickly. */
export const RECORD_TTL = 5;

/** Which address is which case (all documentation space, RFC 5737 / RFC 3849). */
export const CASES = {
  pass: "203.0.113.10", // PTR mail.example.test, A back to it
  nxdomain: "203.0.113.11", // no name at all
  nodata: "203.0.113.12", // a TXT but no PTR
  brokenPair: "203.0.113.13", // PTR broken.example.test, whose A is 203.0.113.99
  ptrNameNoAddress: "203.0.113.14", // PTR noaddr.example.test, which does not exist
  ptrNameNoData: "203.0.113.15", // PTR txtonly.example.test, which has only a TXT
  multiplePtr: "203.0.113.16", // PTRs multi-a (A back) and multi-b (A elsewhere)
  reverseCname: "203.0.113.17", // 17 CNAME 17.cname.113.0.203.in-addr.arpa -> PTR host17.example.test
  forwardCname: "203.0.113.18", // PTR alias18.example.test CNAME real18.example.test A back
  generic: "203.0.113.20", // PTR 203-0-113-20.dynamic.pool.example.test, A back
  cnameLoop2: "203.0.113.30", // 30 CNAME 30.loop, 30.loop CNAME 30: a loop of two names
  cnameLoop3: "203.0.113.31", // 31 -> 31.loop-a -> 31.loop-b -> 31.loop-a: a loop of three names
  longChain: "203.0.113.32", // 32 -> 32.hop1 -> ... -> 32.hop20 PTR host32.example.test, A back
  danglingCname: "203.0.113.34", // 34 CNAME 34.gone.113.0.203.in-addr.arpa, which does not exist
  hostile: "203.0.113.21", // PTR HOSTILE_LABEL.hostile.example.test (markup in a label), A back
  rfc2317: "203.0.113.70", // CNAME into child zone 64-127.113.0.203.in-addr.arpa (second Knot)
  rfc2317Missing: "203.0.113.71", // CNAME into the child zone, where no PTR exists
  // Unbound's stub for 100.51.198.in-addr.arpa points at the dead port (SERVFAIL once it gives up);
  // the lab's Knot servers do not serve the zone (REFUSED when asked as authorities).
  servfail: "198.51.100.7",
  ipv6Pass: "2001:db8::10", // PTR mail6.example.test, AAAA back
  ipv6NoPtr: "2001:db8::11", // nothing
  ipv6Broken: "2001:db8::12", // PTR broken6.example.test, AAAA 2001:db8::99
  cachedNegative: "192.0.2.50", // no PTR at start; the check-dns tests add it at runtime
  // Owner cases (OWNER_ZONES): reverse zones whose SOA and NS name real providers' servers.
  ownerHetzner: "203.0.130.5", // no PTR; SOA ns1.your-server.de. postmaster.your-server.de.
  ownerAws: "203.0.131.5", // no PTR; SOA/NS ns-N.awsdns-NN.*, RNAME awsdns-hostmaster.amazon.com
  ownerOvh: "203.0.132.5", // PTR generic ip5.ip-203-0-132.example.test; RNAME first\.last.ovh.net.
  ownerIpv6: "2001:db8:0:64::25", // in the delegated /64 (own SOA): PTR mail64.example.test, AAAA back
  ownerIpv6Missing: "2001:db8:0:64::26", // in the delegated /64: no PTR
  // Issue 28: names resolving inside a network (PRIVATE_NAMES); their addresses are never shown.
  privateForward: "203.0.113.36", // PTR inside.example.test, whose A are 127.0.0.1, 10.1.2.3, 169.254.169.254
  mixedForward: "203.0.113.37", // PTR mixed.example.test, A 203.0.113.37 (back) and 10.1.2.3
  ipv6PrivateForward: "2001:db8::36", // PTR inside.example.test, whose AAAA is fd00::1
} as const;

/**
 * Names that resolve to non-public addresses (issue 28): `inside` only to them (three A, one
 * AAAA), `mixed` to its public address and one private one. The addresses, for tests that assert
 * they never appear unless SHOW_PRIVATE_ADDRESSES.
 */
export const PRIVATE_NAMES = { inside: "inside.example.test", mixed: "mixed.example.test" } as const;
export const INSIDE_ADDRESSES = ["127.0.0.1", "10.1.2.3", "169.254.169.254", "fd00::1"] as const;

/** HELO names for the HELO cases (checked against CASES.pass). */
export const HELOS = {
  equal: "mail.example.test",
  resolvesToIp: "smtp.example.test",
  notFqdn: "mailserver",
  unresolvable: "nothere.example.test",
  elsewhere: "other.example.test",
  literal: "[203.0.113.10]",
} as const;

/**
 * Free for other tests (engine, bounce): 192.0.2.51-59 have no PTR but an A from
 * spareNN.example.test (add the PTR with lab.setPtr to "fix" one); 192.0.2.60-64 start with
 * PTR ptrNN.example.test and a matching A (remove or change it to break or drift one).
 */
export const SPARE_NO_PTR = Array.from({ length: 9 }, (_, i) => `192.0.2.${51 + i}`);
export const SPARE_WITH_PTR = Array.from({ length: 5 }, (_, i) => `192.0.2.${60 + i}`);

/**
 * A PTR label holding markup and both quote characters: legal in wire format (RFC 2181 section
 * 11: any octet), so a page that shows PTR names must escape them. For the servers page's tests.
 */
export const HOSTILE_LABEL = `<img src=x onerror="alert('x')">`;
export const HOSTILE_NAME = `${HOSTILE_LABEL}.hostile.example.test`;

/** A label in zone-file text: every octet but letters, digits and "-" as \DDD (RFC 1035 5.1). */
export function zoneLabel(label: string): string {
  return [...Buffer.from(label, "utf8")]
    .map((byte) =>
      /[A-Za-z0-9-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `\\${String(byte).padStart(3, "0")}`,
    )
    .join("");
}

export interface ZoneFile {
  zone: string;
  text: string;
}

function soa(zone: string, ns: string, ttl: number, minimum: number): string {
  return `$ORIGIN ${zone}.\n$TTL ${RECORD_TTL}\n@ ${ttl} SOA ${ns}. hostmaster.test. 1 60 30 600 ${minimum}\n@ NS ${ns}.\n`;
}

/**
 * The owner cases' reverse zones (test/lab/README.md "Owner"): each one's SOA and NS name a real
 * provider's servers, as the provider's own reverse zones do. The lab's Knot answers for the zone
 * itself (list it with --authority: the NS names are not resolvable here, nothing leaves the
 * machine). The IPv6 /64 is delegated from 8.b.d.0.1.0.0.2.ip6.arpa (NS in the parent) and has
 * its own SOA.
 */
export const OWNER_ZONES = {
  hetzner: {
    zone: "130.0.203.in-addr.arpa",
    mname: "ns1.your-server.de",
    rname: "postmaster.your-server.de",
    ns: ["ns1.your-server.de", "ns.second-ns.com", "ns3.second-ns.de"],
    records: [] as string[],
  },
  aws: {
    zone: "131.0.203.in-addr.arpa",
    mname: "ns-1146.awsdns-15.org",
    rname: "awsdns-hostmaster.amazon.com",
    ns: ["ns-1146.awsdns-15.org", "ns-1622.awsdns-10.co.uk", "ns-277.awsdns-34.com", "ns-975.awsdns-57.net"],
    records: [] as string[],
  },
  ovh: {
    zone: "132.0.203.in-addr.arpa",
    mname: "dns10.ovh.net",
    rname: "first\\.last.ovh.net",
    ns: ["dns10.ovh.net", "ns10.ovh.net"],
    records: ["5 PTR ip5.ip-203-0-132.example.test."],
  },
  ipv6: {
    zone: "4.6.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    mname: "hydrogen.ns.hetzner.com",
    rname: "dns.hetzner.com",
    ns: ["hydrogen.ns.hetzner.com", "oxygen.ns.hetzner.com"],
    records: ["5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR mail64.example.test."],
  },
} as const;

function ownerZone(spec: (typeof OWNER_ZONES)[keyof typeof OWNER_ZONES]): ZoneFile {
  const head = [
    `$ORIGIN ${spec.zone}.`,
    `$TTL ${RECORD_TTL}`,
    `@ ${SOA_TTL} SOA ${spec.mname}. ${spec.rname}. 1 60 30 600 ${SOA_MINIMUM}`,
    ...spec.ns.map((ns) => `@ NS ${ns}.`),
  ];
  return { zone: spec.zone, text: [...head, ...spec.records].join("\n") };
}

/** Relative owner of an address's reverse name inside `zone`. */
function owner(ip: string, zone: string): string {
  return parseIp(ip).reverseName.slice(0, -(zone.length + 1));
}

/** `last` CNAME last.hop1, last.hop1 CNAME last.hop2, ..., last.hopN PTR target: N hops. */
function longChain(last: number, hops: number, zone: string, target: string): string[] {
  const names = [`${last}`, ...Array.from({ length: hops }, (_, i) => `${last}.hop${i + 1}`)];
  return [
    ...names.slice(0, -1).map((name, i) => `${name} CNAME ${names[i + 1]}.${zone}.`),
    `${names.at(-1)} PTR ${target}`,
  ];
}

/**
 * The IPv4 /20 the sweep bench walks (issue 13: "`rdns sweep` of a /20"): 203.0.112.0/20, whose
 * 16 reverse zones are 112..127.0.203.in-addr.arpa. 113 is the cases' zone above (kept as it is);
 * the other 15 are generated (SWEEP_ZONES): in each, .1 has a PTR mta.sweepN.example.test
 * with its A back (pass), everything else is NXDOMAIN, the common case of a sweep. Only 203.0.113.0/24
 * is documentation space (RFC 5737); the rest is ordinary unicast, so the bot checks it like any
 * public address, and in the lab Unbound's stub zones keep every question on loopback.
 */
export const SWEEP_V4_RANGE = "203.0.112.0/20";
export const SWEEP_ZONES = Array.from({ length: 16 }, (_, i) => 112 + i)
  .filter((third) => third !== 113)
  .map((third) => `${third}.0.203.in-addr.arpa`);
/** The one address with a PTR (and its A back) in each generated sweep zone. */
export const SWEEP_PASSES = SWEEP_ZONES.map((zone) => `203.0.${zone.split(".")[0]}.1`);
const sweepName = (ip: string) => `mta.sweep${ip.split(".")[2]}.example`;

/**
 * DNS blocklists under their real names (src/check/sections/blocklists), served by the lab's Knot
 * and reached only through its Unbound (stub zones): nothing leaves the machine. Each address
 * below has a PTR listNN.example.test with its A back (so only the lists decide its verdict) and
 * the listing given: one address per return code. `BLOCKLIST_CASES.toggled` starts clean for a
 * watch test to list and delist at runtime (lab.setRecord / removeRecord on its list name).
 */
export const BLOCKLIST_ZONES = ["zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net"];
/**
 * A list that answers NXDOMAIN for everything, its RFC 5782 test point included: what a wrong
 * DQS key or a resolver the list does not serve looks like. Not in BLOCKLIST_ZONES.
 */
export const BROKEN_BLOCKLIST_ZONE = "broken.dnsbl.example";
/** RFC 5782 5 test points every working list serves: 127.0.0.2 and, for IPv6 lists, ::FFFF:7F00:2. */
const TEST_POINT_V4 = "2.0.0.127";
const TEST_POINT_V6 = [..."00000000000000000000ffff7f000002"].reverse().join(".");
/** The DQS key the lab's Spamhaus answers for (`<key>.zen.dq.spamhaus.net`). */
export const LAB_DQS_KEY = "labdqskey0123";
export const DQS_ZONE = `${LAB_DQS_KEY}.zen.dq.spamhaus.net`;
/** A TXT with markup, mentions, quotes, an ESC and a bidi override (U+202E), as zone text escapes. */
export const HOSTILE_TXT = `<!channel> @everyone <script>alert("x")</script> \u001b[31m \u202e`;
const HOSTILE_TXT_ZONE = '"<!channel> @everyone <script>alert(\\"x\\")</script> \\027[31m \\226\\128\\174"';

export const BLOCKLIST_CASES = {
  clean: "192.0.2.80",
  sbl: "192.0.2.81", // ZEN 127.0.0.2 with a hostile TXT; via DQS 127.0.0.4 instead
  css: "192.0.2.82", // ZEN 127.0.0.3
  xbl: "192.0.2.83", // ZEN 127.0.0.4
  drop: "192.0.2.84", // ZEN 127.0.0.9 and 127.0.0.2 (DROP always comes with SBL)
  pblIsp: "192.0.2.85", // ZEN 127.0.0.10
  pbl: "192.0.2.86", // ZEN 127.0.0.11
  typo: "192.0.2.87", // ZEN 127.255.255.252
  publicResolver: "192.0.2.88", // ZEN 127.255.255.254
  excessive: "192.0.2.89", // ZEN 127.255.255.255
  barracuda: "192.0.2.90", // b.barracudacentral.org 127.0.0.2
  spamcop: "192.0.2.91", // bl.spamcop.net 127.0.0.2 with a TXT
  errorCode: "192.0.2.93", // ZEN 127.255.255.253
  toggled: "192.0.2.94", // clean at start; the watch test lists and delists it
  genericPbl: "192.0.2.95", // PTR 192-0-2-95.dynamic.pool.example.test (generic) and ZEN 127.0.0.11
  ipv6: "2001:db8::80", // PTR list6.example.test, AAAA back; ZEN 127.0.0.2 under its 32 nibbles
} as const;

const ZEN_LISTINGS: Array<[ip: string, codes: string[]]> = [
  [BLOCKLIST_CASES.sbl, ["127.0.0.2"]],
  [BLOCKLIST_CASES.css, ["127.0.0.3"]],
  [BLOCKLIST_CASES.xbl, ["127.0.0.4"]],
  [BLOCKLIST_CASES.drop, ["127.0.0.2", "127.0.0.9"]],
  [BLOCKLIST_CASES.pblIsp, ["127.0.0.10"]],
  [BLOCKLIST_CASES.pbl, ["127.0.0.11"]],
  [BLOCKLIST_CASES.typo, ["127.255.255.252"]],
  [BLOCKLIST_CASES.publicResolver, ["127.255.255.254"]],
  [BLOCKLIST_CASES.excessive, ["127.255.255.255"]],
  [BLOCKLIST_CASES.errorCode, ["127.255.255.253"]],
  [BLOCKLIST_CASES.genericPbl, ["127.0.0.11"]],
  [BLOCKLIST_CASES.ipv6, ["127.0.0.2"]],
];

/** The list's query name for an address (RFC 5782), relative to the zone. */
export function listOwner(ip: string): string {
  return parseIp(ip).reverseName.replace(/\.(in-addr|ip6)\.arpa$/, "");
}

function blocklistZones(): ZoneFile[] {
  const zone = (name: string, records: string[]) => ({
    zone: name,
    text: [soa(name, "ns.test", SOA_TTL, SOA_MINIMUM), ...records].join("\n"),
  });
  const zen = ZEN_LISTINGS.flatMap(([ip, codes]) => codes.map((code) => `${listOwner(ip)} A ${code}`));
  const testPoint = `${TEST_POINT_V4} A 127.0.0.2`;
  return [
    zone("zen.spamhaus.org", [
      ...zen,
      `${listOwner(BLOCKLIST_CASES.sbl)} TXT ${HOSTILE_TXT_ZONE}`,
      testPoint,
      `${TEST_POINT_V6} A 127.0.0.2`,
    ]),
    zone("b.barracudacentral.org", [`${listOwner(BLOCKLIST_CASES.barracuda)} A 127.0.0.2`, testPoint]),
    zone("bl.spamcop.net", [
      testPoint,
      `${listOwner(BLOCKLIST_CASES.spamcop)} A 127.0.0.2`,
      `${listOwner(BLOCKLIST_CASES.spamcop)} TXT "Blocked - see https://www.spamcop.net/bl.shtml?${BLOCKLIST_CASES.spamcop}"`,
    ]),
    // DQS answers 127.0.0.4 where the public mirror says 127.0.0.2: a test can tell which was asked.
    zone(DQS_ZONE, [`${listOwner(BLOCKLIST_CASES.sbl)} A 127.0.0.4`, testPoint]),
    // No test point, no listing: NXDOMAIN for every question.
    zone(BROKEN_BLOCKLIST_ZONE, []),
  ];
}

/** The addresses of BLOCKLIST_CASES with their PTR name (all confirm: A/AAAA back). */
function blocklistHostName(ip: string): string {
  if (ip === BLOCKLIST_CASES.genericPbl) return "192-0-2-95.dynamic.pool.example";
  if (ip === BLOCKLIST_CASES.ipv6) return "list6.example";
  return `list${ip.split(".")[3]}.example`;
}
const BLOCKLIST_V4 = Object.values(BLOCKLIST_CASES).filter((ip) => !ip.includes(":"));

/** `editNegativeTtl`: the edit zone's negative TTL instead of EDIT_SOA_MINIMUM (npm run lab). */
export function parentZones(editNegativeTtl?: number): ZoneFile[] {
  const v4 = "113.0.203.in-addr.arpa";
  const v6 = "8.b.d.0.1.0.0.2.ip6.arpa";
  const edit = "2.0.192.in-addr.arpa";
  const spares = SPARE_NO_PTR.map((ip) => `spare${ip.split(".")[3]}.example A ${ip}`);
  const withPtr = SPARE_WITH_PTR.map((ip) => `ptr${ip.split(".")[3]}.example A ${ip}`);
  const forward = [
    soa("test", "ns.test", SOA_TTL, SOA_MINIMUM),
    "ns A 127.0.0.1",
    "child-ns A 127.0.0.1",
    `mail.example A ${CASES.pass}`,
    `smtp.example A ${CASES.pass}`,
    "other.example A 203.0.113.99",
    "broken.example A 203.0.113.99",
    'txtonly.example TXT "no address here"',
    `multi-a.example A ${CASES.multiplePtr}`,
    "multi-b.example A 203.0.113.99",
    `host17.example A ${CASES.reverseCname}`,
    "alias18.example CNAME real18.example.test.",
    `real18.example A ${CASES.forwardCname}`,
    `203-0-113-20.dynamic.pool.example A ${CASES.generic}`,
    `host32.example A ${CASES.longChain}`,
    `delegated.example A ${CASES.rfc2317}`,
    `mail6.example AAAA ${CASES.ipv6Pass}`,
    "broken6.example AAAA 2001:db8::99",
    `fixed50.example A ${CASES.cachedNegative}`,
    `mail64.example AAAA ${CASES.ownerIpv6}`,
    `${zoneLabel(HOSTILE_LABEL)}.hostile.example A ${CASES.hostile}`,
    ...INSIDE_ADDRESSES.map((ip) => `inside.example ${ip.includes(":") ? "AAAA" : "A"} ${ip}`),
    `mixed.example A ${CASES.mixedForward}`,
    "mixed.example A 10.1.2.3",
    ...spares,
    ...withPtr,
    ...SWEEP_PASSES.map((ip) => `${sweepName(ip)} A ${ip}`),
    ...BLOCKLIST_V4.map((ip) => `${blocklistHostName(ip)} A ${ip}`),
    `${blocklistHostName(BLOCKLIST_CASES.ipv6)} AAAA ${BLOCKLIST_CASES.ipv6}`,
  ];
  const reverse4 = [
    soa(v4, "ns.test", SOA_TTL, SOA_MINIMUM),
    "10 PTR mail.example.test.",
    '12 TXT "no PTR here"',
    "13 PTR broken.example.test.",
    "14 PTR noaddr.example.test.",
    "15 PTR txtonly.example.test.",
    "16 PTR multi-a.example.test.",
    "16 PTR multi-b.example.test.",
    `17 CNAME 17.cname.${v4}.`,
    "17.cname PTR host17.example.test.",
    "18 PTR alias18.example.test.",
    "20 PTR 203-0-113-20.dynamic.pool.example.test.",
    // Broken chains (Knot loads them with semantic checks off, and answers what it holds).
    `30 CNAME 30.loop.${v4}.`,
    `30.loop CNAME 30.${v4}.`,
    `31 CNAME 31.loop-a.${v4}.`,
    `31.loop-a CNAME 31.loop-b.${v4}.`,
    `31.loop-b CNAME 31.loop-a.${v4}.`,
    ...longChain(32, 20, v4, "host32.example.test."),
    `34 CNAME 34.gone.${v4}.`,
    `21 PTR ${zoneLabel(HOSTILE_LABEL)}.hostile.example.test.`,
    "36 PTR inside.example.test.",
    "37 PTR mixed.example.test.",
    // RFC 2317 section 4: the /26 is delegated, each address a CNAME into the child zone.
    "64-127 NS child-ns.test.",
    `70 CNAME 70.64-127.${v4}.`,
    `71 CNAME 71.64-127.${v4}.`,
  ];
  const reverse6 = [
    soa(v6, "ns.test", SOA_TTL, SOA_MINIMUM),
    `${owner(CASES.ipv6Pass, v6)} PTR mail6.example.test.`,
    `${owner(CASES.ipv6Broken, v6)} PTR broken6.example.test.`,
    `${owner(CASES.ipv6PrivateForward, v6)} PTR inside.example.test.`,
    // The /64 2001:db8:0:64::/64 is delegated (its own zone, OWNER_ZONES.ipv6).
    ...OWNER_ZONES.ipv6.ns.map((ns) => `${OWNER_ZONES.ipv6.zone.slice(0, -(v6.length + 1))} NS ${ns}.`),
    `${owner(BLOCKLIST_CASES.ipv6, v6)} PTR ${blocklistHostName(BLOCKLIST_CASES.ipv6)}.test.`,
  ];
  const editable = [
    editNegativeTtl === undefined
      ? soa(edit, "ns.test", EDIT_SOA_TTL, EDIT_SOA_MINIMUM)
      : soa(edit, "ns.test", editNegativeTtl + 2, editNegativeTtl),
    ...SPARE_WITH_PTR.map((ip) => `${ip.split(".")[3]} PTR ptr${ip.split(".")[3]}.example.test.`),
    ...BLOCKLIST_V4.map((ip) => `${ip.split(".")[3]} PTR ${blocklistHostName(ip)}.test.`),
  ];
  return [
    { zone: "test", text: forward.join("\n") },
    { zone: v4, text: reverse4.join("\n") },
    { zone: v6, text: reverse6.join("\n") },
    { zone: edit, text: editable.join("\n") },
    ...Object.values(OWNER_ZONES).map(ownerZone),
    ...SWEEP_ZONES.map((zone, i) => ({
      zone,
      text: [
        soa(zone, "ns.test", SOA_TTL, SOA_MINIMUM),
        `1 PTR ${sweepName(SWEEP_PASSES[i] ?? "")}.test.`,
      ].join("\n"),
    })),
    ...blocklistZones(),
  ].map((z) => ({ ...z, text: `${z.text}\n` }));
}

export const CHILD_ZONE = "64-127.113.0.203.in-addr.arpa";

export function childZones(): ZoneFile[] {
  const text = [soa(CHILD_ZONE, "child-ns.test", SOA_TTL, SOA_MINIMUM), "70 PTR delegated.example.test."];
  return [{ zone: CHILD_ZONE, text: `${text.join("\n")}\n` }];
}

/** Zones Unbound must not answer from its RFC 6303 defaults (documentation reverse zones, test.). */
export const TRANSPARENT_ZONES = [
  "test.",
  "113.0.203.in-addr.arpa.",
  "100.51.198.in-addr.arpa.",
  "2.0.192.in-addr.arpa.",
  "8.b.d.0.1.0.0.2.ip6.arpa.",
];

/** The zone Unbound sends to the port that never answers, for the SERVFAIL case. */
export const SERVFAIL_ZONE = "100.51.198.in-addr.arpa";

/**
 * A populated range for the sweep bench (issue 25 item 6), served only when the lab is started
 * with `populated: true`: every address of 2001:db8:1::/112 has a PTR h<hex>.fleet.test, and
 * the even ones confirm (an AAAA back), the odd ones do not (no AAAA): a real mail fleet, where a
 * check asks PTR and then the forward name, not one NXDOMAIN. Unbound reaches both zones through
 * its existing stubs (8.b.d.0.1.0.0.2.ip6.arpa, test.): Knot answers from the most specific zone.
 */
export const POPULATED_RANGE = "2001:db8:1::/112";
const POPULATED_REVERSE = `${"0.".repeat(16)}1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`;

export function populatedZones(): ZoneFile[] {
  const reverse = [soa(POPULATED_REVERSE, "ns.test", SOA_TTL, SOA_MINIMUM)];
  const forward = [soa("fleet.test", "ns.test", SOA_TTL, SOA_MINIMUM)];
  for (let n = 0; n < 65_536; n++) {
    const hex = n.toString(16);
    const owner = hex.padStart(4, "0").split("").reverse().join(".");
    reverse.push(`${owner} PTR h${hex}.fleet.test.`);
    if (n % 2 === 0) forward.push(`h${hex} AAAA 2001:db8:1::${hex}`);
  }
  return [
    { zone: POPULATED_REVERSE, text: `${reverse.join("\n")}\n` },
    { zone: "fleet.test", text: `${forward.join("\n")}\n` },
  ];
}

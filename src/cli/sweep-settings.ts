// `rdns sweep`'s command line: its usage text and the settings it reads (pure but for the
// configuration dnsServers reads), kept apart from running the sweep (sweep.ts).
import { InvalidInputError, parseServer } from "../check/index.js";
import { type AddressRange, parseRange } from "../check/ranges.js";
import { formatServer } from "../check/server.js";
import type { BlocklistOptions } from "../check/types.js";
import { dnsServers } from "./dns-options.js";
import { SWEEP_FORMATS, type SweepFormat } from "./sweep-output.js";

export const SWEEP_USAGE = `usage: rdns sweep <ip|range>... [--helo NAME] [--resolver H[:P]]... [--authority H[:P]]... [--timeout MS]
                  [--concurrency N] [--qps N] [--threads N] [--only-failing] [--blocklists] [--format table|csv|ndjson]
                  [--show-private-addresses]

  <ip|range>           addresses or ranges: 203.0.113.5, 203.0.113.0/24 (IPv4 up to /16), 2001:db8::/120 (IPv6 up to /112)
  --helo NAME          the name every address's mail server announces in HELO/EHLO
  --resolver H[:P]     a recursive resolver to ask (repeatable; default RESOLVERS, else the system's)
  --authority H[:P]    ask these as the zones' authoritative servers instead of discovering them (repeatable)
  --timeout MS         per-query timeout in ms (default DNS_TIMEOUT_MS, 2000)
  --concurrency N      checks in flight at once (default 128, 1-10000)
  --qps N              DNS packets per second to each server at most; 0 = no cap (default: no cap on
                       the servers you list, 500 on the system's resolver and discovered authorities)
  --threads N          worker threads sharing the addresses (1-16, default 1): for a large range on a
                       machine with idle cores
  --only-failing       print only the addresses that do not pass (the summary still counts all)
  --blocklists         also ask the DNSBL_ZONES lists, at most 2 addresses per second
                       (one thread): a sweep must stay well inside the lists' free-use volume
  --format F           table (default; aligned, in address order, at the end), csv (in address
                       order, at the end) or ndjson (one report per line as rdns check --json
                       prints it, streamed as checks finish)
  --show-private-addresses
                       show the non-public addresses PTR and HELO names resolve to (default
                       SHOW_PRIVATE_ADDRESSES; otherwise counted in privateAddresses, not shown)

The summary (counts by verdict and by problem code) goes to stderr, with a progress bar on a terminal.
exit status: 0 all pass, 1 any fail, 2 none fail but some inconclusive (DNS errors), 64 bad usage
`;

/**
 * Checks in flight by default. More is slower, not faster, once the servers answer in a few ms:
 * every check in flight holds its state (promises, answers, timers) across the collector's
 * scavenges. Built CLI, 2001:db8::/114 against the lab, checks/s by concurrency (two rounds):
 * 32: 3152, 3004; 64: 4020, 3113; 128: 4996, 3412; 256: 2504, 2778; 500: ~2,500. 128 in flight
 * still covers a 25 ms round trip at 5,000 checks/s, more than one thread checks.
 */
const DEFAULT_CONCURRENCY = 128;

/** sweep's own options, for parseDnsCommandLine (which adds the DNS ones). */
export const SWEEP_OPTIONS = {
  helo: { type: "string" },
  concurrency: { type: "string" },
  qps: { type: "string" },
  threads: { type: "string" },
  "only-failing": { type: "boolean" },
  format: { type: "string" },
  blocklists: { type: "boolean" },
} as const;

export interface SweepSettings {
  ranges: AddressRange[];
  helo: string | null;
  resolvers: string[];
  authorities: string[];
  timeoutMs: number;
  concurrency: number;
  /** Packets per second per server: the explicit --qps, or null for the defaults. */
  qps: number | null;
  /** --threads, or null for the automatic choice (threadsFor). */
  threads: number | null;
  onlyFailing: boolean;
  format: SweepFormat;
  /** --blocklists: the lists to ask (DNSBL_ZONES), or null without the flag. */
  blocklists: BlocklistOptions | null;
  /** --show-private-addresses or SHOW_PRIVATE_ADDRESSES (issue 28). */
  showPrivateAddresses: boolean;
}

export function readSettings(
  values: {
    helo?: string;
    concurrency?: string;
    qps?: string;
    threads?: string;
    "only-failing"?: boolean;
    format?: string;
    blocklists?: boolean;
    resolver?: string[];
    authority?: string[];
    timeout?: string;
  },
  positionals: string[],
): SweepSettings {
  if (positionals.length === 0) {
    throw new InvalidInputError("no address or range given; e.g. rdns sweep 203.0.113.0/24 --format csv");
  }
  const format = (values.format ?? "table") as SweepFormat;
  if (!SWEEP_FORMATS.includes(format)) {
    throw new InvalidInputError(
      `--format is one of ${SWEEP_FORMATS.join(", ")} (got "${String(values.format).slice(0, 20)}")`,
    );
  }
  const servers = dnsServers(values);
  return {
    ranges: positionals.map(parseRange),
    helo: values.helo ?? null,
    // Validated and written as the check writes them, so the --qps defaults can tell them apart.
    resolvers: servers.resolvers.map((server) => formatServer(parseServer(server))),
    authorities: servers.authorities.map((server) => formatServer(parseServer(server))),
    timeoutMs: servers.timeoutMs,
    concurrency: integerOption("--concurrency", values.concurrency, DEFAULT_CONCURRENCY, 1, 10_000),
    qps: values.qps === undefined ? null : integerOption("--qps", values.qps, 0, 0, 1_000_000),
    threads: values.threads === undefined ? null : integerOption("--threads", values.threads, 1, 1, 16),
    onlyFailing: values["only-failing"] ?? false,
    format,
    blocklists: values.blocklists ? servers.blocklists : null,
    showPrivateAddresses: servers.showPrivateAddresses,
  };
}

function integerOption(name: string, text: string | undefined, fallback: number, min: number, max: number) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InvalidInputError(
      `${name} takes a whole number from ${min} to ${max} (got "${text.slice(0, 20)}")`,
    );
  }
  return value;
}

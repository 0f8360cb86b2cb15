// The options `rdns check` and `rdns bounce --check` share: which DNS servers to ask, how long
// to wait for each answer and for the whole check, every one defaulting to the configuration
// (RESOLVERS, AUTHORITIES, DNS_TIMEOUT_MS, CHECK_DEADLINE_MS).
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type BlocklistOptions, InvalidInputError, type RdapLookup } from "../check/types.js";
import { loadConfig } from "../config.js";
import { rdapFromConfig, smtpProbeHeloOf } from "../settings.js";

/**
 * For parseArgs: `--resolver H[:P]`... `--authority H[:P]`... `--timeout MS` `--deadline MS`
 * `--show-private-addresses`.
 */
const DNS_OPTIONS = {
  resolver: { type: "string", multiple: true },
  authority: { type: "string", multiple: true },
  timeout: { type: "string" },
  deadline: { type: "string" },
  "show-private-addresses": { type: "boolean" },
} as const;

/**
 * parseArgs (strict, with positionals) for a sub-command that asks DNS: its own `options`, then
 * the DNS ones and --help/-h.
 */
export function parseDnsCommandLine<const T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...options, ...DNS_OPTIONS, help: { type: "boolean", short: "h" } },
  });
}

export interface DnsServers {
  resolvers: string[];
  authorities: string[];
  timeoutMs: number;
  /** Absent: 3 x timeoutMs (src/check/deadline.ts). */
  deadlineMs?: number;
  /** RDAP for the owner section (RDAP, RDAP_URL), networks kept in this process. */
  rdap?: RdapLookup | null;
  /** DNSBL_ZONES and SPAMHAUS_DQS_KEY: the lists a check asks. */
  blocklists: BlocklistOptions;
  /** The SMTP probe's EHLO name (SMTP_PROBE_HELO, else SMTP_DOMAIN, else a neutral name). */
  smtpHelo: string;
  /**
   * `--show-private-addresses` or SHOW_PRIVATE_ADDRESSES: reports keep the non-public addresses
   * PTR, HELO and host names resolve to (issue 28); off, they are counted, not shown.
   */
  showPrivateAddresses: boolean;
}

/**
 * The servers and timeout the options name, the configuration's where they name none. Throws
 * ConfigError for a bad environment and InvalidInputError for a bad --timeout.
 */
export function dnsServers(values: {
  resolver?: string[];
  authority?: string[];
  timeout?: string;
  deadline?: string;
  "show-private-addresses"?: boolean;
}): DnsServers {
  const config = loadConfig();
  const deadlineMs =
    values.deadline === undefined
      ? config.CHECK_DEADLINE_MS
      : parseMilliseconds("--deadline", values.deadline, 100, 600_000, 6000);
  return {
    resolvers: values.resolver ?? config.RESOLVERS,
    authorities: values.authority ?? config.AUTHORITIES,
    timeoutMs:
      values.timeout === undefined
        ? config.DNS_TIMEOUT_MS
        : parseMilliseconds("--timeout", values.timeout, 100, 60_000, 2000),
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    rdap: rdapFromConfig(config),
    blocklists: { zones: config.DNSBL_ZONES, dqsKey: config.SPAMHAUS_DQS_KEY ?? null },
    smtpHelo: smtpProbeHeloOf(config),
    showPrivateAddresses: values["show-private-addresses"] === true || config.SHOW_PRIVATE_ADDRESSES,
  };
}

function parseMilliseconds(flag: string, text: string, min: number, max: number, example: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InvalidInputError(
      `${flag} takes milliseconds between ${min} and ${max}, e.g. ${flag} ${example} (got "${text.slice(0, 20)}")`,
    );
  }
  return value;
}

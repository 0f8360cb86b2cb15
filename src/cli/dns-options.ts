// The options `rdns check` and `rdns bounce --check` share: which DNS servers to ask and how long
// to wait for each answer, every one defaulting to the configuration (RESOLVERS, AUTHORITIES,
// DNS_TIMEOUT_MS).
import { type ParseArgsConfig, parseArgs } from "node:util";
import { InvalidInputError } from "../check/types.js";
import { loadConfig } from "../config.js";

/** For parseArgs: `--resolver H[:P]`... `--authority H[:P]`... `--timeout MS`. */
const DNS_OPTIONS = {
  resolver: { type: "string", multiple: true },
  authority: { type: "string", multiple: true },
  timeout: { type: "string" },
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
}

/**
 * The servers and timeout the options name, the configuration's where they name none. Throws
 * ConfigError for a bad environment and InvalidInputError for a bad --timeout.
 */
export function dnsServers(values: {
  resolver?: string[];
  authority?: string[];
  timeout?: string;
}): DnsServers {
  const config = loadConfig();
  return {
    resolvers: values.resolver ?? config.RESOLVERS,
    authorities: values.authority ?? config.AUTHORITIES,
    timeoutMs: values.timeout === undefined ? config.DNS_TIMEOUT_MS : parseTimeout(values.timeout),
  };
}

function parseTimeout(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 100 || value > 60_000) {
    throw new InvalidInputError(
      `--timeout takes milliseconds between 100 and 60000, e.g. --timeout 2000 (got "${text.slice(0, 20)}")`,
    );
  }
  return value;
}

// `rdns dmarc <file>... [--check] [--json] [--resolver H:P]... [--authority H:P]... [--qps N]`
// (docs/cli.md): DMARC aggregate reports (plain, .gz, .zip) -> one row per source IP, most
// messages first; --check runs each IP's reverse-DNS check the way `rdns sweep` does (a fixed
// number in flight, --qps per server with whole addresses let in at its pace, zone SOAs kept).
// Exit 0 read (with --check: 0 all pass, 1 any fail, 2 only inconclusive), 1 no report found,
// 64 bad usage or a refused input.
import { RateLimit } from "../check/dns-limits.js";
import { InvalidInputError, parseServer } from "../check/index.js";
import { formatServer } from "../check/server.js";
import { ConfigError } from "../config.js";
import {
  type DmarcRecord,
  DmarcRefusedError,
  MAX_UNCOMPRESSED_BYTES,
  readDmarcReport,
  rowsBySource,
} from "../dmarc/index.js";
import { type CheckedRow, jsonLines, renderDmarcSummary, renderDmarcTable } from "./dmarc-output.js";
import { type DnsServers, dnsServers, parseDnsCommandLine } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";
import { InputReadError, readBounded } from "./read-bounded.js";
import { BLOCKLIST_SWEEP_RATE, sweepChecks } from "./sweep-checks.js";

export const DMARC_USAGE = `usage: rdns dmarc <FILE>... [--check] [--blocklists] [--json] [--resolver HOST[:PORT]]... [--authority HOST[:PORT]]... [--qps N] [--timeout MS]

  FILE                 a DMARC aggregate report (RFC 7489 appendix C XML) as providers send it:
                       plain .xml, .gz or .zip (told by its bytes, not its name); - reads stdin
  --json               one JSON object per source IP, one per line
  --check              check each source IP's reverse DNS and say how much mail failing addresses sent
  --blocklists         for --check: also ask the DNSBL_ZONES lists, at most 2 addresses per second
  --resolver H[:P]     for --check: a recursive resolver (repeatable; default RESOLVERS)
  --authority H[:P]    for --check: authoritative servers to ask (repeatable; default AUTHORITIES)
  --qps N              for --check: DNS packets per second to each server at most; 0 = no cap
                       (default: no cap on the servers you list, 500 on the system's resolver)
  --timeout MS         for --check: per-query timeout in ms (default DNS_TIMEOUT_MS)

Inputs over 50 MiB uncompressed or 100,000 records, with a DOCTYPE (entity expansion) or that
inflate past 50 MiB (zip bombs) are refused.
exit status: 0 read (with --check: 0 all pass, 1 any fail, 2 none fail but some inconclusive),
1 no DMARC report in the input, 64 bad usage or a refused input
`;

/** Checks in flight (fewer when --qps paces them): a report's sources are tens to thousands of addresses. */
const CONCURRENCY = 32;

interface Settings {
  files: string[];
  json: boolean;
  servers: DnsServers | null;
  qps: number | null;
  /** --blocklists: ask the lists too, at the sweep's blocklist pace. */
  blocklists: boolean;
}

function readSettings(argv: string[]): Settings | "help" {
  const args = parseDnsCommandLine(argv, {
    json: { type: "boolean" },
    check: { type: "boolean" },
    blocklists: { type: "boolean" },
    qps: { type: "string" },
  });
  if (args.values.help) return "help";
  if (args.positionals.length === 0)
    throw new InvalidInputError(
      "no report file given; e.g. rdns dmarc google.com!example.com!1765065600!1765151999.zip",
    );
  if (args.positionals.filter((file) => file === "-").length > 1)
    throw new InvalidInputError("stdin (-) can be read only once");
  const qps = args.values.qps;
  if (qps !== undefined && (!/^\d{1,7}$/.test(qps) || Number(qps) > 1_000_000))
    throw new InvalidInputError(`--qps takes a whole number from 0 to 1000000 (got "${qps.slice(0, 20)}")`);
  const servers = args.values.check ? dnsServers(args.values) : null;
  return {
    files: args.positionals,
    json: args.values.json ?? false,
    servers:
      servers === null
        ? null
        : {
            ...servers,
            resolvers: servers.resolvers.map((server) => formatServer(parseServer(server))),
            authorities: servers.authorities.map((server) => formatServer(parseServer(server))),
          },
    qps: qps === undefined ? null : Number(qps),
    blocklists: args.values.blocklists ?? false,
  };
}

/**
 * Runs each row's check as `rdns sweep` runs its checks (sweep-checks.ts: --qps per server, whole
 * addresses let in at that pace, each authority's zone SOA kept for its window); each row gains
 * its verdict and problem codes. Like the sweep, the lists are asked only with --blocklists and
 * then at BLOCKLIST_SWEEP_RATE addresses a second: a report's thousands of sources asked at DNS
 * pace would spend a list's daily allowance for the operator's own mail servers in minutes.
 */
async function checkRows(
  rows: CheckedRow[],
  servers: DnsServers,
  qps: number | null,
  withLists: boolean,
): Promise<void> {
  const byIp = new Map(rows.map((row) => [row.ip, row]));
  const { blocklists, ...dns } = servers;
  const pace = withLists ? new RateLimit(BLOCKLIST_SWEEP_RATE) : null;
  await sweepChecks(byIp.keys(), {
    check: { helo: null, ...dns, ...(withLists ? { blocklists } : {}) },
    concurrency: CONCURRENCY,
    qps,
    listed: new Set([...servers.resolvers, ...servers.authorities]),
    before: pace === null ? null : () => pace.take(),
    onReport: (report) => {
      const row = byIp.get(report.ip);
      if (row === undefined) return;
      row.verdict = report.verdict;
      row.problems = [...new Set(report.problems.map((problem) => problem.code))];
    },
  });
}

export async function runDmarcCommand(argv: string[]): Promise<number> {
  let settings: Settings | "help";
  try {
    settings = readSettings(argv);
  } catch (err) {
    return usageError("dmarc", (err as Error).message);
  }
  if (settings === "help") {
    process.stdout.write(DMARC_USAGE);
    return EXIT.ok;
  }
  const records: DmarcRecord[] = [];
  const organisations: string[] = [];
  let reports = 0;
  let current = "";
  try {
    for (const file of settings.files) {
      current = file;
      const reading = readDmarcReport(await readBounded(file, MAX_UNCOMPRESSED_BYTES + 1));
      reports += reading.reports;
      for (const record of reading.records) records.push(record);
      organisations.push(...reading.organisations);
    }
  } catch (err) {
    if (err instanceof DmarcRefusedError) return refused(err.message, current);
    if (err instanceof InvalidInputError || err instanceof InputReadError || err instanceof ConfigError)
      return usageError("dmarc", err.message);
    process.stderr.write(`rdns dmarc: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.software;
  }
  if (reports === 0) {
    process.stderr.write("rdns dmarc: no DMARC aggregate report (RFC 7489 <feedback>) found in the input\n");
    return EXIT.fail;
  }
  const rows: CheckedRow[] = rowsBySource(records);
  if (settings.servers !== null) await checkRows(rows, settings.servers, settings.qps, settings.blocklists);
  const checked = settings.servers !== null;
  process.stdout.write(
    settings.json
      ? jsonLines(rows)
      : `${renderDmarcTable(rows, checked)}\n${renderDmarcSummary(rows, reports, organisations, checked)}`,
  );
  if (!checked) return EXIT.ok;
  if (rows.some((row) => row.verdict === "fail")) return EXIT.fail;
  return rows.some((row) => row.verdict === "inconclusive") ? EXIT.inconclusive : EXIT.ok;
}

/** A refused input: one plain line naming it, exit 64. */
function refused(message: string, file: string): number {
  process.stderr.write(`rdns dmarc: ${file === "-" ? "stdin" : file} ${message}\n`);
  return EXIT.usage;
}

// `rdns sweep <ip|range>... [--helo NAME] [--resolver H:P]... [--authority H:P]... [--timeout MS]
// [--concurrency N] [--qps N] [--threads N] [--only-failing] [--format table|csv|ndjson]`
// (docs/cli.md): every address of every range checked in this process (or its worker threads:
// sweep-threads.ts), rows on stdout, a summary on stderr.
// Exit 0 all pass, 1 any fail, 2 only inconclusive left, 64 bad usage.
import cliProgress from "cli-progress";
import { SerialCache } from "../check/authority-serial-cache.js";
import { DnsClient } from "../check/dns-client.js";
import { RateLimit } from "../check/dns-limits.js";
import { InvalidInputError, parseServer, runCheck } from "../check/index.js";
import { type AddressRange, addressesOfAll, parseRange } from "../check/ranges.js";
import { formatServer } from "../check/server.js";
import { pacedConcurrency, sweepAddresses } from "../check/sweep.js";
import type { BlocklistOptions, CheckReport } from "../check/types.js";
import { dnsServers, parseDnsCommandLine } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";
import {
  ndjsonLine,
  notPublicNotes,
  renderCsv,
  renderTable,
  SWEEP_FORMATS,
  type SweepFormat,
  type SweepRow,
  SweepTally,
  toRow,
} from "./sweep-output.js";
import { sweepInThreads, threadsFor } from "./sweep-threads.js";

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
/**
 * Addresses per second a sweep with --blocklists checks: each asks every list one question (two
 * when listed). Spamhaus's free use is under 300,000 queries a day from one resolver
 * (www.spamhaus.org/organization/dnsblusage/), about 3.5 a second, and that budget is shared
 * with the operator's own mail servers: 2 a second keeps even a sweep that runs all day at
 * 172,800, with room left. A /24 then takes about 2 minutes, a /16 about 9 hours, which is the
 * price of not hammering the lists.
 */
export const BLOCKLIST_SWEEP_RATE = 2;

/** Politeness towards servers the user did not name (the system's resolver, discovered ones). */
const DEFAULT_UNLISTED_QPS = 500;

/** Where the rows and the summary go (the process's own streams, or a benchmark's). */
export interface SweepIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function runSweepCommand(
  argv: string[],
  io: SweepIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let settings: ReturnType<typeof readSettings>;
  try {
    const args = parseDnsCommandLine(argv, {
      helo: { type: "string" },
      concurrency: { type: "string" },
      qps: { type: "string" },
      threads: { type: "string" },
      "only-failing": { type: "boolean" },
      format: { type: "string" },
      blocklists: { type: "boolean" },
    });
    if (args.values.help) {
      io.stdout.write(SWEEP_USAGE);
      return EXIT.ok;
    }
    settings = readSettings(args.values, args.positionals);
  } catch (err) {
    // parseArgs' own errors (unknown option, missing value), bad input, a bad environment.
    return usageError("sweep", (err as Error).message, io.stderr);
  }
  try {
    return await sweep(settings, io);
  } catch (err) {
    if (err instanceof InvalidInputError) return usageError("sweep", err.message, io.stderr);
    io.stderr.write(`rdns sweep: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.software;
  }
}

interface SweepSettings {
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

function readSettings(
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

async function sweep(settings: SweepSettings, io: SweepIo): Promise<number> {
  const listed = new Set([...settings.resolvers, ...settings.authorities]);
  let questions = 0;
  const client = new DnsClient({
    qpsPerServer: (server) => settings.qps ?? (listed.has(server) ? 0 : DEFAULT_UNLISTED_QPS),
    onQuery: () => {
      questions++;
    },
  });
  // Each authority's zone SOA once per zone and window, not beside every PTR (authority-serial-cache.ts).
  const serialCache = new SerialCache();
  io.stderr.write(notPublicNotes(settings.ranges));
  const total = settings.ranges.reduce((sum, range) => sum + range.size, 0);
  const bar = io.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          stream: io.stderr,
          format: "sweep [{bar}] {percentage}% {value}/{total} addresses, {eta_formatted} left",
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0);
  const tally = new SweepTally();
  const rows: SweepRow[] = [];
  const out = new Output(io.stdout);
  const check = {
    helo: settings.helo,
    resolvers: settings.resolvers,
    authorities: settings.authorities,
    timeoutMs: settings.timeoutMs,
    showPrivateAddresses: settings.showPrivateAddresses,
  };
  // Lists only with --blocklists, at BLOCKLIST_SWEEP_RATE addresses a second, in this thread:
  // each address waits for its turn before its check starts (its deadline starts after the wait).
  const pace = settings.blocklists === null ? null : new RateLimit(BLOCKLIST_SWEEP_RATE);
  const listCheck = settings.blocklists === null ? check : { ...check, blocklists: settings.blocklists };
  if (pace !== null) {
    io.stderr.write(
      `asking ${settings.blocklists?.zones.join(", ") || "no list (DNSBL_ZONES is none)"} at most ${BLOCKLIST_SWEEP_RATE} addresses a second: about ${Math.ceil(total / BLOCKLIST_SWEEP_RATE)} s\n`,
    );
  }
  const started = performance.now();
  try {
    // Each thread takes a share of --concurrency and --qps, at least 1 of each.
    const threads = Math.min(
      threadsFor(total, settings.threads),
      settings.concurrency,
      settings.qps !== null && settings.qps > 0 ? settings.qps : Number.POSITIVE_INFINITY,
    );
    if (threads > 1 && pace === null) {
      questions = await sweepInThreads(
        {
          ranges: settings.ranges.map((range) => range.text),
          parts: threads,
          check,
          concurrency: settings.concurrency,
          qps: settings.qps,
          listed: [...listed],
          unlistedQps: DEFAULT_UNLISTED_QPS,
          format: settings.format,
          onlyFailing: settings.onlyFailing,
        },
        async (results) => {
          for (const result of results) {
            tally.addResult(result.verdict, result.codes);
            bar?.increment();
            if (typeof result.out === "string") await out.write(result.out);
            else if (result.out !== null) rows.push(result.out);
          }
        },
      );
    } else {
      await sweepAddresses(addressesOfAll(settings.ranges), {
        concurrency: pacedConcurrency(settings.concurrency, settings.qps ?? 0),
        check: async (ip) => {
          await pace?.take();
          return runCheck({ ip, ...listCheck }, { transport: client.query, serialCache });
        },
        onReport: (report: CheckReport, index) => {
          tally.add(report);
          bar?.increment();
          if (settings.onlyFailing && report.verdict === "pass") return;
          if (settings.format === "ndjson") return out.write(ndjsonLine(report));
          rows.push(toRow(report, index));
        },
      });
    }
  } finally {
    bar?.stop();
    client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  if (settings.format === "table") await out.write(renderTable(rows));
  if (settings.format === "csv") await out.write(renderCsv(rows));
  io.stderr.write(tally.render(seconds, questions));
  if (tally.verdicts.fail > 0) return EXIT.fail;
  return tally.verdicts.inconclusive > 0 ? EXIT.inconclusive : EXIT.ok;
}

/**
 * stdout with back-pressure: a slow reader slows the sweep instead of growing a buffer. A reader
 * that went away (`| head`: EPIPE) ends the output, not the process with a stack trace.
 */
class Output {
  private closed = false;
  /** One wait for "drain" shared by every lane that finds the pipe full (not one listener each). */
  private drained: Promise<void> | null = null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on("error", () => {
      this.closed = true;
      stream.emit("drain");
    });
  }

  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (this.stream.write(text)) return;
    this.drained ??= new Promise<void>((resolve) =>
      this.stream.once("drain", () => {
        this.drained = null;
        resolve();
      }),
    );
    await this.drained;
  }
}

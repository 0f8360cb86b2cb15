// `rdns sweep <ip|range>... [--helo NAME] [--resolver H:P]... [--authority H:P]... [--timeout MS]
// [--concurrency N] [--qps N] [--threads N] [--only-failing] [--format table|csv|ndjson]`
// (docs/cli.md): every address of every range checked in this process (or its worker threads:
// sweep-threads.ts), rows on stdout, a summary on stderr.
// Exit 0 all pass, 1 any fail, 2 only inconclusive left, 64 bad usage.
import cliProgress from "cli-progress";
import { RateLimit } from "../check/dns-limits.js";
import { InvalidInputError } from "../check/index.js";
import { addressesOfAll } from "../check/ranges.js";
import type { CheckReport } from "../check/types.js";
import { parseDnsCommandLine } from "./dns-options.js";
import { EXIT, usageError } from "./main.js";
import { Output } from "./output.js";
import { BLOCKLIST_SWEEP_RATE, DEFAULT_UNLISTED_QPS, sweepChecks } from "./sweep-checks.js";
import {
  ndjsonLine,
  notPublicNotes,
  renderCsv,
  renderTable,
  type SweepRow,
  SweepTally,
  toRow,
} from "./sweep-output.js";
import { readSettings, SWEEP_OPTIONS, SWEEP_USAGE, type SweepSettings } from "./sweep-settings.js";
import { sweepInThreads, threadsFor } from "./sweep-threads.js";

export { BLOCKLIST_SWEEP_RATE } from "./sweep-checks.js";
export { SWEEP_USAGE } from "./sweep-settings.js";

/** Where the rows and the summary go (the process's own streams, or a benchmark's). */
export interface SweepIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function runSweepCommand(
  argv: string[],
  io: SweepIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let settings: SweepSettings;
  try {
    const args = parseDnsCommandLine(argv, SWEEP_OPTIONS);
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

/** Where each address's outcome goes: the tally, the progress bar, the rows or the stream. */
interface Sink {
  tally: SweepTally;
  rows: SweepRow[];
  out: Output;
  bar: cliProgress.SingleBar | null;
}

async function sweep(settings: SweepSettings, io: SweepIo): Promise<number> {
  io.stderr.write(notPublicNotes(settings.ranges));
  const total = settings.ranges.reduce((sum, range) => sum + range.size, 0);
  const sink: Sink = { tally: new SweepTally(), rows: [], out: new Output(io.stdout), bar: progressBar(io) };
  sink.bar?.start(total, 0);
  const pace = blocklistPace(settings, total, io);
  const started = performance.now();
  let questions: number;
  try {
    const threads = threadCount(settings, total);
    questions =
      threads > 1 && pace === null
        ? await sweepThreaded(settings, threads, sink)
        : await sweepHere(settings, pace, sink);
  } finally {
    sink.bar?.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (settings.format === "table") await sink.out.write(renderTable(sink.rows));
  if (settings.format === "csv") await sink.out.write(renderCsv(sink.rows));
  io.stderr.write(sink.tally.render(seconds, questions));
  if (sink.tally.verdicts.fail > 0) return EXIT.fail;
  return sink.tally.verdicts.inconclusive > 0 ? EXIT.inconclusive : EXIT.ok;
}

/** A progress bar on a terminal; none otherwise. */
function progressBar(io: SweepIo): cliProgress.SingleBar | null {
  if (!io.stderr.isTTY) return null;
  return new cliProgress.SingleBar(
    {
      stream: io.stderr,
      format: "sweep [{bar}] {percentage}% {value}/{total} addresses, {eta_formatted} left",
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
}

/**
 * Lists only with --blocklists, at BLOCKLIST_SWEEP_RATE addresses a second, in this thread: each
 * address waits for its turn before its check starts (its deadline starts after the wait).
 */
function blocklistPace(settings: SweepSettings, total: number, io: SweepIo): RateLimit | null {
  if (settings.blocklists === null) return null;
  io.stderr.write(
    `asking ${settings.blocklists.zones.join(", ") || "no list (DNSBL_ZONES is none)"} at most ${BLOCKLIST_SWEEP_RATE} addresses a second: about ${Math.ceil(total / BLOCKLIST_SWEEP_RATE)} s\n`,
  );
  return new RateLimit(BLOCKLIST_SWEEP_RATE);
}

/** Threads to sweep in: each takes a share of --concurrency and --qps, at least 1 of each. */
function threadCount(settings: SweepSettings, total: number): number {
  return Math.min(
    threadsFor(total, settings.threads),
    settings.concurrency,
    settings.qps !== null && settings.qps > 0 ? settings.qps : Number.POSITIVE_INFINITY,
  );
}

/** What every check of the sweep is asked with (the blocklists apart: in this thread only). */
function checkOf(settings: SweepSettings) {
  return {
    helo: settings.helo,
    resolvers: settings.resolvers,
    authorities: settings.authorities,
    timeoutMs: settings.timeoutMs,
    showPrivateAddresses: settings.showPrivateAddresses,
  };
}

/** In this thread (sweep-checks.ts); resolves with the DNS questions asked. */
async function sweepHere(settings: SweepSettings, pace: RateLimit | null, sink: Sink): Promise<number> {
  const check = checkOf(settings);
  const { questions } = await sweepChecks(addressesOfAll(settings.ranges), {
    check: settings.blocklists === null ? check : { ...check, blocklists: settings.blocklists },
    concurrency: settings.concurrency,
    qps: settings.qps,
    listed: new Set([...settings.resolvers, ...settings.authorities]),
    before: pace === null ? null : () => pace.take(),
    onReport: (report: CheckReport, index) => {
      sink.tally.add(report);
      sink.bar?.increment();
      if (settings.onlyFailing && report.verdict === "pass") return;
      if (settings.format === "ndjson") return sink.out.write(ndjsonLine(report));
      sink.rows.push(toRow(report, index));
    },
  });
  return questions;
}

/** In `threads` worker threads (sweep-threads.ts); resolves with the DNS questions asked. */
function sweepThreaded(settings: SweepSettings, threads: number, sink: Sink): Promise<number> {
  return sweepInThreads(
    {
      ranges: settings.ranges.map((range) => range.text),
      parts: threads,
      check: checkOf(settings),
      concurrency: settings.concurrency,
      qps: settings.qps,
      listed: [...new Set([...settings.resolvers, ...settings.authorities])],
      unlistedQps: DEFAULT_UNLISTED_QPS,
      format: settings.format,
      onlyFailing: settings.onlyFailing,
    },
    async (results) => {
      for (const result of results) {
        sink.tally.addResult(result.verdict, result.codes);
        sink.bar?.increment();
        if (typeof result.out === "string") await sink.out.write(result.out);
        else if (result.out !== null) sink.rows.push(result.out);
      }
    },
  );
}

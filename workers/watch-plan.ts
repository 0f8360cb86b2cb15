// What a watch run leads to, decided without Redis or a clock: how the watch's addresses are cut
// into chunk jobs and when each starts, what a chunk retries, and the baseline summary a new
// watch's first run posts. workers/watch.ts reads the inputs and carries these out.
import ipaddr from "ipaddr.js";
import type { BaselineLine, OutboundMessage } from "../src/chat/types.js";
import type { CheckReport } from "../src/check/types.js";
import { watchChunkJobId } from "../src/queue/ids.js";
import type { WatchChunkJob } from "../src/queue/jobs.js";
import type { WatchRecord } from "../src/store/watches.js";

/**
 * A baseline run's chunks start this far apart, so a range's DNS questions come in a stream, not
 * a burst, and the baseline still comes promptly. 200 ms (a /16 in 51 s): at 100 ms a /16's
 * first run (26 s, ~2,500 checks/s) pushed the interactive checks' p99 to 1.9-2.6 x idle on two
 * cores; at 200 ms it measured 1.05-1.78 x in three runs (npm run bench:watch16, docs/operations.md).
 */
export const CHUNK_SPACING_MS = 200;
/** The window a baseline run's chunks are spread over is at most this (and a quarter of the interval). */
export const MAX_SPREAD_MS = 60_000;
/**
 * A scheduled run's chunks start within this share of the interval: spread over it rather than
 * bunched at its start, while the last chunk still has the rest of the interval to finish in, so
 * a big range's run is done before the next one begins.
 */
export const SCHEDULED_SPREAD_SHARE = 0.5;
/** A baseline lists at most this many addresses one per line; beyond it they are grouped. */
export const BASELINE_LINES = 20;
/** Example addresses shown per problem group. */
export const GROUP_EXAMPLES = 5;

export interface PlannedChunk {
  name: "chunk";
  data: WatchChunkJob;
  opts: { jobId: string; delay: number };
}

/**
 * How far apart a run's chunks start: the window from the first chunk's start to the last one's.
 * A baseline (a new watch's first run, whose summary the person waits for) is spread over a short
 * window; a scheduled run over half its interval, evenly.
 */
export function chunkWindowMs(count: number, intervalMs: number, baseline: boolean): number {
  if (count <= 1) return 0;
  if (baseline) return Math.min(MAX_SPREAD_MS, Math.floor(intervalMs / 4), (count - 1) * CHUNK_SPACING_MS);
  return Math.floor(intervalMs * SCHEDULED_SPREAD_SHARE);
}

/**
 * Cuts the watch's addresses into chunks of `chunkSize` (settings.watchChunkSize, 256: a /16 is
 * 256 jobs, each small enough to finish well within a lock), spread over chunkWindowMs.
 */
export function planWatchRun(input: {
  runId: string;
  chunkSize: number;
  channel: string;
  record: Pick<WatchRecord, "target" | "ips" | "helo" | "probe">;
  baseline: boolean;
  intervalMs: number;
}): PlannedChunk[] {
  const { runId, channel, record, baseline } = input;
  const size = Math.max(1, input.chunkSize);
  const count = Math.ceil(record.ips.length / size);
  const window = chunkWindowMs(count, input.intervalMs, baseline);
  return Array.from({ length: count }, (_, index) => ({
    name: "chunk" as const,
    data: {
      kind: "chunk" as const,
      channel,
      target: record.target,
      runId,
      index,
      attempt: 1,
      ips: record.ips.slice(index * size, (index + 1) * size),
      helo: record.helo ?? null,
      ...(record.probe === true ? { probe: true } : {}),
      baseline,
    },
    opts: {
      jobId: watchChunkJobId(runId, index, 1),
      delay: count <= 1 ? 0 : Math.round((index * window) / (count - 1)),
    },
  }));
}

/**
 * A timeout or SERVFAIL is not an answer: a chunk's inconclusive addresses are asked again in a
 * chunk of their own after a back-off (as a single check's job is by BullMQ), until the last
 * attempt, whose answer stands. Null when nothing is retried.
 */
export function planChunkRetry(
  job: WatchChunkJob,
  inconclusive: readonly string[],
  policy: { checkAttempts: number; checkRetryDelayMs: number },
): PlannedChunk | null {
  if (inconclusive.length === 0 || job.attempt >= policy.checkAttempts) return null;
  const attempt = job.attempt + 1;
  return {
    name: "chunk",
    data: { ...job, attempt, ips: [...inconclusive] },
    opts: {
      jobId: watchChunkJobId(job.runId, job.index, attempt),
      delay: policy.checkRetryDelayMs * 2 ** (job.attempt - 1),
    },
  };
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

/** One address's line in a baseline; null when it passes. */
export function baselineLineOf(report: CheckReport): BaselineLine | null {
  if (report.verdict === "pass") return null;
  const main = [...report.problems].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  )[0];
  const detail = main?.message ?? report.summary;
  return {
    ip: report.ip,
    verdict: report.verdict,
    ptr: [...report.ptr.names],
    problem: main?.code ?? null,
    detail: detail.length > 160 ? `${detail.slice(0, 157)}...` : detail,
  };
}

function byteOrder(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * In address order, each address parsed once (a /20's baseline sorts ~4,000 lines; parsing both
 * sides in every comparison was most of the last chunk's baseline time).
 */
function inAddressOrder(lines: readonly BaselineLine[]): BaselineLine[] {
  return lines
    .map((line) => ({ line, bytes: ipaddr.parse(line.ip).toByteArray() }))
    .sort((a, b) => byteOrder(a.bytes, b.bytes))
    .map(({ line }) => line);
}

/**
 * The baseline of a run: counts, then the non-passing addresses in address order. Up to
 * BASELINE_LINES they are listed; past that, every one is counted in its problem's group and the
 * first BASELINE_LINES / 2 are listed, so the message stays within every platform's limits.
 */
export function planBaseline(
  target: string,
  counts: { pass: number; fail: number; inconclusive: number },
  found: readonly BaselineLine[],
): Extract<OutboundMessage, { kind: "watch-baseline" }> {
  const sorted = inAddressOrder(found);
  if (sorted.length <= BASELINE_LINES) {
    return { kind: "watch-baseline", target, ...counts, groups: [], lines: sorted, unlisted: 0 };
  }
  const groups = new Map<string, { problem: string; count: number; ips: string[] }>();
  for (const line of sorted) {
    const problem = line.problem ?? (line.verdict === "inconclusive" ? "DNS_ERROR" : "FAIL");
    const group = groups.get(problem) ?? { problem, count: 0, ips: [] };
    group.count++;
    if (group.ips.length < GROUP_EXAMPLES) group.ips.push(line.ip);
    groups.set(problem, group);
  }
  const listed = sorted.slice(0, BASELINE_LINES / 2);
  return {
    kind: "watch-baseline",
    target,
    ...counts,
    groups: [...groups.values()].sort((a, b) => b.count - a.count || a.problem.localeCompare(b.problem)),
    lines: listed,
    unlisted: sorted.length - listed.length,
  };
}

// What a watch run's change notices become, decided without Redis or a clock (issue 28, point 7:
// a run in which 896 addresses of a /21 broke posted 896 messages). Per watch thread: up to
// RUN_SUMMARY_AFTER changes go out one by one as before; more become one summary, counted by
// change and by problem, the first addresses listed and every one in an attached CSV.
// workers/watch-summary.ts collects the notices per run in Redis and carries this out.
import ipaddr from "ipaddr.js";
import type { OutboundMessage, WatchChange, WatchSummaryLine } from "../src/chat/types.js";
import type { ReportView } from "../src/chat/views.js";
import { threadReply } from "../src/queue/deliveries.js";
import type { DeliveryJob } from "../src/queue/jobs.js";
import { SUMMARY_FILENAME, type SummaryCsvRow, summaryCsv } from "../src/render/watch-summary.js";
import { GROUP_EXAMPLES } from "./watch-plan.js";

/** A watch thread hears at most this many changes of one run one by one; more are one summary. */
export const RUN_SUMMARY_AFTER = 5;
/** A summary lists this many addresses; the CSV has them all. */
export const SUMMARY_LINES = 10;

type ChangeMessage = Extract<OutboundMessage, { kind: "watch-change" }>;
type ChangeNotice = DeliveryJob & { message: ChangeMessage };
type SummaryMessage = Extract<OutboundMessage, { kind: "watch-summary" }>;

const isChange = (job: DeliveryJob): job is ChangeNotice => job.message.kind === "watch-change";

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

/** The problem that matters most now: an error before a warning, in the report's order. */
function mainProblem(report: Pick<ReportView, "problems">): string | null {
  const [first] = [...report.problems].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  return first?.code ?? null;
}

/** The watch a notice speaks for: carried since run summaries; read from "ip (target)" before. */
function watchOf(message: ChangeMessage): string {
  if (message.watch !== undefined) return message.watch;
  const inner = /^\S+ \((.+)\)$/.exec(message.target);
  return inner?.[1] ?? message.target;
}

function rowOf(message: ChangeMessage): SummaryCsvRow {
  const { report } = message;
  return {
    ip: report.ip,
    watch: watchOf(message),
    change: message.change,
    verdict: report.verdict,
    ptr: [...report.ptr.names],
    previousNames: [...message.previousNames],
    problem: mainProblem(report),
    problems: [...new Set(report.problems.map((problem) => problem.code))],
    lists: [...(message.lists ?? [])],
    checkedAt: report.checkedAt,
  };
}

function byteOrder(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** In address order, each address parsed once (a /16's summary sorts thousands). */
function inAddressOrder<T extends { ip: string }>(items: readonly T[]): T[] {
  return items
    .map((item) => ({ item, bytes: ipaddr.parse(item.ip).toByteArray() }))
    .sort((a, b) => byteOrder(a.bytes, b.bytes))
    .map(({ item }) => item);
}

/** Counts in a stable order: most first, then by name. */
function counted<K extends string>(keys: readonly K[]): { key: K; count: number }[] {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** The summary of one watch thread's changes in a run (one row per address: its last notice). */
export function planWatchSummary(notices: readonly ChangeNotice[]): SummaryMessage {
  const byIp = new Map<string, SummaryCsvRow>();
  for (const notice of notices) byIp.set(notice.message.report.ip, rowOf(notice.message));
  const rows = inAddressOrder([...byIp.values()]);
  const groups = new Map<string, { problem: string; count: number; ips: string[] }>();
  for (const row of rows) {
    if (row.problem === null) continue;
    const group = groups.get(row.problem) ?? { problem: row.problem, count: 0, ips: [] };
    group.count++;
    if (group.ips.length < GROUP_EXAMPLES) group.ips.push(row.ip);
    groups.set(row.problem, group);
  }
  const lines: WatchSummaryLine[] = rows
    .slice(0, SUMMARY_LINES)
    .map(({ ip, change, verdict, ptr, previousNames, problem }) => ({
      ip,
      change,
      verdict,
      ptr,
      previousNames,
      problem,
    }));
  return {
    kind: "watch-summary",
    target: rows[0]?.watch ?? "",
    total: rows.length,
    changes: counted<WatchChange>(rows.map((row) => row.change)).map(({ key, count }) => ({
      change: key,
      count,
    })),
    groups: [...groups.values()].sort((a, b) => b.count - a.count || a.problem.localeCompare(b.problem)),
    lines,
    attachment: { filename: SUMMARY_FILENAME, contentType: "text/csv", content: summaryCsv(rows) },
  };
}

/**
 * A run's notices as the deliveries to queue. Change notices are taken per watch thread (a run
 * settles every channel watching its addresses, each in its own thread): up to RUN_SUMMARY_AFTER
 * go out as they are, more become one summary whose delivery id derives from `sourceId` (the run,
 * or a late chunk) and the thread, so planning the same notices again queues nothing new. Other
 * notices (the name servers' disagreement) pass as they are.
 */
export function planRunNotices(sourceId: string, notices: readonly DeliveryJob[]): DeliveryJob[] {
  const threads = new Map<string, ChangeNotice[]>();
  const others: DeliveryJob[] = [];
  for (const notice of notices) {
    if (!isChange(notice) || notice.target.op !== "reply") {
      others.push(notice);
      continue;
    }
    const key = `${notice.platform}|${notice.target.thread}`;
    threads.set(key, [...(threads.get(key) ?? []), notice]);
  }
  const planned = [...threads.values()].flatMap((group) => {
    const [first] = group;
    if (first === undefined || first.target.op !== "reply" || group.length <= RUN_SUMMARY_AFTER)
      return inAddressOrder(group.map((notice) => ({ ip: notice.message.report.ip, notice }))).map(
        ({ notice }) => notice,
      );
    const origin = { platform: first.platform, channel: "", thread: first.target.thread, parent: null };
    return [
      {
        ...threadReply(sourceId, origin, planWatchSummary(group), "watch-summary"),
        ...(first.watchChannel === undefined ? {} : { watchChannel: first.watchChannel }),
      },
    ];
  });
  return [...planned, ...others];
}

/**
 * How long past its last chunk's planned start a run's notices wait at most: enough for that
 * chunk's retries of inconclusive addresses (the back-off doubles from checkRetryDelayMs) and a
 * queue that is behind. A chunk that has not ended by then (it keeps failing, its worker died and
 * its lock has not run out) does not hold up the rest: what was collected goes out, and that
 * chunk's changes follow on their own when it ends.
 */
export const RUN_END_GRACE_MS = 10 * 60_000;

export function runEndDelayMs(
  lastChunkDelayMs: number,
  policy: { checkAttempts: number; checkRetryDelayMs: number },
): number {
  const retries = policy.checkRetryDelayMs * (2 ** Math.max(0, policy.checkAttempts - 1) - 1);
  return lastChunkDelayMs + retries + RUN_END_GRACE_MS;
}

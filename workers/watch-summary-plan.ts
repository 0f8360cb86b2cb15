// What a watch run's change notices become, decided without Redis or a clock (issue 28, point 7:
// a run in which 896 addresses of a /21 broke posted 896 messages). Per watch thread: up to
// RUN_SUMMARY_AFTER changes go out one by one as before; more become one summary, counted by
// change and by problem, the first addresses listed and every one in an attached CSV.
// workers/watch-summary.ts collects the notices per run in Redis and carries this out.
import ipaddr from "ipaddr.js";
import type {
  OutboundMessage,
  PlatformName,
  ReplyAddress,
  WatchChange,
  WatchSummaryLine,
} from "../src/chat/types.js";
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
type ChangeNotice = DeliveryJob & { message: ChangeMessage; target: { op: "reply" } };
type SummaryMessage = Extract<OutboundMessage, { kind: "watch-summary" }>;

/** A change notice into a thread: what a run collects (any other notice passes as it is). */
export const isChangeNotice = (job: DeliveryJob): job is ChangeNotice =>
  job.message.kind === "watch-change" && job.target.op === "reply";

/** The thread a change is told in. */
export interface ThreadRef {
  platform: PlatformName;
  thread: ReplyAddress;
  watchChannel?: string;
}

/**
 * One changed address as a run keeps it: its summary row (a few hundred bytes, for every change)
 * and, only while its thread has had no more than RUN_SUMMARY_AFTER, the notice itself (a report
 * view of some kilobytes), which is what is sent when no summary is.
 */
export interface RunChange {
  deliveryId: string;
  to: ThreadRef;
  row: SummaryCsvRow;
  notice: DeliveryJob | null;
}

/** The key a run counts a thread's changes under. */
export const threadKeyOf = (to: Pick<ThreadRef, "platform" | "thread">) => `${to.platform}|${to.thread}`;

export function runChangeOf(notice: ChangeNotice): RunChange {
  return {
    deliveryId: notice.deliveryId,
    to: {
      platform: notice.platform,
      thread: notice.target.thread,
      ...(notice.watchChannel === undefined ? {} : { watchChannel: notice.watchChannel }),
    },
    row: rowOf(notice.message),
    notice,
  };
}

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

/** The summary of one watch thread's changes in a run (one row per address: its last one). */
export function planWatchSummary(changes: readonly Pick<RunChange, "row">[]): SummaryMessage {
  const byIp = new Map<string, SummaryCsvRow>();
  for (const { row } of changes) byIp.set(row.ip, row);
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
 * A run's changes as the deliveries to queue, per watch thread (a run settles every channel
 * watching its addresses, each in its own thread): up to RUN_SUMMARY_AFTER are sent as the
 * notices they are, more become one summary whose delivery id derives from `sourceId` (the run,
 * or a late chunk) and the thread, so planning the same changes again queues nothing new.
 */
export function planRunChanges(sourceId: string, changes: readonly RunChange[]): DeliveryJob[] {
  const threads = new Map<string, RunChange[]>();
  for (const change of changes) {
    const key = threadKeyOf(change.to);
    threads.set(key, [...(threads.get(key) ?? []), change]);
  }
  return [...threads.values()].flatMap((group) => {
    const sorted = inAddressOrder(group.map((change) => ({ ip: change.row.ip, change })));
    const notices = sorted.flatMap(({ change }) => (change.notice === null ? [] : [change.notice]));
    // Every notice is kept while a thread has no more than RUN_SUMMARY_AFTER.
    if (group.length <= RUN_SUMMARY_AFTER && notices.length === group.length) return notices;
    const [first] = group;
    if (first === undefined) return [];
    const origin = { platform: first.to.platform, channel: "", thread: first.to.thread, parent: null };
    return [
      {
        ...threadReply(sourceId, origin, planWatchSummary(group), "watch-summary"),
        ...(first.to.watchChannel === undefined ? {} : { watchChannel: first.to.watchChannel }),
      },
    ];
  });
}

/** Notices as the deliveries to queue: the change notices as planRunChanges plans them, the rest as they are. */
export function planRunNotices(sourceId: string, notices: readonly DeliveryJob[]): DeliveryJob[] {
  const changes = notices.filter(isChangeNotice).map(runChangeOf);
  return [...planRunChanges(sourceId, changes), ...notices.filter((notice) => !isChangeNotice(notice))];
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

// A watch's maintenance window ends (`/rdns mute <target> <duration>`): the notices its runs held
// meanwhile (workers/settle.ts, src/store/held-notices.ts) are summed up in the watch's thread in
// one message: how many addresses broke, recovered or changed, and where each one ended up. The
// summary is decided here (pure); runUnmute carries it out.

import type { WatchChange } from "../src/chat/types.js";
import type { StoreKeys } from "../src/keys.js";
import { threadReply } from "../src/queue/deliveries.js";
import type { DeliveryJob, WatchUnmuteJob } from "../src/queue/jobs.js";
import { enqueueDeliveries, type Queues } from "../src/queue/queues.js";
import type { RedisClient } from "../src/redis-client.js";
import { CHANGE_WORDS } from "../src/render/watch-summary.js";
import { forgetHeldNotices, readHeldNotices } from "../src/store/held-notices.js";
import { getWatch, type WatchRecord } from "../src/store/watches.js";

/** Addresses named one by one; the rest are counted. */
const NAMED = 10;

/** The summary of a window's held notices, or null when nothing changed during it. */
export function planMuteSummary(target: string, held: readonly DeliveryJob[]): string | null {
  const changes = held.flatMap((job) =>
    job.message.kind === "watch-change"
      ? [{ ip: job.message.report.ip, change: job.message.change, verdict: job.message.report.verdict }]
      : [],
  );
  if (changes.length === 0) return null;
  const counts = new Map<WatchChange, number>();
  for (const { change } of changes) counts.set(change, (counts.get(change) ?? 0) + 1);
  // Where each address ended up: its last change in the window (held are oldest first).
  const last = new Map(changes.map((item) => [item.ip, item]));
  const named = [...last.values()]
    .slice(0, NAMED)
    .map(({ ip, change, verdict }) => `${ip} ${CHANGE_WORDS[change]} (now ${verdict})`);
  const more = last.size > NAMED ? `; and ${last.size - NAMED} more` : "";
  const tally = [...counts].map(([change, count]) => `${count} ${CHANGE_WORDS[change]}`).join(", ");
  return `The maintenance window of ${target} ended. While it was muted: ${tally}. ${named.join("; ")}${more}. /rdns status ${target} shows every address now.`;
}

/** Whether this job is still the window's end (a window changed or ended early queues its own). */
export function unmuteIsCurrent(
  record: Pick<WatchRecord, "mutedUntil"> | null,
  job: WatchUnmuteJob,
): boolean {
  return record !== null && record.mutedUntil === job.until;
}

export async function runUnmute(
  jobId: string,
  job: WatchUnmuteJob,
  deps: { redis: RedisClient; keys: StoreKeys; queues: Queues },
): Promise<number> {
  const { redis, keys, queues } = deps;
  const record = await getWatch(redis, keys, job.channel, job.target);
  if (!unmuteIsCurrent(record, job) || record?.origin === null || record?.origin === undefined) return 0;
  const held = await readHeldNotices(redis, keys, job.channel, job.target);
  const text = planMuteSummary(job.target, held);
  if (text !== null) {
    await enqueueDeliveries(queues, [
      {
        ...threadReply(jobId, record.origin, { kind: "notice", text }, `unmute|${job.channel}|${job.target}`),
        watchChannel: job.channel,
      },
    ]);
  }
  await forgetHeldNotices(redis, keys, job.channel, job.target, held);
  return held.length;
}

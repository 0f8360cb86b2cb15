// Job ids: deterministic wherever a re-run must find the same id (re-checks, deliveries). BullMQ
// refuses ids containing ":" (and IPv6 addresses are full of them) and ids that look like
// integers, so ids are built from a short hash of their parts.
import { createHash, randomUUID } from "node:crypto";
import { ipKey } from "../keys.js";

function digest(parts: readonly (string | number | null)[]): string {
  return createHash("sha256")
    .update(parts.map((part) => String(part ?? "")).join("\u0000"))
    .digest("base64url")
    .slice(0, 22);
}

/**
 * The first check of a new chain (a de-duplication window, or its re-opening). Random, not
 * derived from the time: two askers in the same millisecond must not share a job id, or BullMQ
 * would silently drop the second job and its asker would never hear back.
 */
export function checkJobId(ip: string): string {
  return `chk-${ipKey(ip)}-${randomUUID()}`;
}

/** The n-th re-check of a chain: running the same check twice (a stalled job) schedules it once. */
export function recheckJobId(chainId: string, n: number): string {
  return `rc-${digest([chainId, n])}-${n}`;
}

/**
 * A poll of the authority for one IP and HELO on its slot (workers/poll-plan.ts nextPollSlot):
 * every chain of that IP and HELO schedules the same id, so they share one poll.
 */
export function pollJobId(ip: string, helo: string | null, slot: number): string {
  return `poll-${digest([ip, helo, slot])}-${slot}`;
}

/**
 * A watched IP's job scheduler of the check queue, one per IP: how watches were scheduled before
 * one scheduler per watch (watchRunSchedulerId). Kept so such a scheduler can still be found and
 * removed.
 */
export function watchSchedulerId(ip: string): string {
  return `watch-${ipKey(ip)}`;
}

/**
 * A delivery: the check job that produced it, where it goes and what it is. The same check
 * delivering the same thing to the same place always has the same id, so it is enqueued once.
 */
export function deliveryId(sourceJobId: string, targetKey: string, what: string): string {
  return `dlv-${digest([sourceJobId, targetKey, what])}`;
}

/** A watch's job scheduler: one per channel watch, however many addresses it covers. */
export function watchRunSchedulerId(channel: string, target: string): string {
  return `wr-${digest([channel, target])}`;
}

/** The first run of a watch, queued once its thread exists (one per watch made at `createdAt`). */
export function firstWatchRunId(channel: string, target: string, createdAt: string): string {
  return `wf-${digest([channel, target, createdAt])}`;
}

/** Chunk `index` of a run, at attempt `attempt` (a later attempt re-asks only what was inconclusive). */
export function watchChunkJobId(runId: string, index: number, attempt: number): string {
  return `wc-${digest([runId, index, attempt])}-${index}`;
}

/** The bounded wait of a run's collected notices (workers/watch-summary.ts): one per run. */
export function watchRunEndJobId(runId: string): string {
  return `we-${digest([runId])}`;
}

/** The end of a watch's maintenance window (`/rdns mute`), once per window end. */
export function watchUnmuteJobId(channel: string, target: string, until: string): string {
  return `wu-${digest([channel, target, until])}`;
}

// When a watch's scheduled runs fall within its interval. Without a phase of their own, watches
// made in the same second (a burst of `/rdns watch`, or the "Watch this IP" button pressed on many
// results) would all run in the same second of every interval, and their DNS questions with them.
// Each watch gets a deterministic phase from a hash of its channel and target: the same watch
// always lands on the same instant of the interval (a scheduler made again after a restart or a
// repair keeps its place), and many watches spread evenly over it.
//
// BullMQ's `every` scheduler keeps that phase: its later runs are `previous + every`, and a run
// missed while no worker was up is caught up on the grid `k * every + offset`
// (getJobSchedulerEveryNextMillis in BullMQ 6.7), the same grid used here.
import { createHash } from "node:crypto";

/**
 * A deterministic phase in [0, intervalMs) for `key`: sha256, so keys made together spread evenly.
 * Watches use it per channel and target; re-check polls (workers/poll-plan.ts) per IP.
 */
export function hashPhaseMs(key: string, intervalMs: number): number {
  const interval = Math.floor(intervalMs);
  if (interval <= 1) return 0;
  return createHash("sha256").update(key).digest().readUInt32BE(0) % interval;
}

/** The watch's phase within the interval, in [0, intervalMs): a hash of channel and target. */
export function watchPhaseMs(watch: { channel: string; target: string }, intervalMs: number): number {
  return hashPhaseMs(`${watch.channel}\u0000${watch.target}`, intervalMs);
}

/**
 * The first scheduled run: the earliest instant on the watch's grid (k * interval + phase) at
 * least `minGapMs` from now. A new watch's first run is queued at once (it posts the baseline),
 * so the default gap of half an interval keeps the scheduler from running it again right after.
 */
export function firstScheduledRunAt(
  phaseMs: number,
  nowMs: number,
  intervalMs: number,
  minGapMs = intervalMs / 2,
): number {
  const earliest = nowMs + minGapMs;
  const slot = Math.ceil((earliest - phaseMs) / intervalMs);
  return slot * intervalMs + phaseMs;
}

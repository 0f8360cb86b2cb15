// The job schedulers behind watches: one per watched IP, shared by every channel watching it
// (src/queue/ids.ts watchSchedulerId). BullMQ plumbing only; when a scheduler should exist is
// the app's to decide (src/app/watch-schedulers.ts), from who watches the IP.
import type { Queue } from "bullmq";
import { watchSchedulerId } from "./ids.js";
import { type CheckJob, newCheckJob } from "./jobs.js";

/** Creates or updates the IP's scheduler. */
export async function upsertWatchScheduler(
  queue: Queue<CheckJob>,
  ip: string,
  everyMs: number,
): Promise<void> {
  const id = watchSchedulerId(ip);
  await queue.upsertJobScheduler(
    id,
    { every: everyMs },
    {
      name: "watch",
      data: newCheckJob({ ip, helo: null, origins: [], originsKey: null, reason: "watch", chainId: id }),
    },
  );
}

/** The IPs among `ips` that have no scheduler. */
export async function ipsWithoutScheduler(queue: Queue<CheckJob>, ips: readonly string[]): Promise<string[]> {
  const found = await Promise.all(ips.map((ip) => queue.getJobScheduler(watchSchedulerId(ip))));
  return ips.filter((_, index) => found[index] === undefined);
}

export async function removeWatchScheduler(queue: Queue<CheckJob>, ip: string): Promise<void> {
  await queue.removeJobScheduler(watchSchedulerId(ip));
}

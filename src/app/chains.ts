// What a person can do to a re-check chain from chat (the buttons, `/rdns recheck <ip>`,
// `/rdns stop <ip>`): check now, in the chain's thread, and stop re-checking. The chain registry
// (src/store/chains.ts) decides atomically who ended a chain, so a button pressed twice, or by
// two people, tells the threads once and gets a clear answer the second time.
import type { Origin, OutboundMessage, PlatformName } from "../chat/types.js";
import { threadReply } from "../queue/deliveries.js";
import { enqueueDeliveries } from "../queue/queues.js";
import { openChainsWithThreads, threadsOfChain } from "../store/chain-adoption.js";
import { endChain, openChainsOf, readChain } from "../store/chains.js";
import type { AppContext } from "./context.js";
import { isStorageFull } from "./failure-reply.js";
import { CheckNotQueuedError, requestCheck } from "./request-check.js";

export interface RecheckNowInput {
  ip: string;
  helo: string | null;
  /** The thread the result goes to (the chain's thread the button was pressed in, or the command's). */
  origin: Origin;
}

export type RecheckNowOutcome =
  /** A new check was queued; its result lands in the thread. */
  | "queued"
  /** A check of this IP and HELO was running: its one result lands in the thread too. */
  | "joined"
  /** The queue could not be reached: nothing was checked (the thread may have been told). */
  | "not-queued";

/**
 * "Re-check now", the one service behind the button and `/rdns recheck`: a check now, whose
 * result lands in `origin`'s thread. A finished window's answer is not reused (the person asked
 * for a new look), but a running check is joined, so pressing twice asks no extra DNS. If the
 * thread is an open chain's and the check still fails, that chain adopts it and goes on
 * (src/store/chain-adoption.ts): one chain per thread. Limits: both callers come through the
 * inbound pipeline (src/app/handlers.ts), which has counted the request once already.
 */
export async function recheckNow(ctx: AppContext, input: RecheckNowInput): Promise<RecheckNowOutcome> {
  try {
    const served = await requestCheck(ctx, { ...input, reason: "command", fresh: true });
    return served === "new" || served === "rerun" ? "queued" : "joined";
  } catch (error) {
    // A full Redis is worded by the error boundary (handlers.ts), not as an unreachable queue.
    if (error instanceof CheckNotQueuedError && !isStorageFull(error)) return "not-queued";
    throw error;
  }
}

export type StopOutcome = "stopped" | "already-ended" | "unknown";

/** The plain words a chain's threads hear when a person stops it. */
export function stoppedText(ip: string, user: string): string {
  return `${user} stopped re-checking ${ip}. Nothing more will be checked or said here about it; run /rdns ${ip} to check again.`;
}

async function otherChainWaitsOn(ctx: AppContext, ip: string, jobId: string): Promise<boolean> {
  if (!jobId.startsWith("poll-")) return false;
  for (const chainId of await openChainsOf(ctx.redis, ctx.keys, ip)) {
    if ((await readChain(ctx.redis, ctx.keys, chainId))?.next === jobId) return true;
  }
  return false;
}

/**
 * Ends a chain: it is marked ended first (a re-check or poll already queued then asks no DNS:
 * workers/check.ts looks before asking), its pending job is removed, and each of its threads is
 * told once who stopped it. `user` is shown as given (a display name or a mention).
 */
export async function stopChain(
  ctx: AppContext,
  input: { chainId: string; user: string },
): Promise<StopOutcome> {
  const chain = await readChain(ctx.redis, ctx.keys, input.chainId);
  if (chain === null) return "unknown";
  const ended = await endChain(ctx.redis, ctx.keys, chain.chainId, chain.ip, "stopped", input.user);
  if (ended !== "ended-now") return ended === "unknown" ? "unknown" : "already-ended";
  // A delayed job is removed outright; one that is running finds the chain ended and stops. A
  // poll is shared with the IP's other chains: removed only when no other open chain waits on it.
  if (chain.next !== null && !(await otherChainWaitsOn(ctx, chain.ip, chain.next))) {
    await ctx.queues.check.remove(chain.next).catch(() => 0);
  }
  const message: OutboundMessage = { kind: "notice", text: stoppedText(chain.ip, input.user) };
  const threads = await threadsOfChain(ctx.redis, chain);
  await enqueueDeliveries(
    ctx.queues,
    threads.map((origin) => threadReply(chain.chainId, origin, message, "stopped")),
  );
  return "stopped";
}

/**
 * The thread in this channel of the newest open chain of `ip` (and HELO), for `/rdns recheck`:
 * its result goes where the chain already talks. Null when no open chain has a thread here.
 */
export async function chainThreadIn(
  ctx: AppContext,
  input: { ip: string; helo: string | null; platform: PlatformName; channel: string },
): Promise<{ chainId: string; origin: Origin } | null> {
  // Newest first: the chain the channel heard from last.
  for (const { chain, threads } of await openChainsWithThreads(ctx.redis, ctx.keys, input.ip, input.helo)) {
    const origin = threads.find((item) => item.platform === input.platform && item.channel === input.channel);
    if (origin !== undefined) return { chainId: chain.chainId, origin };
  }
  return null;
}

/**
 * `/rdns stop <ip>` in a channel: stops every open chain of that IP that has a thread in this
 * channel (chains other channels asked for are theirs to stop). Returns how many it stopped.
 */
export async function stopChainsForIp(
  ctx: AppContext,
  input: { ip: string; platform: PlatformName; channel: string; user: string },
): Promise<{ stopped: number }> {
  let stopped = 0;
  for (const chainId of await openChainsOf(ctx.redis, ctx.keys, input.ip)) {
    const chain = await readChain(ctx.redis, ctx.keys, chainId);
    if (chain === null) continue;
    const threads = await threadsOfChain(ctx.redis, chain);
    const here = threads.some(
      (origin) => origin.platform === input.platform && origin.channel === input.channel,
    );
    if (!here) continue;
    if ((await stopChain(ctx, { chainId, user: input.user })) === "stopped") stopped++;
  }
  return { stopped };
}

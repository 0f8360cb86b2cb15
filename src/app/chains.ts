// What a person can do to a re-check chain from chat (the buttons, `/rdns recheck <ip>`,
// `/rdns stop <ip>`): check now, in the chain's thread, and stop re-checking. The chain registry
// (src/store/chains.ts) decides atomically who ended a chain, so a button pressed twice, or by
// two people, tells the threads once and gets a clear answer the second time.
import type { Origin, OutboundMessage, PlatformName } from "../chat/types.js";
import { chainOrigins, uniqueOrigins } from "../queue/dedup.js";
import { threadReply } from "../queue/deliveries.js";
import { enqueueDeliveries } from "../queue/queues.js";
import { endChain, openChainsOf, readChain } from "../store/chains.js";
import { type CommandLimiter, limitMessage } from "./command-limits.js";
import type { AppContext } from "./context.js";
import { CheckNotQueuedError, requestCheck } from "./request-check.js";

/**
 * The inbound pipeline's per-user and per-channel limiter (src/app/command-limits.ts): a button
 * press passes it, so it spends the same allowance as a typed command. A typed `/rdns recheck`
 * was counted by the pipeline already and passes none.
 */
export type UserLimiter = CommandLimiter;

export interface RecheckNowInput {
  ip: string;
  helo: string | null;
  /** The thread the result goes to (the chain's thread the button was pressed in). */
  origin: Origin;
  /** The platform's user id (counted by the limiter). */
  user: string;
}

export type RecheckNowOutcome =
  /** A new check was queued; its result lands in the thread. */
  | { outcome: "queued" }
  /** A check of this IP and HELO was running (or just finished): its result lands in the thread. */
  | { outcome: "joined" }
  /** `text`: the limiter's own sentence, to show the asker. */
  | { outcome: "rate-limited"; retryAfterSeconds: number; text: string }
  /** The queue could not be reached: nothing was checked (the thread may have been told). */
  | { outcome: "not-queued" };

/**
 * A check now, whose result lands in `origin`'s thread. It joins the de-duplication window
 * (src/queue/dedup.ts), so pressing "Re-check now" while a check of the IP runs asks no extra
 * DNS; and it spends the same per-user allowance as a command.
 */
export async function recheckNow(
  ctx: AppContext,
  input: RecheckNowInput,
  options: { limiter?: UserLimiter | null } = {},
): Promise<RecheckNowOutcome> {
  const limiter = options.limiter ?? null;
  if (limiter !== null) {
    const verdict = await limiter({
      platform: input.origin.platform,
      user: input.user,
      channel: input.origin.channel,
    });
    if (!verdict.allowed)
      return {
        outcome: "rate-limited",
        retryAfterSeconds: verdict.retryAfterSeconds,
        text: limitMessage(verdict),
      };
  }
  try {
    const served = await requestCheck(ctx, {
      ip: input.ip,
      helo: input.helo,
      origin: input.origin,
      reason: "command",
    });
    return served === "new" || served === "rerun" ? { outcome: "queued" } : { outcome: "joined" };
  } catch (error) {
    if (error instanceof CheckNotQueuedError) return { outcome: "not-queued" };
    throw error;
  }
}

export type StopOutcome = "stopped" | "already-ended" | "unknown";

/** The plain words a chain's threads hear when a person stops it. */
export function stoppedText(ip: string, user: string): string {
  return `${user} stopped re-checking ${ip}. Nothing more will be checked or said here about it; run /rdns ${ip} to check again.`;
}

/** Every thread of a chain: those known when it opened and everyone who joined its window. */
async function chainThreads(
  ctx: AppContext,
  origins: Origin[],
  originsKey: string | null,
): Promise<Origin[]> {
  const joined = originsKey === null ? [] : await chainOrigins(ctx.redis, originsKey);
  return uniqueOrigins([...origins, ...joined]);
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
  const threads = await chainThreads(ctx, chain.origins, chain.originsKey);
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
  const found: { chainId: string; origin: Origin; openedAt: string }[] = [];
  for (const chainId of await openChainsOf(ctx.redis, ctx.keys, input.ip)) {
    const chain = await readChain(ctx.redis, ctx.keys, chainId);
    if (chain === null || chain.helo !== input.helo) continue;
    const threads = await chainThreads(ctx, chain.origins, chain.originsKey);
    const origin = threads.find((item) => item.platform === input.platform && item.channel === input.channel);
    if (origin !== undefined) found.push({ chainId, origin, openedAt: chain.openedAt });
  }
  found.sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  const newest = found[0];
  return newest === undefined ? null : { chainId: newest.chainId, origin: newest.origin };
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
    const threads = await chainThreads(ctx, chain.origins, chain.originsKey);
    const here = threads.some(
      (origin) => origin.platform === input.platform && origin.channel === input.channel,
    );
    if (!here) continue;
    if ((await stopChain(ctx, { chainId, user: input.user })) === "stopped") stopped++;
  }
  return { stopped };
}

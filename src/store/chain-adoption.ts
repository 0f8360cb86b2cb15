// One thread, one chain: a check someone asks for in the thread of an open re-check chain (the
// "Re-check now" button, `/rdns recheck <ip>`) belongs to that chain. If it still fails, the chain
// goes on (with any other threads that joined the check's window) instead of a second chain
// opening for the same thread, which would later tell it "stopped" or "cleared" twice. If it
// clears, every open chain of the IP ends "cleared" once (workers/apply-report.ts).
//
// The check's own window id is marked "adopted by" the chain, so someone who asks within the
// window after the check finished (src/app/request-check.ts) joins the chain that goes on.

import type { Origin } from "../chat/types.js";
import type { StoreKeys } from "../keys.js";
import { uniqueOrigins } from "../queue/dedup.js";
import type { RedisClient } from "../redis-client.js";
import { type ChainRecord, openChainsOf, readChain } from "./chains.js";
import { chainOrigins } from "./dedup-window.js";
import { withScripts } from "./scripts.js";

const threadKey = (origin: Origin) => `${origin.platform}\u0000${origin.thread}`;

/** Every thread of a chain: those known when it opened and everyone who joined it since. */
export async function threadsOfChain(
  redis: RedisClient,
  chain: Pick<ChainRecord, "origins" | "originsKey">,
): Promise<Origin[]> {
  const joined = chain.originsKey === null ? [] : await chainOrigins(redis, chain.originsKey);
  return uniqueOrigins([...chain.origins, ...joined]);
}

/** The open chains of `ip` and `helo` with their threads, newest first. */
export async function openChainsWithThreads(
  redis: RedisClient,
  keys: StoreKeys,
  ip: string,
  helo: string | null,
): Promise<{ chain: ChainRecord; threads: Origin[] }[]> {
  const found: { chain: ChainRecord; threads: Origin[] }[] = [];
  for (const chainId of await openChainsOf(redis, keys, ip)) {
    const chain = await readChain(redis, keys, chainId);
    if (chain === null || chain.state !== "open" || chain.helo !== helo) continue;
    found.push({ chain, threads: await threadsOfChain(redis, chain) });
  }
  return found.sort((a, b) => b.chain.openedAt.localeCompare(a.chain.openedAt));
}

// Adoption is one script (src/store/lua/chain-adopt.lua), atomic with the chain's state: a chain
// stopped or cleared meanwhile adopts nothing, and the check opens its own.
async function adoptInto(
  redis: RedisClient,
  keys: StoreKeys,
  chain: ChainRecord,
  checkChainId: string,
  newcomers: readonly Origin[],
  keepMs: number,
): Promise<boolean> {
  if (chain.originsKey === null && newcomers.length > 0) return false; // nowhere to add them
  const adopted = await withScripts(redis).rdnsChainAdopt(
    keys.chain(chain.chainId),
    chain.originsKey ?? keys.chain(chain.chainId),
    keys.chain(checkChainId),
    chain.chainId,
    String(Math.max(1, Math.round(keepMs))),
    ...newcomers.map((origin) => JSON.stringify(origin)),
  );
  return adopted === 1;
}

/**
 * A failing check asked for in `threads`: when one of them is a thread of an open chain of the
 * same IP and HELO, that chain (the newest such) adopts the check and its other threads, and its
 * id is returned; null when the check opens a chain of its own.
 */
export async function adoptCheck(
  redis: RedisClient,
  keys: StoreKeys,
  check: { chainId: string; ip: string; helo: string | null },
  threads: readonly Origin[],
  keepMs: number,
): Promise<string | null> {
  const asked = new Set(threads.map(threadKey));
  for (const { chain, threads: known } of await openChainsWithThreads(redis, keys, check.ip, check.helo)) {
    if (chain.chainId === check.chainId || !known.some((origin) => asked.has(threadKey(origin)))) continue;
    const knownKeys = new Set(known.map(threadKey));
    const newcomers = threads.filter((origin) => !knownKeys.has(threadKey(origin)));
    if (await adoptInto(redis, keys, chain, check.chainId, newcomers, keepMs)) return chain.chainId;
  }
  return null;
}

/**
 * Someone asked within the window of a check that finished and was adopted: they join the chain
 * that adopted it, if it is still open. Returns that chain's id, or null.
 */
export async function joinAdopter(
  redis: RedisClient,
  keys: StoreKeys,
  checkChainId: string,
  origin: Origin,
  keepMs: number,
): Promise<string | null> {
  const adopterId = await redis.hget(keys.chain(checkChainId), "adoptedBy");
  if (adopterId === null) return null;
  const chain = await readChain(redis, keys, adopterId);
  if (chain === null || chain.state !== "open") return null;
  const known = new Set((await threadsOfChain(redis, chain)).map(threadKey));
  const newcomers = known.has(threadKey(origin)) ? [] : [origin];
  return (await adoptInto(redis, keys, chain, checkChainId, newcomers, keepMs)) ? chain.chainId : null;
}

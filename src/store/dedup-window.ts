// De-duplication of identical requests: the same IP and HELO asked many times within a short
// window runs one DNS check, and every asker is answered in its own thread.
//
// BullMQ's own `deduplication` option drops the duplicate job, but then nobody would know who
// else asked; so the askers are collected here, atomically with the window's state, in Lua
// (src/store/lua/dedup-*.lua):
//   open  -> the check has not finished: the asker is appended to the chain's origin list and
//            the worker answers everyone on the list when it finishes;
//   done  -> the check finished: the asker is appended (for later "cleared" notices) and answers
//            itself from the stored result (src/store/chain-results.ts), without DNS.
//
// The window is a hash (job, state) under keys.dedup(ip, helo); each chain's origin list is
// `<window>:<chain id>`, in the window's cluster slot (the window's key carries the hash tag).

import type { Origin } from "../chat/types.js";
import type { RedisClient } from "../redis-client.js";
import { originSchema } from "./origin.js";
import { parseStoredOrThrow } from "./record.js";
import { withScripts } from "./scripts.js";

export interface JoinResult {
  /** The chain's id (the id of its first check job). */
  chainId: string;
  /** The Redis list holding the chain's origins. */
  originsKey: string;
  state: "new" | "joined" | "done";
}

/** The origin list of one chain of a window. */
function originsKeyOf(dedupKey: string, chainId: string): string {
  return `${dedupKey}:${chainId}`;
}

/**
 * Stored origins. One that fails its schema is an error: dropping it would leave an asker
 * unanswered without anyone knowing, and the job that reads the list is retried by BullMQ.
 */
function parseOrigins(texts: readonly string[], where: string): Origin[] {
  return texts.map((text) => parseStoredOrThrow(originSchema, text, where));
}

/** Adds an asker to the window for this IP and HELO; `candidateId` becomes the chain id when new. */
export async function joinCheckWindow(
  redis: RedisClient,
  dedupKey: string,
  candidateId: string,
  origin: Origin,
  windowMs: number,
  keepMs: number,
  /** Re-open the window if it still names this finished chain (src/store/lua/dedup-join.lua). */
  reopenChainId = "",
): Promise<JoinResult> {
  const scripts = withScripts(redis);
  // The list of the chain the window names is passed as a key (never built inside the script):
  // first guessed as the candidate's; when the window names another chain the script writes
  // nothing and says which, and the call is made again with that chain's list. The window may
  // change in between, so this is a loop, bounded because every turn follows a real change.
  let expected = candidateId;
  for (let attempt = 0; attempt < 10; attempt++) {
    const [chainId, state] = await scripts.rdnsDedupJoin(
      dedupKey,
      originsKeyOf(dedupKey, candidateId),
      originsKeyOf(dedupKey, expected),
      candidateId,
      JSON.stringify(origin),
      String(windowMs),
      String(keepMs),
      reopenChainId,
    );
    if (state !== "retry")
      return { chainId, originsKey: originsKeyOf(dedupKey, chainId), state: state as JoinResult["state"] };
    expected = chainId;
  }
  throw new Error("the check window kept changing while joining it; try again");
}

/**
 * Called by the worker when the chain's first check has a result: closes the window (later askers
 * answer themselves from the stored result) and returns everyone who asked so far. Safe to call
 * again after a retry: it returns the same list.
 */
export async function finishCheckWindow(
  redis: RedisClient,
  originsKey: string,
  chainId: string,
): Promise<Origin[]> {
  const dedupKey = originsKey.slice(0, originsKey.length - chainId.length - 1);
  return parseOrigins(await withScripts(redis).rdnsDedupFinish(dedupKey, originsKey, chainId), originsKey);
}

/**
 * Called when the chain's first job could not be queued (Redis failed, the process is stopping):
 * without this the window would stay open with no job, and every asker for the rest of the
 * window would join a check that never runs. Returns who had joined it, to tell them.
 */
export async function abandonCheckWindow(
  redis: RedisClient,
  dedupKey: string,
  chainId: string,
): Promise<Origin[]> {
  const originsKey = originsKeyOf(dedupKey, chainId);
  return parseOrigins(await withScripts(redis).rdnsDedupAbandon(dedupKey, originsKey, chainId), originsKey);
}

/** Everyone on a chain so far (for re-checks). */
export async function chainOrigins(redis: RedisClient, originsKey: string): Promise<Origin[]> {
  return parseOrigins(await redis.lrange(originsKey, 0, -1), originsKey);
}

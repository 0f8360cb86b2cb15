// What a watching channel's state carries beside its verdict (workers/settle.ts writes it): the
// servers page's facts of the check as the watch sees it (src/store/watch-states.ts `facts`), and
// for a watch run, its owner left out where the address's block already has it
// (src/store/watch-owners.ts), so a watched address costs one small state entry (issue 28).

import type { CheckReport } from "../src/check/types.js";
import type { StoreKeys } from "../src/keys.js";
import type { RedisClient } from "../src/redis-client.js";
import { stateFactsOf } from "../src/store/report-rows.js";
import { claimBlockOwners, type Owner, ownerBlock, ownerText } from "../src/store/watch-owners.js";
import { type WatchDecision, type WatchObservation, watchView } from "./watch-notice.js";

/** One finished check: its report, and the job id its state writes and notices derive from. */
export interface FinishedCheck {
  report: CheckReport;
  /** The compare-and-set's "by" and the notice's delivery id derive from it (one per address). */
  jobId: string;
}

/** One watching channel of one address, and what was decided for it. */
export interface Claim {
  check: FinishedCheck;
  watcher: WatchObservation;
  decision: WatchDecision;
}

/** The decision with the check's facts (as the watch sees it) added to the state it writes. */
export function withFacts(
  decision: WatchDecision,
  record: WatchObservation["record"],
  report: CheckReport,
): WatchDecision {
  if (decision.action !== "write") return decision;
  const view = watchView(record, report);
  return view === null ? decision : { ...decision, state: { ...decision.state, facts: stateFactsOf(view) } };
}

/**
 * A watch run's states leave out the owner their block already has (src/store/watch-owners.ts),
 * offering each block the owner seen in it where it has none (one round trip for the batch).
 */
export async function shareBlockOwners(
  redis: RedisClient,
  keys: StoreKeys,
  claims: readonly Claim[],
): Promise<Claim[]> {
  const ownerOf = (claim: Claim) =>
    claim.decision.action === "write" ? (claim.decision.state.facts?.owner ?? null) : null;
  const offers = new Map<string, Map<string, Owner>>();
  for (const claim of claims) {
    const owner = ownerOf(claim);
    if (owner === null) continue;
    const blocks = offers.get(claim.watcher.channel) ?? new Map<string, Owner>();
    const block = ownerBlock(claim.check.report.ip);
    if (!blocks.has(block)) blocks.set(block, owner);
    offers.set(claim.watcher.channel, blocks);
  }
  const held = await claimBlockOwners(redis, keys, offers);
  return claims.map((claim) => {
    const { decision } = claim;
    const owner = ownerOf(claim);
    if (decision.action !== "write" || owner === null || decision.state.facts === undefined) return claim;
    const shared = held.get(claim.watcher.channel)?.get(ownerBlock(claim.check.report.ip));
    if (shared !== ownerText(owner)) return claim;
    const { owner: _theBlocks, ...facts } = decision.state.facts;
    return { ...claim, decision: { ...decision, state: { ...decision.state, facts } } };
  });
}

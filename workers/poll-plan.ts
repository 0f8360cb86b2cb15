// The decisions of a chain that watches the authority (issue 10 items 1, 2 and 6), pure: when
// the next poll runs (spread over the interval by a hash of the IP), whether a poll saw the fix,
// when a full check is due instead, and what each resolver still holding the old answer is
// predicted to do. workers/poll.ts carries them out.
import type { PollResult, PollTarget } from "../src/check/poll.js";
import { addressesText } from "../src/check/private-addresses.js";
import { type CheckReport, CONCLUSIVE_STATUSES, type ForwardLookup } from "../src/check/types.js";
import { hashPhaseMs } from "../src/queue/watch-phase.js";
import type { EngineSettings } from "../src/settings.js";

/**
 * Where in every interval this IP's polls fall, 0 <= offset < interval:
 * deterministic, so a restart does not re-bunch a thousand chains on the same second.
 */
export function jitterOffsetMs(ip: string, intervalMs: number): number {
  return hashPhaseMs(ip, intervalMs);
}

/**
 * The next poll of this IP after `now`: on the IP's own grid (k * interval + offset), so every
 * chain of the same IP and HELO lands on the same instant and shares one job (the slot is part
 * of its id), at least `minGapMs` away so a poll never runs twice in a row at once.
 */
export function nextPollSlot(
  ip: string,
  nowMs: number,
  intervalMs: number,
  minGapMs = Math.min(1000, intervalMs / 2),
): { slot: number; atMs: number; delayMs: number } {
  const offset = jitterOffsetMs(ip, intervalMs);
  let slot = Math.floor((nowMs - offset) / intervalMs) + 1;
  let atMs = slot * intervalMs + offset;
  if (atMs - nowMs < minGapMs) {
    slot++;
    atMs += intervalMs;
  }
  return { slot, atMs, delayMs: atMs - nowMs };
}

/** The failures the authority itself still shows: polling it is the way to see them fixed. */
export function authorityLacksFix(report: CheckReport): boolean {
  if (report.authority === null || report.verdict === "inconclusive") return false;
  const codes = new Set(report.problems.map((problem) => problem.code));
  if (codes.has("BROKEN_PAIR")) return true;
  // Issue 29: the fix is at some of the zone's servers, another lags: only the authority can say
  // when it catches up (a zone transfer, not a TTL), so the chain polls every server.
  if (codes.has("AUTHORITY_LAG") && report.authority.status === "found") return true;
  return codes.has("NO_PTR") && report.authority.status !== "found";
}

/**
 * The poll saw the fix: the authority serves a PTR (at one of its servers at least; every one
 * when the chain already saw it at some, PollTarget.untilAll) and, for a broken pair, its name
 * points back.
 */
export function pollSawFix(target: PollTarget, result: PollResult): boolean {
  if (result.status !== "found" || result.names.length === 0) return false;
  // Already seen at some servers while others lagged: "fixed" once every one serves it.
  if (target.untilAll === true && (result.behind ?? []).length > 0) return false;
  return !target.forward || result.forward?.confirms === true;
}

/** Why a poll runs a full check (resolvers too) instead of waiting, or null to keep polling. */
export function fullCheckDue(
  target: PollTarget,
  result: PollResult,
  chains: { firstFailureAt: string; stillFailingSent: boolean }[],
  lastFullAtMs: number,
  nowMs: number,
  settings: Pick<EngineSettings, "safetyCheckMs" | "recheckMaxMs" | "stillFailingAfterMs">,
): "fixed" | "moved" | "safety" | "deadline" | null {
  if (pollSawFix(target, result)) return "fixed";
  if (result.moved) return "moved";
  for (const chain of chains) {
    const elapsed = nowMs - Date.parse(chain.firstFailureAt);
    if (elapsed >= settings.recheckMaxMs) return "deadline";
    if (!chain.stillFailingSent && elapsed >= settings.stillFailingAfterMs) return "deadline";
  }
  if (nowMs - lastFullAtMs >= settings.safetyCheckMs) return "safety";
  return null;
}

/** One resolver still holding the old answer, and when it is predicted to let go. */
export interface LetGo {
  server: string;
  /** What it still serves: "no PTR" or the old names. */
  holds: string;
  at: Date;
}

/**
 * Resolvers that do not yet serve what the authority serves, each with the instant its cached
 * answer expires: a negative answer from the SOA TTL in it (RFC 2308 section 5: from a cache it
 * is the time left), an old PTR from its remaining TTL (RFC 1035 4.1.3: a cache counts TTLs down).
 */
export function predictLetGo(report: CheckReport, now: Date): LetGo[] {
  const authority = report.authority;
  if (authority === null || authority.status !== "found") return [];
  const fixed = [...authority.names].sort().join(" ");
  const out: LetGo[] = [];
  for (const answer of report.resolvers) {
    if (answer.status === "found" && [...answer.names].sort().join(" ") === fixed) continue;
    if (
      (answer.status === "nxdomain" || answer.status === "nodata") &&
      answer.negativeTtlRemaining !== null
    ) {
      out.push({
        server: answer.server,
        holds: "no PTR",
        at: new Date(now.getTime() + answer.negativeTtlRemaining * 1000),
      });
    } else if (answer.status === "found" && answer.ttl !== null) {
      out.push({
        server: answer.server,
        holds: answer.names.join(", "),
        at: new Date(now.getTime() + answer.ttl * 1000),
      });
    }
  }
  return out;
}

/**
 * A broken pair whose fix was seen at the authority, looked at again at the resolvers (the
 * confirmation, src/check/confirm.ts): each resolver answer that still does not point back, with
 * the instant its cached A/AAAA (or cached "no address") expires. Its TTL is the time left
 * (RFC 1035 7.3; for a negative answer the SOA TTL, RFC 2308 section 5), whole seconds, so the
 * let-go is put a second on, as the fix-seen plan does (workers/poll-fix-plan.ts). An answer
 * without a TTL, or a failure, is not timed.
 */
export function predictForwardLetGo(report: CheckReport, now: Date): LetGo[] {
  if (!report.problems.some((problem) => problem.code === "BROKEN_PAIR")) return [];
  return report.forward.flatMap((lookup) =>
    lookup.confirms ||
    lookup.server === null ||
    lookup.ttl === null ||
    !CONCLUSIVE_STATUSES.has(lookup.status)
      ? []
      : [
          {
            server: lookup.server,
            holds: forwardHolds(lookup, report.family),
            at: new Date(now.getTime() + (lookup.ttl + 1) * 1000),
          },
        ],
  );
}

/** What a broken pair's resolver holds: "broken.example.test A 203.0.113.99", "no AAAA for x". */
export function forwardHolds(
  lookup: Pick<ForwardLookup, "name" | "status" | "addresses" | "privateAddresses">,
  family: 4 | 6,
): string {
  const type = family === 4 ? "A" : "AAAA";
  return lookup.status === "found"
    ? `${lookup.name} ${type} ${addressesText(lookup)}`
    : `no ${type} for ${lookup.name}`;
}

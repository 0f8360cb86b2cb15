// What a chain does when its poll sees the fix at the authority (issue 10 item 2), pure: no
// resolver is asked then. When each resolver lets go of the old answer is predicted from what
// it served at the chain's last full check, and when (that instant, plus the margin) the one
// look at the resolvers runs. workers/poll.ts carries it out; src/check/confirm.ts asks.
import type { PollResult, PollTarget } from "../src/check/poll.js";
import { type CheckReport, CONCLUSIVE_STATUSES } from "../src/check/types.js";
import type { CheckJob, ForwardSeen, ResolverSeen } from "../src/queue/jobs.js";
import { forwardHolds } from "./poll-plan.js";

/**
 * What each resolver served at a full check, and when: kept in the chain's poll data. "When" is
 * the end of the check, no earlier than each answer, so a prediction from it is never early.
 */
export function resolversSeen(report: CheckReport): ResolverSeen[] {
  const at = new Date(Date.parse(report.checkedAt) + report.durationMs).toISOString();
  return report.resolvers.map((answer) => {
    const forward: ForwardSeen[] = report.forward
      .filter((lookup) => lookup.server === answer.server)
      .map(({ name, status, addresses, privateAddresses, ttl, confirms }) => ({
        name,
        status,
        addresses,
        ...(privateAddresses ? { privateAddresses } : {}),
        ttl,
        confirms,
      }));
    return {
      server: answer.server,
      status: answer.status,
      names: answer.names,
      ttl: answer.ttl,
      negativeTtlRemaining: answer.negativeTtlRemaining,
      ...(forward.length > 0 ? { forward } : {}),
      at,
    };
  });
}

/** One resolver's expected state once the fix is at the authority. */
export type ResolverOutlook =
  /** It served the fixed PTR at the last look: nothing to ask. */
  | { server: string; kind: "serving" }
  /** It held `holds` (seen at `seenAt`) and lets go at `at`, still ahead (RFC 2308 5 / RFC 1035 7.3). */
  | { server: string; kind: "lets-go"; holds: string; seenAt: Date; at: Date }
  /** Its old answer's time ran out at `at` (before now): it should serve the fix already. */
  | { server: string; kind: "expired"; holds: string; at: Date }
  /** Nothing timed about it (no answer, no TTL, a broken pair's A/AAAA not seen from it): unknown. */
  | { server: string; kind: "unknown" };

export interface FixSeenPlan {
  outlook: ResolverOutlook[];
  /** The resolvers to ask once: every one not already serving the fix. */
  confirm: string[];
  /** When to ask them: the last predicted let-go still ahead (or now), plus the margin. */
  confirmAt: Date;
}

function sameNames(a: string[], b: string[]): boolean {
  return [...a].sort().join(" ") === [...b].sort().join(" ");
}

/** A resolver's outlook from its last observation, at `nowMs`, for a fix the poll saw. */
export function outlookOf(
  seen: ResolverSeen,
  target: PollTarget,
  fixed: string[],
  nowMs: number,
): ResolverOutlook {
  const server = seen.server;
  const seenAt = Date.parse(seen.at);
  if (Number.isNaN(seenAt)) return { server, kind: "unknown" };
  if (target.forward) return forwardOutlook(seen, target.family, fixed, seenAt, nowMs);
  if (seen.status === "found" && sameNames(seen.names, fixed)) return { server, kind: "serving" };
  let left: number | null = null;
  let holds = "";
  if ((seen.status === "nxdomain" || seen.status === "nodata") && seen.negativeTtlRemaining !== null) {
    // RFC 2308 section 5: the SOA TTL in a cached negative answer is the time it has left.
    left = seen.negativeTtlRemaining;
    holds = "no PTR";
  } else if (seen.status === "found" && seen.ttl !== null) {
    // RFC 1035 4.1.3 / 7.3: a cache hands out an RR's TTL counted down, the time it has left.
    left = seen.ttl;
    holds = seen.names.join(", ");
  }
  if (left === null) return { server, kind: "unknown" };
  return timedOutlook(server, holds, left, seenAt, nowMs);
}

/**
 * A cache entry seen at `seenAt` with `left` seconds to go. TTLs are whole seconds: a cache that
 * reports R may keep the entry until just under R + 1 s later (Unbound counts in whole seconds of
 * its clock, measured 1.03 s past R on the lab), so the let-go is predicted at the latest instant
 * and the one look never comes early.
 */
function timedOutlook(
  server: string,
  holds: string,
  left: number,
  seenAt: number,
  nowMs: number,
): ResolverOutlook {
  const at = new Date(seenAt + (left + 1) * 1000);
  return at.getTime() > nowMs
    ? { server, kind: "lets-go", holds, seenAt: new Date(seenAt), at }
    : { server, kind: "expired", holds, at };
}

/**
 * A broken pair's resolver: its wrong answer was a PTR name's A/AAAA, timed by the TTL it came
 * with (a cached A/AAAA's time left, RFC 1035 7.3; a cached "no address"'s SOA TTL, RFC 2308
 * section 5). Only its answers for names the authority now serves count; the longest decides.
 */
function forwardOutlook(
  seen: ResolverSeen,
  family: 4 | 6,
  fixed: string[],
  seenAt: number,
  nowMs: number,
): ResolverOutlook {
  const server = seen.server;
  const answers = (seen.forward ?? []).filter((lookup) => fixed.includes(lookup.name));
  if (answers.length > 0 && answers.every((lookup) => lookup.confirms)) return { server, kind: "serving" };
  const held = answers.filter(
    (lookup) => !lookup.confirms && CONCLUSIVE_STATUSES.has(lookup.status) && lookup.ttl !== null,
  );
  const longest = held.sort((a, b) => (b.ttl ?? 0) - (a.ttl ?? 0))[0];
  if (longest === undefined || longest.ttl === null) return { server, kind: "unknown" };
  return timedOutlook(server, forwardHolds(longest, family), longest.ttl, seenAt, nowMs);
}

/**
 * The plan when a poll sees the fix: each resolver's outlook (from `seen`; a configured
 * resolver never observed is unknown), who is asked once, and when.
 */
export function planFixSeen(
  target: PollTarget,
  result: PollResult,
  seen: ResolverSeen[],
  resolvers: string[],
  nowMs: number,
  marginMs: number,
): FixSeenPlan {
  const servers = [...new Set([...seen.map((item) => item.server), ...resolvers])];
  const outlook = servers.map((server) => {
    const last = seen.find((item) => item.server === server);
    return last === undefined
      ? { server, kind: "unknown" as const }
      : outlookOf(last, target, result.names, nowMs);
  });
  const ahead = outlook.flatMap((item) => (item.kind === "lets-go" ? [item.at.getTime()] : []));
  return {
    outlook,
    confirm: outlook.filter((item) => item.kind !== "serving").map((item) => item.server),
    confirmAt: new Date(Math.max(nowMs, ...ahead) + marginMs),
  };
}

export function utc(date: Date): string {
  return `${date.toISOString().slice(11, 19)} UTC`;
}

function inTime(ms: number): string {
  if (ms < 60_000) return `in ${Math.max(0, Math.round(ms / 1000))} s`;
  return `in ${Math.round(ms / 60_000)} min`;
}

/** The "fixed at the authority" notice, from the poll's answer and the plan alone. */
export function fixSeenNoticeText(
  reverseName: string,
  target: PollTarget,
  result: PollResult,
  plan: FixSeenPlan,
  seenAt: Date,
): string {
  const names = result.names.join(", ");
  const back =
    target.forward && result.forward !== null
      ? ` and ${result.forward.name} resolves back to ${target.ip} at its zone's servers`
      : "";
  // Issue 29: a server behind the others still answers the old way, fresh and uncached.
  const behind = result.behind ?? [];
  const of = result.of ?? 0;
  const where = behind.length > 0 && of > 0 ? ` at ${of - behind.length} of ${of} name servers` : "";
  const lines = [
    `Fixed at the authority: ${reverseName} now has PTR ${names}${where}${back} (seen ${utc(seenAt)}).`,
  ];
  for (const server of behind) {
    const old =
      server.status === "found"
        ? `PTR ${server.names.join(", ")}`
        : `"no PTR" (${server.status.toUpperCase()})`;
    lines.push(
      `${server.server} still answers ${old}: receivers whose resolvers ask it may still be told ${server.status === "found" ? "the old name" : '"no PTR"'}, fresh from it and not from a cache, so when that ends cannot be predicted from TTLs (it comes with the server's next zone transfer).`,
    );
  }
  const confirmAt = utc(plan.confirmAt);
  for (const item of plan.outlook) {
    if (item.kind === "serving") lines.push(`${item.server} already served it at my last look.`);
    else if (item.kind === "lets-go")
      lines.push(
        `${item.server} still holds ${item.holds} (seen ${utc(item.seenAt)}); it lets go at ${utc(item.at)} (${inTime(item.at.getTime() - seenAt.getTime())}).`,
      );
    else if (item.kind === "expired")
      lines.push(
        `${item.server} held ${item.holds} until ${utc(item.at)} at my last look: it should already serve it; confirming at ${confirmAt}.`,
      );
    else lines.push(`${item.server}: I have no timed answer from it; confirming at ${confirmAt}.`);
  }
  const every = behind.length > 0 ? " every name server serves it and" : "";
  lines.push(
    plan.confirm.length > 0
      ? `I will ask ${plan.confirm.length === 1 ? "it" : "each of them"} once at ${confirmAt} and say cleared once${every} every resolver that answers serves it.`
      : `I will confirm at ${confirmAt} and say cleared once${every} every resolver that answers serves it.`,
  );
  return lines.join("\n");
}

/**
 * The resolvers a further confirmation asks: those whose PTR answer still differs from the
 * authority's. A broken pair's report holds no resolver PTR answers (its question was the name's
 * A/AAAA): the list is empty then, which for a broken pair means every resolver (workers/poll.ts).
 */
export function resolversToConfirm(report: CheckReport): string[] {
  const fixed = [...(report.authority?.names ?? [])].sort().join(" ");
  return report.resolvers
    .filter((answer) => !(answer.status === "found" && [...answer.names].sort().join(" ") === fixed))
    .map((answer) => answer.server);
}

/** The "cleared" notice's figures a chain knows: time since the fix was seen, questions asked. */
export function clearedFigures(
  job: Pick<CheckJob, "questions" | "fixSeenAt">,
  now: Date,
): { questions?: number; sinceFixSeconds?: number } {
  return {
    ...(job.questions === undefined ? {} : { questions: job.questions }),
    ...(job.fixSeenAt === undefined
      ? {}
      : { sinceFixSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(job.fixSeenAt)) / 1000)) }),
  };
}

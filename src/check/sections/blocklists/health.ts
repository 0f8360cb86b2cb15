// Whether a list answers us at all, from its test point (RFC 5782 5: an IPv4 list MUST list
// 127.0.0.2, an IPv6 list ::FFFF:7F00:2; neither may list 127.0.0.1 / ::FFFF:7F00:1). A list that
// does not serve us answers NXDOMAIN for everything: Spamhaus asked with a wrong SPAMHAUS_DQS_KEY,
// Barracuda asked through a resolver it has not registered (barracudacentral.org/rbl/how-to-use).
// Its "not listed" then means nothing, so a missing test point makes every "clean" of that list
// "could not tell" (./analyse.ts).
//
// Politeness: the test point is asked at most once per list, address family, resolvers and DNS
// client every HEALTH_TTL_MS (10 minutes), checks in flight at once sharing the one question; it
// goes out beside the address's own question, so it costs no round trip in sequence. Kept in
// this process only: the verdict is about our resolver's path to the list, and a second worker
// asking once more in ten minutes is nothing to the list.
import type { BlocklistOptions } from "../../types.js";
import type { AskContext } from "../section.js";
import { askResolvers, describeFailure, listQueryName, queryZone, type ZoneHealth } from "./ask.js";
import type { BlocklistDefinition } from "./lists.js";

export const HEALTH_TTL_MS = 10 * 60_000;

/** The test point's reverse name per family (RFC 5782 5): 127.0.0.2, and ::FFFF:7F00:2 in nibbles. */
export const TEST_POINTS: Record<4 | 6, { address: string; reverseName: string }> = {
  4: { address: "127.0.0.2", reverseName: "2.0.0.127.in-addr.arpa" },
  6: {
    address: "::ffff:7f00:2",
    reverseName: `${[..."00000000000000000000ffff7f000002"].reverse().join(".")}.ip6.arpa`,
  },
};

interface Kept {
  expires: number;
  health: Promise<ZoneHealth>;
}

const kept = new WeakMap<object, Map<string, Kept>>();

function keptOf(client: object): Map<string, Kept> {
  let map = kept.get(client);
  if (map === undefined) {
    map = new Map();
    kept.set(client, map);
  }
  return map;
}

/** The list's health for the check's family: kept, in flight, or asked now. */
export function zoneHealth(
  ctx: AskContext,
  list: BlocklistDefinition,
  options: BlocklistOptions,
): Promise<ZoneHealth> {
  const map = keptOf(ctx.client);
  // The public zone and whether DQS is used, never the key itself (./ask.ts says why).
  const key = `${list.zone}|${options.dqsKey ? "dqs" : "public"}|${ctx.family}|${ctx.resolvers.join(",")}`;
  const now = Date.now();
  const found = map.get(key);
  if (found !== undefined && found.expires > now) return found.health;
  const health =
    ctx.family === 4
      ? askTestPoint(ctx, list, options, TEST_POINTS[4])
      : Promise.all([
          askTestPoint(ctx, list, options, TEST_POINTS[6]),
          askTestPoint(ctx, list, options, TEST_POINTS[4]),
        ]).then(eitherServes);
  map.set(key, { expires: now + HEALTH_TTL_MS, health });
  // "Could not ask" says nothing of the list: the next check asks again.
  void health.then((result) => {
    if (result.state === "unknown" && map.get(key)?.health === health) map.delete(key);
  });
  return health;
}

/**
 * An IPv6 check's list serves us when either test point is listed. RFC 5782 5 asks an IPv6 list
 * for ::FFFF:7F00:2, but a list serving both families from one zone (Spamhaus ZEN) may list only
 * 127.0.0.2, and whether it does could not be read here: the IPv4 point alone still tells a
 * wrong key or an unregistered resolver (the whole zone answers NXDOMAIN then), and an IPv6-only
 * list has its own point. Broken only when both points are missing; one that could not be asked
 leaves the list as it is.
 */
function eitherServes([v6, v4]: [ZoneHealth, ZoneHealth]): ZoneHealth {
  if (v6.state === "ok" || v4.state === "ok") return { state: "ok", reason: null };
  if (v6.state === "broken" && v4.state === "broken") return v6;
  return v6.state === "unknown" ? v6 : v4;
}

async function askTestPoint(
  ctx: AskContext,
  list: BlocklistDefinition,
  options: BlocklistOptions,
  point: { address: string; reverseName: string },
): Promise<ZoneHealth> {
  const name = listQueryName(point.reverseName, queryZone(list.zone, options));
  const response = await askResolvers(ctx, name, "A");
  if (response === null) return { state: "unknown", reason: "no resolver to ask" };
  if (response.outcome !== "answer" || (response.rcode !== "NOERROR" && response.rcode !== "NXDOMAIN"))
    return { state: "unknown", reason: describeFailure(response) };
  const addresses = response.answers.filter((record) => record.type === "A").map((record) => record.data);
  if (addresses.includes("127.0.0.2")) return { state: "ok", reason: null };
  const answered = addresses.length > 0 ? `answered ${addresses.join(", ")} for it` : "says it is not listed";
  const dqs =
    list.zone === "zen.spamhaus.org" && options.dqsKey ? "SPAMHAUS_DQS_KEY is wrong or expired" : null;
  return {
    state: "broken",
    reason: `its test point ${point.address}, which every list must list (RFC 5782 5), ${answered}: ${dqs ?? "the list does not answer queries from this resolver (an unregistered resolver, a wrong key, or a list that has shut down)"}, so its "not listed" means nothing`,
  };
}

/** Empties the kept health (tests that change a list between checks). */
export function forgetZoneHealth(client: object): void {
  kept.get(client)?.clear();
}

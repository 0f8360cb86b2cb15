// The owner section: who controls the PTR (docs/cli.md "owner").
//
//   asks      nothing the PTR work already saw: the reverse zone, its NS and SOA names come from
//             the authority work (src/check/zone-seen.ts); what is missing in one parallel round
//             (./zone.ts). RDAP (./rdap.ts) for the network, at once, bounded by the deadline.
//   analyses  ./analyse.ts: the SOA RNAME as an e-mail address, the provider from NS, SOA and PTR
//             names (src/check/providers.ts)
//   reports   CheckReport.owner (OwnerReport), for every verdict
//   problems  none: the owner changes no verdict
//   fixes     none of its own (the PTR step names the provider's procedure)
//   renders   src/render/sections/owner.ts (text, Slack), src/platforms/discord/render-report.ts,
//             src/web/pages/servers-page.ts (from the row), src/app/servers-csv.ts
import type { OwnerNetwork, OwnerReport, Problem } from "../../types.js";
import type { ZoneSeen } from "../../zone-seen.js";
import type { CheckSection } from "../section.js";
import { analyseOwner } from "./analyse.js";
import { completeZone, type KeptZone, type OwnerZone, ownerZoneCacheFor } from "./zone.js";

export interface OwnerAsked {
  zone: OwnerZone;
  network: OwnerNetwork | null;
}

const NO_ZONE: OwnerZone = { zone: null, nameservers: [], soa: null };

/**
 * How long the owner's own zone questions (the NS, or an SOA the PTR work did not bring) may take
 * once the authority work has its answer. Where questions wait their turn (a sweep's --qps), the
 * first check of a zone asks them behind the others and its siblings share its answer: without
 * a bound every one of them held its slot that much longer, and a /122 sweep at 40 questions a
 * second took 6.2 s instead of 2.2 s, some checks cut by the deadline. The owner changes no
 * verdict, so what is late is left out (the zone and contact the PTR work saw are kept).
 */
export const OWNER_ZONE_GRACE_MS = 500;

/**
 * How long the network (RDAP) may take once the authority work has its answer. RDAP is a third
 * party's HTTPS service (the RIRs'), asked alongside the PTR work: a registry that hangs must not
 * hold every check until its deadline (issue 22: it changes nothing but the owner section). Two
 * seconds leave room for a redirect between RIRs (two HTTPS round trips) for `rdns ticket`, whose
 * one check has no cache to fall back on. The look-up goes on in the background until the
 * deadline, so a slow registry's answer still reaches the cache for the next check of that network.
 */
export const OWNER_RDAP_GRACE_MS = 2000;

/** The network look-up, or null when it is still going GRACE after the PTR work's answer. */
function networkWithinGrace(
  lookup: Promise<OwnerNetwork | null>,
  seen: Promise<unknown>,
): Promise<OwnerNetwork | null> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    void lookup.then((found) => {
      settled = true;
      clearTimeout(timer);
      resolve(found);
    });
    void seen.then(() => {
      if (!settled) timer = setTimeout(() => resolve(null), OWNER_RDAP_GRACE_MS);
    });
  });
}

/** The zone look-up, or what the PTR work saw of the zone when it is still asking GRACE after it. */
function withinGrace(lookup: Promise<OwnerZone>, seen: Promise<ZoneSeen | null>): Promise<OwnerZone> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    void lookup
      .catch(() => NO_ZONE)
      .then((found) => {
        settled = true;
        clearTimeout(timer);
        resolve(found);
      });
    void seen.then((zone) => {
      if (settled) return;
      timer = setTimeout(
        () =>
          resolve({ zone: zone?.zone ?? null, nameservers: zone?.nameservers ?? [], soa: zone?.soa ?? null }),
        OWNER_ZONE_GRACE_MS,
      );
    });
  });
}

/**
 * Whether a zone found for another address holds this one too: not when a CNAME (RFC 2317) led
 * elsewhere or this check's own answer named another zone. Where this check learned no zone, only
 * a zone believed within a delegation (KeptZone.bailiwick) is lent: what a listed server said of
 * its zone stays with the addresses it said it for (RFC 2181 5.4.1).
 */
function sharedWith(known: KeptZone, seen: ZoneSeen | null, reverseName: string): boolean {
  if (known.zone === null || !reverseName.endsWith(`.${known.zone}`)) return false;
  if ((seen?.finalName ?? reverseName) !== reverseName) return false;
  const heard = seen?.zone ?? null;
  return heard === null ? known.bailiwick !== null : heard === known.zone;
}

export const ownerSection = {
  id: "owner",
  title: "Owner",
  questions:
    "none when the PTR work saw the reverse zone's SOA and NS; else the zone's SOA and NS in one parallel round; RDAP for the network",
  ask(ctx) {
    let zone: OwnerZone | undefined;
    let network: OwnerNetwork | null = null;
    const zoneOptions = { ...ctx.query, resolvers: ctx.resolvers, authorities: ctx.authorities };
    const cache = ownerZoneCacheFor(ctx.client);
    const scope = `${ctx.resolvers.join(",")}|${ctx.authorities.join(",")}`;
    const hit = cache.find(scope, ctx.reverseName);
    const parent = `${scope}|${ctx.reverseName.slice(ctx.reverseName.indexOf(".") + 1)}`;
    const sibling = hit === null ? cache.pending.get(parent) : undefined;
    const own = hit === null && sibling === undefined;
    const lookup = ctx.zone().then(async (seen): Promise<KeptZone> => {
      const known = hit ?? (sibling === undefined ? null : await sibling.catch(() => null));
      if (known !== null && sharedWith(known, seen, ctx.reverseName)) return known;
      const found = await completeZone(seen, ctx.reverseName, zoneOptions);
      cache.put(scope, found);
      return found;
    });
    if (own) {
      cache.pending.set(parent, lookup);
      void lookup
        .catch(() => null)
        .then(() => {
          if (cache.pending.get(parent) === lookup) cache.pending.delete(parent);
        });
    }
    const zoneAnswer = withinGrace(lookup, ctx.zone()).then((found) => (zone = found));
    const rdap = ctx.options.rdap;
    const networkAnswer =
      rdap === undefined || rdap === null
        ? Promise.resolve(null)
        : networkWithinGrace(
            rdap(ctx.ip, ctx.signal())
              .catch(() => null)
              .then((found) => (network = found)),
            ctx.zone(),
          );
    return {
      answer: Promise.all([zoneAnswer, networkAnswer]).then(([z, n]) => ({ zone: z, network: n })),
      soFar: () => ({ zone: zone ?? NO_ZONE, network }),
    };
  },
  analyse(asked: OwnerAsked, facts): { report: OwnerReport; problems: Problem[] } {
    return { report: analyseOwner(asked.zone, asked.network, facts.ptrNames), problems: [] };
  },
  problems: {},
  fixSteps: () => [],
} satisfies CheckSection<OwnerAsked, OwnerReport, never>;

// What to do about it, in the order that works.
//
// Exports:
//   interface FixContext           ip, family, provider, intended mail host name
//   PLACEHOLDER_NAME               the name used when no good name is known ("mail.<your-domain>")
//   chooseIntendedName(...)        the name the PTR should carry
//   setPtrInstruction(ctx)         one sentence: how to set the PTR at the IP's owner
//   buildFixSteps(input)           ordered steps: A/AAAA first, then PTR, then HELO, then wait
//
// The order comes from the providers themselves (docs/sources.md "Setting a PTR, by
// provider"): AWS, Azure, Linode and OVH refuse a PTR whose name does not already resolve to the
// IP, so the A/AAAA record comes first; then each section's steps (HELO follows the PTR name,
// src/check/sections/helo/fix.ts); then caches expire.

import type { ProviderId } from "./providers.js";
import { PROVIDERS } from "./providers.js";
import type { FailedPtrAnswer } from "./ptr-rules.js";
import { SECTION_IDS, SECTIONS, type SectionReports } from "./sections/index.js";
import type { SectionFixInput } from "./sections/section.js";
import type { HeloReport, NegativeCacheReport, ProblemCode } from "./types.js";

export const PLACEHOLDER_NAME = "mail.<your-domain>";

export interface FixContext {
  ip: string;
  family: 4 | 6;
  provider: ProviderId | null;
  /** The mail host name the PTR should carry, or null when none is known yet. */
  intendedName: string | null;
}

/**
 * The name to put in the PTR: the HELO when it is a good name that already resolves to the IP,
 * else the first non-generic PTR name, else a good HELO, else none (a placeholder is shown).
 */
export function chooseIntendedName(
  helo: HeloReport | null,
  heloGeneric: boolean,
  ptrNames: string[],
  isGeneric: (name: string) => boolean,
): string | null {
  const goodHelo = helo?.fqdn && !heloGeneric ? helo.name.toLowerCase().replace(/\.$/, "") : null;
  if (goodHelo && helo?.resolvesToIp) return goodHelo;
  const ptrName = ptrNames.find((name) => !isGeneric(name));
  return ptrName ?? goodHelo;
}

export function setPtrInstruction(ctx: FixContext): string {
  const name = ctx.intendedName ?? PLACEHOLDER_NAME;
  if (ctx.provider) {
    return PROVIDERS[ctx.provider].setPtr.replaceAll("<ip>", ctx.ip).replaceAll("<name>", name);
  }
  return `Ask whoever assigned you ${ctx.ip} (your hosting provider or ISP) to set its PTR to ${name}; only the IP's owner can.`;
}

export function recordType(family: 4 | 6): "A" | "AAAA" {
  return family === 4 ? "A" : "AAAA";
}

/** Each section's report comes under its id (`helo`), for its own fix steps. */
export interface FixStepsInput extends Pick<SectionReports, "helo">, Partial<Omit<SectionReports, "helo">> {
  ctx: FixContext;
  codes: ReadonlySet<ProblemCode>;
  /** The PTR names taken as the truth. */
  ptrNames: string[];
  /** Whether the intended name already resolves to the IP (no A/AAAA step needed). */
  intendedConfirms: boolean;
  negativeCache: NegativeCacheReport | null;
  /** The longest TTL of the PTR answers seen (how long caches may keep the old PTR), if any. */
  positiveTtl: number | null;
  /** Servers that failed the PTR question, for the "check again" step of an inconclusive check. */
  failedServers: FailedPtrAnswer[];
  /** The CNAME target that does not exist, for DANGLING_CNAME; null otherwise. */
  danglingTarget?: string | null;
  /** Nothing conclusive was learned: the only step is to check again. */
  inconclusive: boolean;
}

export function buildFixSteps(input: FixStepsInput): string[] {
  const { ctx, codes, ptrNames, negativeCache } = input;
  const name = ctx.intendedName ?? PLACEHOLDER_NAME;
  const type = recordType(ctx.family);
  const steps: string[] = [];
  const dangling = codes.has("DANGLING_CNAME");
  const ptrWrong = codes.has("NO_PTR") || codes.has("BROKEN_PAIR") || codes.has("GENERIC_PTR") || dangling;

  if (ptrWrong && !input.intendedConfirms) {
    steps.push(
      `Create (or correct) the ${type} record ${name} -> ${ctx.ip} in your domain's DNS; providers refuse a PTR whose name does not resolve to the IP.`,
    );
  }
  const ptrAlreadyRight =
    ptrNames.length === 1 && ptrNames[0] === ctx.intendedName && !codes.has("GENERIC_PTR");
  if (dangling && input.danglingTarget) {
    // RFC 2317: the PTR belongs at the CNAME's target, in the delegated block's zone.
    steps.push(
      `Create ${input.danglingTarget} with a PTR to ${name}: it is where ${ctx.ip}'s reverse name points (RFC 2317), in your provider's zone for the block, or yours if the block was delegated to you. If the CNAME itself is wrong, ask the IP's owner to point it at the name that holds the PTR.`,
    );
  } else if (ptrWrong && !ptrAlreadyRight) {
    // Without a provider the instruction already says what to set: do not say it twice.
    steps.push(
      ctx.provider
        ? `Set the PTR of ${ctx.ip} to ${name}. ${setPtrInstruction(ctx)}`
        : setPtrInstruction(ctx),
    );
  } else if (codes.has("MULTIPLE_PTR")) {
    const extra = ptrNames.filter((ptrName) => ptrName !== name);
    steps.push(
      `Keep only one PTR for ${ctx.ip}: ${name}; have ${extra.join(", ")} removed by whoever manages the reverse zone (${ctx.provider ? setPtrInstruction(ctx) : "your hosting provider or ISP"}).`,
    );
  }
  const addressStepGiven = ptrWrong && !input.intendedConfirms;
  const afterWait: string[] = [];
  for (const id of SECTION_IDS) {
    const shared: SectionFixInput = {
      ctx,
      codes,
      name,
      ptrNames,
      addressStepGiven,
      stepsSoFar: steps.length,
    };
    // A section whose steps are not DNS changes (a blocklist's removal form) comes after "then
    // wait", which is about the caches of the records changed above.
    const section = SECTIONS[id] as {
      afterWait?: boolean;
      fixSteps(report: unknown, input: SectionFixInput): string[];
    };
    (section.afterWait ? afterWait : steps).push(...section.fixSteps(input[id], shared));
  }

  if (codes.has("CACHED_NEGATIVE")) {
    const when = negativeCache ? `until ${negativeCache.clearsBy}` : "for the cached answers to expire";
    steps.push(
      `Nothing to change: the PTR is set at the authority. Wait ${when}; public flush pages (Google Public DNS, Cloudflare, OpenDNS) flush only their own resolver, not Gmail's or Microsoft's.`,
    );
  } else if (steps.length > 0) {
    // RFC 2308: a resolver keeps the negative answer at most the zone's negative TTL after it
    // asked, so any cache lets go no later than that long after the PTR is set; the ones we
    // asked already hold theirs until clearsBy.
    const when = negativeCache
      ? ` at most ${negativeCache.ttl} s after the PTR is set (the zone's negative TTL; the resolvers asked here hold theirs until ${negativeCache.clearsBy})`
      : input.positiveTtl !== null
        ? ` at most ${input.positiveTtl} s after the change (the old PTR's TTL)`
        : "";
    // Resolvers cap negative TTLs (Unbound and PowerDNS 3,600 s, BIND 10,800 s): a long zone TTL
    // (a RIR's parent zone gives hours) is rarely held in full.
    const capped =
      negativeCache && negativeCache.ttl > 3600 ? " Most resolvers cap negative caching at 1-3 hours." : "";
    const slow = ctx.provider === "vultr" ? " Vultr says a change may take 6-12 hours to apply." : "";
    steps.push(
      `Then wait: caches holding the old answer let go${when}; check again after that.${capped}${slow}`,
    );
  }

  steps.push(...afterWait);
  if (steps.length === 0 && input.inconclusive) steps.push(checkAgainStep(input.failedServers));
  return steps;
}

/** An inconclusive check: whose servers failed decides who has to look at them. */
function checkAgainStep(failed: FailedPtrAnswer[]): string {
  const authorities = failed
    .filter((failure) => failure.role === "authority")
    .map((failure) => failure.server);
  const resolvers = failed.filter((failure) => failure.role === "resolver").map((failure) => failure.server);
  const parts: string[] = [];
  if (authorities.length > 0) {
    parts.push(
      `if the reverse zone's servers (${authorities.join(", ")}) keep failing, the IP's owner must fix them`,
    );
  }
  if (resolvers.length > 0) {
    parts.push(`if the resolvers (${resolvers.join(", ")}) keep failing, check them or ask others`);
  }
  const detail = parts.length > 0 ? `; ${parts.join("; ")}` : "";
  return `Check again in a few minutes: a DNS failure says nothing about the PTR${detail}.`;
}

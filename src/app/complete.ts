// Choices for an address option as it is typed (Discord autocomplete, interaction type 4; docs/
// chat-commands.md "Autocomplete"): the channel's watched targets and the addresses of its open
// re-check chains that contain what was typed, prefix matches first, at most 25 (Discord's cap).
//
// Discord allows 3 s for the answer and it comes on every keystroke, so the store read must not
// grow with what a channel watches: the watches hash (target -> record JSON) is read with HSCAN
// MATCH, which filters inside Redis and sends back only the matching fields, never parsing a
// record (the values that come along with the matching fields are skipped). The scan stops once it holds enough matches (a prefix-ordered
// index would be O(log n), but it is one more structure to keep in step with every watch write,
// and at 65,536 watches HSCAN measures well under the 300 ms target: docs/chat-commands.md).
import type { CompletionQuery } from "../chat/types.js";
import { channelKey } from "../store/watches.js";
import type { AppContext } from "./context.js";

/** Discord's cap on autocomplete choices. */
export const MAX_CHOICES = 25;
/** Enough matches to choose the best 25 from; a scan that has this many stops. */
const ENOUGH = 200;
/** Fields per HSCAN step: large steps mean few round trips over a big hash. */
const SCAN_COUNT = 5_000;
/** Open chains looked at, at most (the registry's set is every channel's). */
const MAX_CHAINS = 2_000;

/** Options that take an address, by command. */
const ADDRESS_OPTIONS: Record<string, string> = {
  status: "range",
  unwatch: "range",
  recheck: "ip",
  stop: "ip",
};

/** Whether `command`'s option `option` is offered choices as it is typed. */
export function completesAddress(command: string, option: string): boolean {
  return ADDRESS_OPTIONS[command] === option;
}

/** `typed` as a glob that matches it literally anywhere in a field (Redis glob-style MATCH). */
export function containsGlob(typed: string): string {
  return `*${typed.replace(/[\\*?[\]^-]/g, (char) => `\\${char}`)}*`;
}

/** The best `MAX_CHOICES`: prefix matches first, then shorter, then in order. Pure. */
export function rankChoices(candidates: Iterable<string>, typed: string): string[] {
  const needle = typed.toLowerCase();
  return [...new Set(candidates)]
    .filter((value) => value.toLowerCase().includes(needle))
    .sort(
      (a, b) =>
        Number(!a.toLowerCase().startsWith(needle)) - Number(!b.toLowerCase().startsWith(needle)) ||
        a.length - b.length ||
        a.localeCompare(b),
    )
    .slice(0, MAX_CHOICES);
}

export async function completeAddress(
  ctx: Pick<AppContext, "redis" | "keys">,
  query: CompletionQuery,
): Promise<string[]> {
  if (!completesAddress(query.command, query.option)) return [];
  // Addresses are short; whatever is longer cannot match one.
  const typed = query.typed.trim().toLowerCase().slice(0, 64);
  const channel = channelKey(query.platform, query.channel);
  const [watched, chained] = await Promise.all([
    scanWatchTargets(ctx, channel, typed),
    query.command === "recheck" || query.command === "stop" ? openChainIps(ctx, query.channel, typed) : [],
  ]);
  return rankChoices([...chained, ...watched], typed);
}

async function scanWatchTargets(
  { redis, keys }: Pick<AppContext, "redis" | "keys">,
  channel: string,
  typed: string,
): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, entries] = await redis.hscan(
      keys.watches(channel),
      cursor,
      "MATCH",
      containsGlob(typed),
      "COUNT",
      SCAN_COUNT,
    );
    cursor = next;
    // Field, value, field, value...: the values (record JSON) are skipped, never parsed. (HSCAN's
    // NOVALUES would leave them in Redis, but needs Redis 7.4.)
    for (let index = 0; index < entries.length; index += 2) found.push(entries[index] as string);
  } while (cursor !== "0" && found.length < ENOUGH);
  return found;
}

/** The IPs of the open chains whose threads are in this channel (at most MAX_CHAINS looked at). */
async function openChainIps(
  { redis, keys }: Pick<AppContext, "redis" | "keys">,
  channel: string,
  typed: string,
): Promise<string[]> {
  const [, ids] = await redis.sscan(keys.registeredChains(), "0", "COUNT", MAX_CHAINS);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids.slice(0, MAX_CHAINS)) pipeline.hmget(keys.chain(id), "ip", "origins");
  const answers = (await pipeline.exec()) ?? [];
  const ips: string[] = [];
  for (const [error, value] of answers) {
    if (error !== null) continue;
    const [ip, origins] = value as [string | null, string | null];
    if (ip === null || !ip.includes(typed)) continue;
    // The origins are JSON; only the few chains whose IP matched are looked into, and only for
    // the channel's id, quoted as the stored origin writes it.
    if (origins?.includes(`"channel":${JSON.stringify(channel)}`)) ips.push(ip);
  }
  return ips;
}

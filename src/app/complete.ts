// Choices for an address option as it is typed (Discord autocomplete, interaction type 4; docs/
// chat-commands.md "Autocomplete"): the channel's watched targets and the addresses of its open
// re-check chains that start with what was typed, at most 25 (Discord's cap), shortest first.
//
// Discord allows 3 s for the answer and it comes on every keystroke, so the store read must not
// grow with what a channel watches: the targets come from a lexicographic index
// (src/store/watch-targets.ts, ZRANGEBYLEX: O(log n + 25)), never from the watches hash, whose
// 65,536 records would be read and parsed per keystroke. Measured: docs/chat-commands.md.
import type { CompletionQuery } from "../chat/types.js";
import { watchTargetsStartingWith } from "../store/watch-targets.js";
import { channelKey } from "../store/watches.js";
import type { AppContext } from "./context.js";

/** Discord's cap on autocomplete choices. */
export const MAX_CHOICES = 25;
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

/** The best `MAX_CHOICES` of those starting with `typed`: shorter first, then in text order. Pure. */
export function rankChoices(candidates: Iterable<string>, typed: string): string[] {
  const needle = typed.toLowerCase();
  return [...new Set(candidates)]
    .filter((value) => value.toLowerCase().startsWith(needle))
    .sort((a, b) => a.length - b.length || a.localeCompare(b))
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
    // Addresses and ranges are stored lower case (IPv6 included), so the typed text is too.
    watchTargetsStartingWith(ctx.redis, ctx.keys, channel, typed, MAX_CHOICES * 4),
    query.command === "recheck" || query.command === "stop" ? openChainIps(ctx, query.channel, typed) : [],
  ]);
  return rankChoices([...chained, ...watched], typed);
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
    if (ip === null || !ip.startsWith(typed)) continue;
    // The origins are JSON; only the few chains whose IP matched are looked into, and only for
    // the channel's id, quoted as the stored origin writes it.
    if (origins?.includes(`"channel":${JSON.stringify(channel)}`)) ips.push(ip);
  }
  return ips;
}

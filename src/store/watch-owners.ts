// Who controls the PTRs of a channel's watched addresses, kept once per block (/24 for IPv4, /64
// for IPv6) instead of in every address's state: the owner (zone, provider, contact: the reverse
// zone's SOA and NS) is the zone's, and a /16 has 256 zones, not 65,536 (issue 28: the owner was a
// third of a watched address's bytes). A block's entry is set once (HSETNX) and never replaced,
// so a state that left its owner out because it was its block's never shows another one; an
// address whose owner differs (an RFC 2317 child zone, a zone that changed hands) keeps its own
// in its state. Deleted with the channel's last watch (src/store/watch-removal.ts).

import ipaddr from "ipaddr.js";
import { z } from "zod";
import type { StoreKeys } from "../keys.js";
import type { RedisClient } from "../redis-client.js";
import { parseStored } from "./record.js";
import type { ReportRow } from "./report-rows.js";

export type Owner = NonNullable<ReportRow["owner"]>;

const ownerSchema = z.object({
  zone: z.string().nullable(),
  provider: z.string().nullable(),
  contact: z.string().nullable(),
}) satisfies z.ZodType<Owner, unknown>;

/** The block an address's owner is shared within: its /24 (IPv4) or /64 (IPv6). */
export function ownerBlock(ip: string): string {
  const address = ipaddr.parse(ip);
  if (address.kind() === "ipv4") return `${address.toString().split(".").slice(0, 3).join(".")}.0/24`;
  const parts = (address as ipaddr.IPv6).toNormalizedString().split(":").slice(0, 4);
  return `${ipaddr.parse(`${parts.join(":")}::`).toString()}/64`;
}

/** The text an owner is stored and compared as (its fields in one order). */
export function ownerText(owner: Owner): string {
  return JSON.stringify({ zone: owner.zone, provider: owner.provider, contact: owner.contact });
}

/**
 * Offers each block's owner (block -> an owner seen in it now) to each channel, and returns what
 * each channel's block holds after (channel -> block -> owner text): the offer where the block had
 * none, else the owner it already had. One round trip for every channel.
 */
export async function claimBlockOwners(
  redis: RedisClient,
  keys: StoreKeys,
  offers: ReadonlyMap<string, ReadonlyMap<string, Owner>>,
): Promise<Map<string, Map<string, string>>> {
  const order: { channel: string; block: string }[] = [];
  const pipeline = redis.pipeline();
  for (const [channel, blocks] of offers)
    for (const [block, owner] of blocks) {
      pipeline.hsetnx(keys.watchOwners(channel), block, ownerText(owner));
      pipeline.hget(keys.watchOwners(channel), block);
      order.push({ channel, block });
    }
  if (order.length === 0) return new Map();
  const results = (await pipeline.exec()) ?? [];
  const held = new Map<string, Map<string, string>>();
  order.forEach(({ channel, block }, index) => {
    const [error, text] = results[index * 2 + 1] ?? [null, null];
    if (error) throw error;
    if (typeof text !== "string") return;
    const blocks = held.get(channel) ?? new Map<string, string>();
    held.set(channel, blocks.set(block, text));
  });
  return held;
}

/** A channel's block owners (block -> owner); an entry that fails its schema is left out. */
export async function readBlockOwners(
  redis: RedisClient,
  keys: StoreKeys,
  channel: string,
  blocks?: readonly string[],
): Promise<Map<string, Owner>> {
  const owners = new Map<string, Owner>();
  const entries: [string, string | null][] =
    blocks === undefined
      ? Object.entries(await redis.hgetall(keys.watchOwners(channel)))
      : blocks.length === 0
        ? []
        : await redis
            .hmget(keys.watchOwners(channel), ...blocks)
            .then((texts) => blocks.map((block, index) => [block, texts[index] ?? null]));
  for (const [block, text] of entries) {
    const owner = text === null ? null : parseStored(ownerSchema, text);
    if (owner !== null) owners.set(block, owner);
  }
  return owners;
}

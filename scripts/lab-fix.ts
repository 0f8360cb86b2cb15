// `npm run lab -- fix <ip> [name]`: makes one lab address pass by editing the running lab's Knot
// through its control socket (knotc zone-begin/set/commit): the name's A/AAAA first, then the PTR,
// in the order providers require (docs/sources.md "Setting a PTR, by provider"). Resolvers that cached the old answer
// keep it until its TTL runs out (RFC 2308), which is what the re-check chain waits for.
import { query } from "../src/check/dns-client.js";
import { parseIp, sameAddress } from "../src/check/ip.js";
import { readCnameChain } from "../src/check/lookups.js";
import type { LookupStatus } from "../src/check/types.js";
import { connectLab, type LabInfo } from "../test/lab/lab.js";
import { CHILD_ZONE, SPARE_NO_PTR } from "../test/lab/zones.js";

export class LabFixError extends Error {
  override name = "LabFixError";
}

export interface LabFix {
  ip: string;
  name: string;
  /** Where the PTR lives: the reverse name, or the RFC 2317 CNAME's target in the child zone. */
  owner: string;
  /** What the authority serves for the owner after the edit. */
  servedPtr: string[];
  /** What the lab's resolver serves right after the edit: the PTR, then the name's A/AAAA. */
  resolver: { server: string; held: CachedAnswer[] };
}

/** One answer of the lab's resolver, and how long it may go on serving it. */
export interface CachedAnswer {
  type: "PTR" | "A" | "AAAA";
  name: string;
  status: LookupStatus;
  values: string[];
  /** Already what the fix set: the resolver serves the new data. */
  current: boolean;
  /**
   * Seconds the resolver keeps serving this answer: a cached negative answer's SOA TTL (RFC 2308
   * section 5: the time left in the resolver's cache), else the records' TTL; null when unknown.
   */
  remainingSeconds: number | null;
}

/** Asks the resolver (recursion desired, as a check does) what it now serves for `name`. */
async function askResolver(
  server: string,
  type: CachedAnswer["type"],
  name: string,
  isCurrent: (values: string[]) => boolean,
): Promise<CachedAnswer> {
  const response = await query({ name, type, server, recursion: true, timeoutMs: 2000 });
  const chain = readCnameChain(response, name, type);
  const negative = chain.status === "nxdomain" || chain.status === "nodata";
  return {
    type,
    name,
    status: chain.status,
    values: chain.values,
    current: chain.status === "found" && isCurrent(chain.values),
    remainingSeconds: negative ? (response.soa?.ttl ?? null) : chain.ttl,
  };
}

/** One line on what the lab's resolver still serves from before the fix, and for how long. */
export function describeResolver(view: LabFix["resolver"]): string {
  const unsure = view.held.filter((answer) => !["found", "nxdomain", "nodata"].includes(answer.status));
  if (unsure.length > 0) {
    const what = unsure.map((answer) => `${answer.type} ${answer.name}: ${answer.status.toUpperCase()}`);
    return `could not tell what the lab's resolver ${view.server} serves (${what.join("; ")})`;
  }
  const stale = view.held.filter((answer) => !answer.current);
  if (stale.length === 0)
    return `the lab's resolver ${view.server} already serves the new PTR and address: a check sees the fix now`;
  const parts = stale.map((answer) => {
    const left =
      answer.remainingSeconds === null ? "until its TTL runs out" : `${answer.remainingSeconds} s more`;
    return answer.status === "found"
      ? `the old ${answer.type} ${answer.values.join(", ")} of ${answer.name} ${left}`
      : `its cached "no ${answer.type}" (${answer.status.toUpperCase()}) of ${answer.name} ${left}`;
  });
  return `the lab's resolver ${view.server} holds ${parts.join(", and ")} (cached before the fix); a check sees the fix once it lets go`;
}

/**
 * Sets `name` (default: the PTR name the authority already serves, else spareNN.example.test for the spare
 * addresses 192.0.2.51-59, else `fixedN.example.test`)
 * to point at `ip` and the PTR of `ip` to `name`, then reads the PTR back from the authority.
 */
export async function fixLabAddress(info: LabInfo, ip: string, name?: string): Promise<LabFix> {
  const parsed = parseIp(ip);
  const ask = (server: string, qname: string) =>
    query({ name: qname, type: "PTR", server, recursion: false, timeoutMs: 2000 });
  const first = readCnameChain(await ask(info.authority, parsed.reverseName), parsed.reverseName, "PTR");
  if (first.status === "refused") {
    throw new LabFixError(
      `${parsed.ip} is not in the lab's zones (203.0.113.0/24, 192.0.2.0/24, 2001:db8::/32); pick one from the table \`npm run lab\` printed`,
    );
  }
  // RFC 2317: the parent answers with a CNAME into the child zone, which the second Knot serves.
  const owner = first.finalName;
  const current = owner.endsWith(CHILD_ZONE)
    ? readCnameChain(await ask(info.childAuthority, owner), owner, "PTR")
    : first;
  const last = parsed.ip.split(/[.:]/).pop() || "0";
  // The spare addresses' names already have their A (test/lab/zones.ts); others get a new name.
  const fresh = `${(SPARE_NO_PTR as readonly string[]).includes(parsed.ip) ? "spare" : "fixed"}${last}.example.test`;
  const target = (name ?? current.values[0] ?? fresh).toLowerCase().replace(/\.$/, "");
  const control = connectLab(info);
  const type = parsed.family === 4 ? "A" : "AAAA";
  try {
    await control.setRecord(target, type, parsed.ip, { replace: true });
    await control.setRecord(owner, "PTR", `${target}.`, { replace: true });
  } catch (err) {
    const message = (err as Error).message;
    if (/serves no zone/.test(message)) {
      throw new LabFixError(
        `the lab serves only names under .test, so ${target} cannot be set there; e.g. mail.example.test`,
      );
    }
    throw new LabFixError(`knotc failed (is the lab still running?): ${message.split("\n")[0]}`);
  }
  const server = owner.endsWith(CHILD_ZONE) ? info.childAuthority : info.authority;
  const served = readCnameChain(await ask(server, owner), owner, "PTR");
  // Asked after the edit: a resolver holding an old answer serves it with the time it has left;
  // one holding nothing fetches the new data.
  const held = [
    await askResolver(info.resolver, "PTR", parsed.reverseName, (names) => names.includes(target)),
    await askResolver(info.resolver, type, target, (addresses) =>
      addresses.some((address) => sameAddress(address, parsed.ip)),
    ),
  ];
  return {
    ip: parsed.ip,
    name: target,
    owner,
    servedPtr: served.values,
    resolver: { server: info.resolver, held },
  };
}

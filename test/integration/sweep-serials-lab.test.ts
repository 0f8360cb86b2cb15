// A sweep's kept zone serials (src/check/authority-serial-cache.ts) on real servers: a primary
// Knot and a real secondary copying the reverse zone by IXFR (test/lab/secondary.ts). The checks
// of one sweep share the cache: the zone's SOA is asked once per server, not beside every PTR;
// the owner section still reads the zone and contact from the kept SOA; and when the zone
// changes and the secondary is held back, the kept serials (now old) are asked afresh, so the
// answer taken is the primary's new one and the secondary is named as lagging, not a "split"
// settled by the names' order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SerialCache } from "../../src/check/authority-serial-cache.js";
import { DnsClient } from "../../src/check/dns-client.js";
import { runCheck } from "../../src/check/index.js";
import {
  PAIR_FORWARD,
  PAIR_IPS,
  PAIR_ZONE,
  pairHost,
  startZonePair,
  type ZonePair,
} from "../lab/secondary.js";

let pair: ZonePair;
let client: DnsClient;
let soaQuestions = 0;
beforeAll(async () => {
  pair = await startZonePair();
  client = new DnsClient({
    onQuery: (event) => {
      if (event.type === "SOA") soaQuestions++;
    },
  });
});
afterAll(async () => {
  client?.close();
  await pair?.stop();
});

describe("a sweep's kept zone serials against a real primary and secondary", () => {
  it("asks each server the zone's SOA once, and afresh when the servers come to disagree", {
    timeout: 60_000,
  }, async () => {
    const [changed, other, absent] = PAIR_IPS.slice(3, 6) as [string, string, string];
    // "a.lag.test" sorts before the new name: were the servers' kept (equal) serials compared,
    // the tie would take the old answer.
    const old = `a.${PAIR_FORWARD}`;
    await pair.setPtr(changed, old);
    await pair.setPtr(other, pairHost(other));
    const start = (await pair.serial(pair.primary)) as number;
    expect(await pair.waitForSerial(pair.secondary, start)).toBe(true);
    // A window longer than this test: what is asked afresh is asked because of the disagreement.
    const serialCache = new SerialCache(120);
    const authorities = [pair.secondary, pair.primary];
    const check = (ip: string) =>
      runCheck(
        { ip, resolvers: [pair.primary], authorities, timeoutMs: 1000 },
        { transport: client.query, serialCache },
      );

    const first = await check(changed);
    expect(first.authority).toMatchObject({ status: "found", names: [old], serial: start });
    expect(soaQuestions).toBe(2); // one per server

    // Another positive answer and a negative one in the zone: no SOA asked. The owner still has
    // the zone and its contact (from the kept SOA), the negative answer its own serial.
    const positive = await check(other);
    const negative = await check(absent);
    expect(soaQuestions).toBe(2);
    expect(positive.authority).toMatchObject({ status: "found", zone: PAIR_ZONE, serial: start });
    expect(positive.owner.zone).toBe(PAIR_ZONE);
    expect(positive.owner.contact).not.toBeNull();
    expect(negative.authority).toMatchObject({ status: "nxdomain", serial: start });
    expect(negative.owner.contact).toBe(positive.owner.contact);

    await pair.holdTransfers();
    await pair.setPtr(changed, pairHost(changed));
    const fixed = (await pair.serial(pair.primary)) as number;
    expect(fixed).toBeGreaterThan(start);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pair.serial(pair.secondary)).toBe(start);
    soaQuestions = 0;

    const lagging = await check(changed);
    expect(lagging.authority).toMatchObject({ status: "found", names: [pairHost(changed)], serial: fixed });
    expect(lagging.authority?.disagreement).toMatchObject({
      kind: "lag",
      serial: fixed,
      others: [{ server: pair.secondary, serial: start, names: [old] }],
    });
    expect(lagging.problems.map((problem) => problem.code)).toContain("AUTHORITY_LAG");
    expect(soaQuestions).toBe(2); // both kept serials asked afresh, beside the answers
    await pair.releaseTransfers();
  });
});

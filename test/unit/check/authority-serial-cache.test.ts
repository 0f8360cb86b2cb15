// A sweep's kept zone SOAs (src/check/authority-serial-cache.ts): one question per server and
// zone a window, shared by siblings under way, newer serials of negative answers taken (RFC 1982).
import { describe, expect, it } from "vitest";
import { SerialCache, type ZoneSoa } from "../../../src/check/authority-serial-cache.js";

const ZONE = "113.0.203.in-addr.arpa";
const soa = (serial: number | null, zone = ZONE): ZoneSoa => ({
  zone,
  ttl: 60,
  minimum: 30,
  serial,
  mname: "ns1.example.test",
  rname: "hostmaster.example.test",
});

describe("SerialCache", () => {
  it("keeps a server's SOA for the window, for every name in the zone, and for that server only", () => {
    let now = 0;
    const cache = new SerialCache(10, () => now);
    cache.remember("a:53", soa(7));
    expect(cache.find("a:53", `5.${ZONE}`)?.serial).toBe(7);
    expect(cache.find("a:53", `5.64-127.${ZONE}`)?.zone).toBe(ZONE);
    expect(cache.find("b:53", `5.${ZONE}`)).toBeNull();
    expect(cache.find("a:53", "5.114.0.203.in-addr.arpa")).toBeNull();
    now = 9_999;
    expect(cache.find("a:53", `5.${ZONE}`)).not.toBeNull();
    now = 10_000;
    expect(cache.find("a:53", `5.${ZONE}`)).toBeNull();
  });

  it("asks once for siblings under way together, then answers from what it kept", async () => {
    const cache = new SerialCache(10, () => 0);
    let asked = 0;
    let answer: (found: ZoneSoa) => void = () => {};
    const ask = () => {
      asked++;
      return new Promise<ZoneSoa | null>((resolve) => {
        answer = resolve;
      });
    };
    const first = cache.soaFor("a:53", `1.${ZONE}`, ask);
    const second = cache.soaFor("a:53", `2.${ZONE}`, ask);
    expect([first.kept, second.kept]).toEqual([false, true]);
    answer(soa(3));
    expect((await second.soa)?.serial).toBe(3);
    const third = cache.soaFor("a:53", `3.${ZONE}`, ask);
    expect(third.kept).toBe(true);
    expect((await third.soa)?.serial).toBe(3);
    // Another server's SOA is its own question.
    const other = cache.soaFor("b:53", `3.${ZONE}`, async () => soa(4));
    expect(other.kept).toBe(false);
    expect((await other.soa)?.serial).toBe(4);
    expect(asked).toBe(1);
  });

  it("does not lend a sibling's apex SOA to a name outside that zone", async () => {
    const cache = new SerialCache(10, () => 0);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // 1.ZONE is itself a zone's apex (a delegated single address): its SOA is that zone's.
    const apex = cache.soaFor("a:53", `1.${ZONE}`, async () => {
      await gate;
      return soa(9, `1.${ZONE}`);
    });
    const sibling = cache.soaFor("a:53", `2.${ZONE}`, async () => soa(2));
    release();
    expect((await apex.soa)?.zone).toBe(`1.${ZONE}`);
    expect(await sibling.soa).toMatchObject({ zone: ZONE, serial: 2 });
  });

  it("takes a newer serial a negative answer carried, by RFC 1982 arithmetic, never an older one", () => {
    const cache = new SerialCache(10, () => 0);
    cache.remember("a:53", soa(4_294_967_295));
    cache.noteSerial("a:53", ZONE, 1); // wrapped past 2^32 - 1: newer
    expect(cache.find("a:53", `5.${ZONE}`)?.serial).toBe(1);
    cache.noteSerial("a:53", ZONE, 4_294_967_000); // behind
    expect(cache.find("a:53", `5.${ZONE}`)?.serial).toBe(1);
    cache.noteSerial("a:53", "114.0.203.in-addr.arpa", 50); // a zone not kept: nothing to update
    expect(cache.find("a:53", "5.114.0.203.in-addr.arpa")).toBeNull();
  });
});

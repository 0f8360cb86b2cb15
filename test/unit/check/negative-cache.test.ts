// RFC 2308 negative caching: the zone's negative TTL and when cached "no PTR" answers clear.
import { describe, expect, it } from "vitest";
import { predictNegativeCacheExpiry } from "../../../src/check/negative-cache.js";
import { answer, authority, NOW, RES1, RES2 } from "../support/observations.js";

describe("predictNegativeCacheExpiry", () => {
  it("takes min(SOA MINIMUM, SOA TTL) as the negative TTL", () => {
    const soaTtlSmaller = authority("nxdomain", [], { soa: { ttl: 3, minimum: 3600 } });
    expect(predictNegativeCacheExpiry({ authority: soaTtlSmaller, resolvers: [], now: NOW })).toEqual({
      ttl: 3,
      clearsBy: "2026-11-27T12:00:03Z",
    });
    const minimumSmaller = authority("nxdomain", [], { soa: { ttl: 86400, minimum: 7 } });
    expect(predictNegativeCacheExpiry({ authority: minimumSmaller, resolvers: [], now: NOW })?.ttl).toBe(7);
  });

  it("clears at now + the longest time a resolver has left", () => {
    const result = predictNegativeCacheExpiry({
      authority: authority("nxdomain", [], { soa: { ttl: 10, minimum: 10 } }),
      resolvers: [
        answer(RES1, "nxdomain", [], { negativeTtlRemaining: 4 }),
        answer(RES2, "nodata", [], { negativeTtlRemaining: 8 }),
      ],
      now: NOW,
    });
    expect(result).toEqual({ ttl: 10, clearsBy: "2026-11-27T12:00:08Z" });
  });

  it("uses the resolvers' time left when the authority has the PTR (CACHED_NEGATIVE)", () => {
    const result = predictNegativeCacheExpiry({
      authority: authority("found", ["mail.example.test"]),
      resolvers: [answer(RES1, "nxdomain", [], { negativeTtlRemaining: 2 })],
      now: NOW,
    });
    expect(result).toEqual({ ttl: 2, clearsBy: "2026-11-27T12:00:02Z" });
  });

  it("falls back to the resolvers when no authority answered", () => {
    const result = predictNegativeCacheExpiry({
      authority: null,
      resolvers: [answer(RES1, "nxdomain", [], { negativeTtlRemaining: 30 }), answer(RES2, "timeout")],
      now: NOW,
    });
    expect(result).toEqual({ ttl: 30, clearsBy: "2026-11-27T12:00:30Z" });
  });

  it("rounds up to the whole second", () => {
    const now = new Date("2026-11-27T12:00:00.400Z");
    const result = predictNegativeCacheExpiry({
      authority: null,
      resolvers: [answer(RES1, "nxdomain", [], { negativeTtlRemaining: 1 })],
      now,
    });
    expect(result?.clearsBy).toBe("2026-11-27T12:00:02Z");
  });

  it("is null with no negative answer anywhere, and for failures", () => {
    expect(
      predictNegativeCacheExpiry({
        authority: authority("found", ["mail.example.test"]),
        resolvers: [answer(RES1, "found", ["mail.example.test"])],
        now: NOW,
      }),
    ).toBeNull();
    expect(
      predictNegativeCacheExpiry({
        authority: authority("servfail"),
        resolvers: [answer(RES1, "timeout")],
        now: NOW,
      }),
    ).toBeNull();
  });
});

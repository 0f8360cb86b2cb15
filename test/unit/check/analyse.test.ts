// The check's rules on hand-built Observations: every case of issue 2 point 5.
import { describe, expect, it } from "vitest";
import { analyseObservations } from "../../../src/check/analyse.js";
import type { Analysis, ProblemCode } from "../../../src/check/types.js";
import {
  AUTH,
  answer,
  authority,
  confirmedPtr,
  forward,
  healthy,
  IP,
  IP6,
  NOW,
  observations,
  RES1,
  RES2,
  REVERSE6,
} from "../support/observations.js";

function codes(analysis: Analysis): ProblemCode[] {
  return analysis.problems.map((problem) => problem.code);
}

function problem(analysis: Analysis, code: ProblemCode) {
  const found = analysis.problems.find((entry) => entry.code === code);
  if (!found) throw new Error(`no ${code} in ${codes(analysis).join(", ")}`);
  return found;
}

describe("analyseObservations: PTR and FCrDNS", () => {
  it("passes when the PTR name resolves back to the IP", () => {
    const result = analyseObservations(healthy());
    expect(result.verdict).toBe("pass");
    expect(result.ptr).toEqual({ status: "found", names: ["mail.example.test"] });
    expect(result.fcrdns).toBe("pass");
    expect(result.problems).toEqual([]);
    expect(result.negativeCache).toBeNull();
    expect(result.summary).toBe("PASS: 203.0.113.5 -> mail.example.test -> 203.0.113.5 (FCrDNS confirmed)");
    expect(result.receivers.gmail.outcome).toBe("accept");
    expect(result.receivers.microsoft.outcome).toBe("accept");
    expect(result.receivers.yahoo.outcome).toBe("accept");
    expect(result.fixSteps).toEqual([]);
  });

  it("fails on NXDOMAIN at the authority, with Gmail's 550-5.7.25 text", () => {
    const result = analyseObservations(
      observations({ authority: authority("nxdomain"), resolvers: [answer(RES1, "nxdomain")] }),
    );
    expect(result.verdict).toBe("fail");
    expect(result.ptr).toEqual({ status: "nxdomain", names: [] });
    expect(result.fcrdns).toBe("unknown");
    expect(codes(result)).toEqual(["NO_PTR"]);
    expect(problem(result, "NO_PTR").message).toContain("NXDOMAIN at the authority 127.0.0.1:5300");
    expect(result.summary).toBe(
      "FAIL: 203.0.113.5 has no PTR record (NXDOMAIN at the authority); Gmail will reject with 550-5.7.25",
    );
    expect(result.receivers.gmail).toMatchObject({ outcome: "reject" });
    expect(result.receivers.gmail.bounce).toMatch(
      /^550-5\.7\.25 \[203\.0\.113\.5\] The IP address sending this message/,
    );
    expect(result.receivers.microsoft.outcome).toBe("accept");
    expect(result.receivers.yahoo.outcome).toBe("defer");
    expect(result.receivers.yahoo.bounce).toBeNull();
    expect(result.negativeCache).toEqual({ ttl: 5, clearsBy: "2026-11-27T12:00:05Z" });
    expect(result.fixSteps[0]).toMatch(
      /^Create \(or correct\) the A record mail\.<your-domain> -> 203\.0\.113\.5/,
    );
    expect(result.fixSteps[1]).toContain(
      "Ask whoever assigned you 203.0.113.5 (your hosting provider or ISP)",
    );
  });

  it("says how long caches may hold the NXDOMAIN after the fix, with resolver caps for long TTLs", () => {
    const short = analyseObservations(observations({ authority: authority("nxdomain") }));
    expect(short.fixSteps.at(-1)).toBe(
      "Then wait: caches holding the old answer let go at most 5 s after the PTR is set (the zone's negative TTL; the resolvers asked here hold theirs until 2026-11-27T12:00:05Z); check again after that.",
    );
    const rir = analyseObservations(
      observations({ authority: authority("nxdomain", [], { soa: { ttl: 86400, minimum: 7200 } }) }),
    );
    expect(rir.negativeCache?.ttl).toBe(7200);
    expect(rir.fixSteps.at(-1)).toContain("Most resolvers cap negative caching at 1-3 hours.");
  });

  it("fails on NODATA and says the name exists without a PTR", () => {
    const result = analyseObservations(observations({ authority: authority("nodata"), resolvers: [] }));
    expect(result.verdict).toBe("fail");
    expect(result.ptr.status).toBe("nodata");
    expect(codes(result)).toEqual(["NO_PTR"]);
    expect(problem(result, "NO_PTR").message).toContain("exists but holds no PTR record (NODATA");
  });

  it("fails a broken pair and says where the name points", () => {
    const result = analyseObservations(
      healthy({ forward: [forward("mail.example.test", "found", ["198.51.100.7"])] }),
    );
    expect(result.verdict).toBe("fail");
    expect(result.fcrdns).toBe("fail");
    expect(codes(result)).toEqual(["BROKEN_PAIR"]);
    expect(problem(result, "BROKEN_PAIR").message).toContain(
      "mail.example.test resolves to 198.51.100.7, not 203.0.113.5",
    );
    expect(result.receivers.gmail.outcome).toBe("reject");
    expect(result.receivers.gmail.bounce).toContain("550-5.7.25 [203.0.113.5]");
    expect(result.receivers.yahoo.outcome).toBe("defer");
    expect(result.fixSteps[0]).toContain("A record mail.example.test -> 203.0.113.5");
    expect(result.fixSteps.join(" ")).not.toContain("Set the PTR");
  });

  it("fails when the PTR name has no address", () => {
    const result = analyseObservations(healthy({ forward: [forward("mail.example.test", "nodata")] }));
    expect(result.verdict).toBe("fail");
    expect(result.fcrdns).toBe("fail");
    expect(problem(result, "BROKEN_PAIR").message).toContain("mail.example.test has no A record");
    const nx = analyseObservations(healthy({ forward: [forward("mail.example.test", "nxdomain")] }));
    expect(problem(nx, "BROKEN_PAIR").message).toContain("mail.example.test does not exist (NXDOMAIN)");
  });

  it("passes two PTRs when one confirms, with MULTIPLE_PTR", () => {
    const names = ["mail.example.test", "other.example.test"];
    const result = analyseObservations(
      observations({
        authority: authority("found", names),
        resolvers: [answer(RES1, "found", names)],
        forward: [
          forward("mail.example.test", "found", [IP]),
          forward("other.example.test", "found", ["198.51.100.9"]),
        ],
      }),
    );
    expect(result.verdict).toBe("pass");
    expect(result.fcrdns).toBe("pass");
    expect(codes(result)).toEqual(["MULTIPLE_PTR"]);
    expect(problem(result, "MULTIPLE_PTR").severity).toBe("warning");
    expect(problem(result, "MULTIPLE_PTR").message).toContain("other.example.test does not confirm");
    expect(result.summary).toMatch(/^PASS: .* \(warnings: MULTIPLE_PTR\)$/);
    expect(result.fixSteps[0]).toMatch(
      /^Keep only one PTR for 203\.0\.113\.5: mail\.example\.test; have other\.example\.test removed/,
    );
  });

  it("follows an RFC 2317 CNAME answer like any found answer", () => {
    const cnames = ["5.0-25.113.0.203.in-addr.arpa"];
    const result = analyseObservations(
      healthy({
        authority: authority("found", ["mail.example.test"], { cnames }),
        resolvers: [answer(RES1, "found", ["mail.example.test"], { cnames })],
      }),
    );
    expect(result.verdict).toBe("pass");
    expect(result.ptr.names).toEqual(["mail.example.test"]);
    expect(result.fcrdns).toBe("pass");
  });

  it("compares names case-insensitively and without the trailing dot", () => {
    const result = analyseObservations(
      healthy({
        authority: authority("found", ["Mail.Example.Test."]),
        forward: [forward("mail.example.test", "found", [IP])],
      }),
    );
    expect(result.ptr.names).toEqual(["mail.example.test"]);
    expect(result.fcrdns).toBe("pass");
  });
});

describe("analyseObservations: IPv6", () => {
  const v6 = { ip: IP6, family: 6 as const, reverseName: REVERSE6 };

  it("passes with a PTR whose AAAA includes the address", () => {
    const result = analyseObservations(
      healthy({ ...v6, forward: [forward("mail.example.test", "found", [IP6], IP6)] }),
    );
    expect(result.verdict).toBe("pass");
    expect(result.fcrdns).toBe("pass");
  });

  it("fails a broken IPv6 pair with Gmail's IPv6 text; Microsoft accepts (the PTR exists)", () => {
    const result = analyseObservations(
      healthy({ ...v6, forward: [forward("mail.example.test", "found", ["2001:db8::99"], IP6)] }),
    );
    expect(result.verdict).toBe("fail");
    expect(codes(result)).toEqual(["BROKEN_PAIR"]);
    expect(problem(result, "BROKEN_PAIR").message).toContain("resolves to 2001:db8::99, not 2001:db8::25");
    expect(result.receivers.gmail.bounce).toMatch(/^550-5\.7\.1 \[2001:db8::25\]/);
    expect(result.receivers.microsoft.outcome).toBe("accept");
  });

  it("fails without a PTR: Gmail's IPv6 text and Microsoft's 5.7.25", () => {
    const result = analyseObservations(observations({ ...v6, authority: authority("nxdomain") }));
    expect(result.verdict).toBe("fail");
    expect(codes(result)).toEqual(["NO_PTR"]);
    expect(result.receivers.gmail.outcome).toBe("reject");
    expect(result.receivers.gmail.bounce).toBe(
      "550-5.7.1 [2001:db8::25] Our system has detected that this message does not meet IPv6 sending guidelines regarding PTR records and authentication.",
    );
    expect(result.receivers.microsoft).toMatchObject({
      outcome: "reject",
      bounce:
        "550 5.7.25 Access denied, the sending IPv6 address [2001:db8::25] must have a reverse DNS record",
    });
    expect(result.summary).toContain("Gmail will reject with 550-5.7.1, Microsoft with 5.7.25");
    expect(result.fixSteps[0]).toContain("AAAA record");
  });
});

describe("analyseObservations: DNS failures are never 'no PTR'", () => {
  for (const status of ["servfail", "timeout", "refused"] as const) {
    it(`is inconclusive when every server says ${status}`, () => {
      const result = analyseObservations(
        observations({
          authority: authority(status),
          resolvers: [answer(RES1, status), answer(RES2, status)],
        }),
      );
      expect(result.verdict).toBe("inconclusive");
      expect(result.ptr).toEqual({ status, names: [] });
      expect(result.fcrdns).toBe("unknown");
      expect(codes(result)).toEqual(["DNS_ERROR"]);
      expect(codes(result)).not.toContain("NO_PTR");
      expect(problem(result, "DNS_ERROR").severity).toBe("error");
      expect(result.summary).toMatch(/^INCONCLUSIVE: could not tell whether 203\.0\.113\.5 has a PTR record/);
      expect(result.receivers.gmail.outcome).toBe("unknown");
      expect(result.receivers.microsoft.outcome).toBe("unknown");
      expect(result.receivers.yahoo.outcome).toBe("unknown");
      expect(result.negativeCache).toBeNull();
    });
  }

  it("is inconclusive when no authority was found and the resolver times out", () => {
    const result = analyseObservations(observations({ resolvers: [answer(RES1, "timeout")] }));
    expect(result.verdict).toBe("inconclusive");
    expect(result.ptr.status).toBe("timeout");
    expect(problem(result, "DNS_ERROR").message).toContain(
      "resolver 127.0.0.1:5301: timeout (no answer within 2000 ms)",
    );
  });

  it("is inconclusive when nobody was asked at all", () => {
    const result = analyseObservations(observations());
    expect(result.verdict).toBe("inconclusive");
    expect(codes(result)).toEqual(["DNS_ERROR"]);
  });

  it("follows the authority when a resolver times out (DNS_ERROR is a warning)", () => {
    const result = analyseObservations(healthy({ resolvers: [answer(RES1, "timeout")] }));
    expect(result.verdict).toBe("pass");
    expect(problem(result, "DNS_ERROR").severity).toBe("warning");
    const failing = analyseObservations(
      observations({ authority: authority("nxdomain"), resolvers: [answer(RES1, "timeout")] }),
    );
    expect(failing.verdict).toBe("fail");
    expect(codes(failing)).toEqual(["NO_PTR", "DNS_ERROR"]);
  });

  it("asks to check again only when inconclusive, naming whose servers failed", () => {
    const inconclusive = analyseObservations(
      observations({ authority: authority("servfail"), resolvers: [answer(RES1, "timeout")] }),
    );
    expect(inconclusive.fixSteps).toHaveLength(1);
    expect(inconclusive.fixSteps[0]).toContain("reverse zone's servers (127.0.0.1:5300)");
    expect(inconclusive.fixSteps[0]).toContain("resolvers (127.0.0.1:5301)");
    const passing = analyseObservations(healthy({ resolvers: [answer(RES1, "servfail")] }));
    expect(passing.fixSteps).toEqual([]);
  });

  it("says a server and its status once when the client's note repeats them", () => {
    const result = analyseObservations(
      observations({
        resolvers: [
          answer(RES1, "servfail", [], { error: `${RES1} answered SERVFAIL (it could not get an answer)` }),
        ],
      }),
    );
    expect(problem(result, "DNS_ERROR").message).toContain(
      "resolver 127.0.0.1:5301: answered SERVFAIL (it could not get an answer)",
    );
  });

  it("uses a resolver's conclusive answer when the authority fails", () => {
    const result = analyseObservations(
      observations({ authority: authority("servfail"), resolvers: [answer(RES1, "nxdomain")] }),
    );
    expect(result.verdict).toBe("fail");
    expect(result.ptr.status).toBe("nxdomain");
    expect(problem(result, "NO_PTR").message).toContain(
      "from resolver 127.0.0.1:5301; the authority failed (SERVFAIL)",
    );
  });

  it("is inconclusive when the forward lookup fails and nothing else is wrong", () => {
    const result = analyseObservations(healthy({ forward: [forward("mail.example.test", "servfail")] }));
    expect(result.verdict).toBe("inconclusive");
    expect(result.fcrdns).toBe("unknown");
    expect(codes(result)).toEqual(["DNS_ERROR"]);
    expect(result.receivers.gmail.outcome).toBe("unknown");
    expect(result.summary).toMatch(/^INCONCLUSIVE: .*forward lookup failed/);
  });

  it("fails when the forward lookup fails but another error already fails it", () => {
    const result = analyseObservations(
      healthy({
        forward: [forward("mail.example.test", "timeout")],
        helo: { name: "localhost", lookup: null },
      }),
    );
    expect(result.verdict).toBe("fail");
    expect(result.fcrdns).toBe("unknown");
    expect(codes(result)).toContain("DNS_ERROR");
    expect(codes(result)).toContain("HELO_NOT_FQDN");
  });

  it("fails on a bad HELO even when the PTR could not be learned, and says the PTR is unknown", () => {
    const result = analyseObservations(
      observations({
        authority: authority("servfail"),
        resolvers: [answer(RES1, "servfail")],
        helo: { name: "localhost", lookup: null },
      }),
    );
    expect(result.verdict).toBe("fail");
    expect(codes(result)).not.toContain("NO_PTR");
    expect(result.summary).toMatch(
      /^FAIL: HELO localhost is not a fully-qualified name.*; PTR unknown \(SERVFAIL\)$/,
    );
  });
});

describe("analyseObservations: caches", () => {
  it("reports CACHED_NEGATIVE when the authority has the PTR and a resolver still serves NXDOMAIN", () => {
    const result = analyseObservations(
      healthy({
        resolvers: [
          answer(RES1, "nxdomain", [], { negativeTtlRemaining: 4 }),
          answer(RES2, "found", ["mail.example.test"]),
        ],
      }),
    );
    expect(result.verdict).toBe("fail");
    expect(result.ptr).toEqual({ status: "found", names: ["mail.example.test"] });
    expect(result.fcrdns).toBe("pass");
    expect(codes(result)).toEqual(["CACHED_NEGATIVE"]);
    expect(result.negativeCache).toEqual({ ttl: 4, clearsBy: "2026-11-27T12:00:04Z" });
    const cached = problem(result, "CACHED_NEGATIVE");
    expect(cached.message).toContain("resolver 127.0.0.1:5301 still serves its cached NXDOMAIN (4 s left");
    expect(cached.fix).toContain("Nothing to change: wait until 2026-11-27T12:00:04Z");
    expect(cached.fix).toContain("flush only their own resolver");
    expect(result.receivers.gmail.outcome).toBe("unknown");
    expect(result.summary).toContain("until 2026-11-27T12:00:04Z");
    expect(result.fixSteps).toHaveLength(1);
    expect(result.fixSteps[0]).toContain("Nothing to change");
  });

  it("passes once the cached negative has expired", () => {
    const result = analyseObservations(healthy({ now: new Date(NOW.getTime() + 5000) }));
    expect(result.verdict).toBe("pass");
  });

  it("warns about a stale positive answer when the authority says NXDOMAIN", () => {
    const result = analyseObservations(
      observations({
        authority: authority("nxdomain"),
        resolvers: [answer(RES1, "found", ["old.example.test"], { ttl: 120 })],
        forward: [forward("old.example.test", "found", [IP])],
      }),
    );
    expect(result.verdict).toBe("fail");
    expect(codes(result)).toEqual(["NO_PTR", "STALE_PTR"]);
    expect(problem(result, "STALE_PTR").severity).toBe("warning");
    expect(problem(result, "STALE_PTR").message).toContain("old.example.test (120 s left)");
  });

  it("warns when a resolver still serves the old name of a renamed PTR", () => {
    const result = analyseObservations(
      healthy({
        resolvers: [
          answer(RES1, "found", ["OLD.example.test"], { ttl: 42 }),
          answer(RES2, "found", ["Mail.Example.Test"]),
        ],
        forward: [forward("mail.example.test", "found", [IP]), forward("old.example.test", "found", [IP])],
      }),
    );
    expect(result.verdict).toBe("pass");
    expect(codes(result)).toEqual(["STALE_PTR"]);
    expect(problem(result, "STALE_PTR").message).toContain(
      "resolver 127.0.0.1:5301 still serves OLD.example.test (42 s left)",
    );
    expect(problem(result, "STALE_PTR").message).not.toContain("127.0.0.1:5302");
  });

  it("warns when resolvers disagree and no authority could be asked", () => {
    const result = analyseObservations(
      observations({
        resolvers: [answer(RES1, "found", ["mail.example.test"]), answer(RES2, "nxdomain")],
        forward: [forward("mail.example.test", "found", [IP])],
      }),
    );
    expect(result.verdict).toBe("pass");
    expect(codes(result)).toEqual(["STALE_PTR"]);
  });
});

describe("analyseObservations: HELO", () => {
  const heloOf = (name: string, lookup = forward(name, "found", [IP])) => ({ helo: { name, lookup } });

  it("passes a HELO equal to the PTR name (case and trailing dot ignored)", () => {
    const result = analyseObservations(healthy(heloOf("MAIL.example.test.")));
    expect(result.verdict).toBe("pass");
    expect(result.helo).toMatchObject({
      fqdn: true,
      addressLiteral: false,
      resolves: true,
      resolvesToIp: true,
      matchesPtr: true,
    });
  });

  it("only warns when the HELO differs from the PTR but resolves to the IP", () => {
    const result = analyseObservations(healthy(heloOf("smtp.example.test")));
    expect(result.verdict).toBe("pass");
    expect(codes(result)).toEqual(["HELO_MISMATCH"]);
    expect(result.helo).toMatchObject({ resolvesToIp: true, matchesPtr: false });
  });

  for (const name of ["localhost", "mail", "203.0.113.5", "server.local", "bad_name.example.test"]) {
    it(`fails HELO_NOT_FQDN for ${name}`, () => {
      const result = analyseObservations(healthy({ helo: { name, lookup: null } }));
      expect(result.verdict).toBe("fail");
      expect(codes(result)).toContain("HELO_NOT_FQDN");
      expect(result.helo?.fqdn).toBe(false);
      expect(result.receivers.microsoft.bounce).toBe("550 5.7.506 Access Denied, Bad HELO");
    });
  }

  it("names rspamd's HFILTER_HELO_BAREIP for a bare IP", () => {
    const result = analyseObservations(healthy({ helo: { name: IP, lookup: null } }));
    expect(problem(result, "HELO_NOT_FQDN").message).toContain("[203.0.113.5]");
    expect(problem(result, "HELO_NOT_FQDN").message).toContain("HFILTER_HELO_BAREIP");
  });

  it("fails HELO_UNRESOLVED when the HELO does not resolve", () => {
    const result = analyseObservations(
      healthy(heloOf("gone.example.test", forward("gone.example.test", "nxdomain"))),
    );
    expect(result.verdict).toBe("fail");
    expect(codes(result)).toContain("HELO_UNRESOLVED");
    expect(result.helo).toMatchObject({ resolves: false, resolvesToIp: false });
  });

  it("fails HELO_IP_MISMATCH when the HELO resolves elsewhere", () => {
    const result = analyseObservations(
      healthy(heloOf("mail.example.test", forward("mail.example.test", "found", ["198.51.100.7"]))),
    );
    expect(result.verdict).toBe("fail");
    expect(codes(result)).toContain("HELO_IP_MISMATCH");
    expect(problem(result, "HELO_IP_MISMATCH").message).toContain(
      "resolves to 198.51.100.7, not 203.0.113.5",
    );
  });

  it("treats a failed HELO lookup as DNS_ERROR (warning), not unresolved", () => {
    const result = analyseObservations(
      healthy(heloOf("mail.example.test", forward("mail.example.test", "timeout"))),
    );
    expect(result.verdict).toBe("pass");
    expect(codes(result)).toEqual(["DNS_ERROR"]);
    expect(result.helo).toMatchObject({ resolves: null, resolvesToIp: null });
  });

  it("accepts an address literal equal to the IP", () => {
    const result = analyseObservations(healthy({ helo: { name: "[203.0.113.5]", lookup: null } }));
    expect(result.verdict).toBe("pass");
    expect(result.helo).toMatchObject({
      addressLiteral: true,
      fqdn: false,
      resolvesToIp: true,
      matchesPtr: null,
    });
    const v6 = analyseObservations(
      healthy({
        ip: IP6,
        family: 6,
        forward: [forward("mail.example.test", "found", [IP6], IP6)],
        helo: { name: "[IPv6:2001:DB8:0::25]", lookup: null },
      }),
    );
    expect(v6.verdict).toBe("pass");
    expect(v6.helo?.resolvesToIp).toBe(true);
  });

  it("fails an address literal for another IP", () => {
    const result = analyseObservations(healthy({ helo: { name: "[198.51.100.7]", lookup: null } }));
    expect(result.verdict).toBe("fail");
    expect(codes(result)).toEqual(["HELO_IP_MISMATCH"]);
    expect(result.helo).toMatchObject({ addressLiteral: true, resolvesToIp: false, matchesPtr: null });
  });

  it("gives Microsoft's 5.7.506 for a HELO naming Microsoft", () => {
    const result = analyseObservations(
      healthy(
        heloOf(
          "mail.protection.outlook.com",
          forward("mail.protection.outlook.com", "found", ["198.51.100.7"]),
        ),
      ),
    );
    expect(result.receivers.microsoft).toMatchObject({
      outcome: "reject",
      bounce: "550 5.7.506 Access Denied, Bad HELO",
    });
  });
});

describe("analyseObservations: generic names and providers", () => {
  it("warns GENERIC_PTR for a dynamic-looking name and Yahoo defers", () => {
    const name = "203-0-113-5.dynamic.isp.example";
    const result = analyseObservations(confirmedPtr(name));
    expect(result.verdict).toBe("pass");
    expect(codes(result)).toEqual(["GENERIC_PTR"]);
    expect(problem(result, "GENERIC_PTR").severity).toBe("warning");
    expect(result.receivers.yahoo.outcome).toBe("defer");
    expect(result.receivers.gmail.outcome).toBe("accept");
    expect(result.summary).toContain("warnings: GENERIC_PTR");
    expect(result.fixSteps[0]).toContain("A record mail.<your-domain> -> 203.0.113.5");
  });

  it("recognises Hetzner's default name and gives its procedure", () => {
    const name = "static.5.113.0.203.clients.your-server.de";
    const result = analyseObservations(
      confirmedPtr(name, {
        helo: { name: "mail.example.test", lookup: forward("mail.example.test", "found", [IP]) },
      }),
    );
    expect(result.provider).toBe("hetzner");
    expect(codes(result)).toContain("GENERIC_PTR");
    expect(result.fixSteps.join("\n")).toContain(
      "hcloud server set-rdns <server> --ip 203.0.113.5 --hostname mail.example.test",
    );
    // The HELO already resolves to the IP: no A record step, the PTR step comes first.
    expect(result.fixSteps[0]).toMatch(/^Set the PTR of 203\.0\.113\.5 to mail\.example\.test/);
  });

  it("never tells people to announce a generic PTR name as HELO", () => {
    const name = "203-0-113-5.dynamic.isp.example";
    const result = analyseObservations(confirmedPtr(name, { helo: { name: "mailserver", lookup: null } }));
    expect(problem(result, "HELO_NOT_FQDN").fix).not.toContain(name);
    expect(result.fixSteps.join(" ")).not.toContain(`HELO/EHLO ${name}`);
  });

  it("lists problems errors first", () => {
    const result = analyseObservations(
      observations({
        authority: authority("nxdomain", [], { servers: [AUTH] }),
        resolvers: [answer(RES1, "timeout")],
        helo: { name: "mail", lookup: null },
      }),
    );
    const severities = result.problems.map((entry) => entry.severity);
    expect(severities).toEqual([...severities].sort());
  });
});

// The blocklists section: each list's return-code table, and whole checks against a fake resolver
// on loopback (the real DNS client and rules) for what the lab cannot easily vary per test: a
// list that drops the query, the DQS key's name, the TXT's characters, the cache.
import type dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/index.js";
import { analyseBlocklists, judgeList } from "../../../src/check/sections/blocklists/analyse.js";
import type { ListAnswer } from "../../../src/check/sections/blocklists/ask.js";
import { listQueryName, queryZone } from "../../../src/check/sections/blocklists/ask.js";
import { BLOCKLIST_GRACE_MS } from "../../../src/check/sections/blocklists/index.js";
import { type FakeDnsServer, type FakeReply, startFakeDns } from "../../fakes/dns/server.js";

const IP = "203.0.113.5";
const ZEN = "zen.spamhaus.org";

const listed = (zone: string, ...addresses: string[]): ListAnswer => ({
  zone,
  outcome: "listed-or-answer",
  addresses,
  error: null,
  txt: null,
});

describe("each list's return codes", () => {
  it.each([
    ["127.0.0.2", "listed", /^SBL/, false],
    ["127.0.0.3", "listed", /CSS/, false],
    ["127.0.0.4", "listed", /^XBL/, false],
    ["127.0.0.7", "listed", /^XBL/, false],
    ["127.0.0.9", "listed", /^DROP/, false],
    ["127.0.0.10", "listed", /^PBL \(set by the ISP\)/, true],
    ["127.0.0.11", "listed", /^PBL \(set by Spamhaus\)/, true],
    ["127.255.255.252", "refused", /typo in the zone name/, false],
    ["127.255.255.253", "refused", /error/, false],
    ["127.255.255.254", "refused", /public\/open resolvers/, false],
    ["127.255.255.255", "refused", /excessive number of queries/, false],
  ])("ZEN %s is %s", (code, status, meaning, policy) => {
    const result = judgeList(listed(ZEN, code), IP);
    expect(result.status).toBe(status);
    expect(result.meaning).toMatch(meaning);
    expect(result.policy).toBe(policy);
    expect(result.removal === null).toBe(status !== "listed");
  });

  it("several codes: PBL beside SBL is not a policy listing", () => {
    const result = judgeList(listed(ZEN, "127.0.0.2", "127.0.0.10"), IP);
    expect(result).toMatchObject({ status: "listed", policy: false, codes: ["127.0.0.2", "127.0.0.10"] });
    expect(result.meaning).toMatch(/SBL.*; PBL/);
  });

  it("an answer outside 127.0.0.0/8 is a redirecting resolver: error, never listed or clean", () => {
    const result = judgeList(listed("bl.spamcop.net", "198.51.100.80"), IP);
    expect(result.status).toBe("error");
    expect(result.meaning).toMatch(/outside 127\.0\.0\.0\/8/);
  });

  it("127.0.0.1 is never a listing (RFC 5782 5)", () => {
    expect(judgeList(listed("bl.example.org", "127.0.0.1"), IP).status).toBe("error");
  });

  it("Barracuda and SpamCop: 127.0.0.2 listed, with their own removal", () => {
    expect(judgeList(listed("b.barracudacentral.org", "127.0.0.2"), IP).removal).toContain(
      "barracudacentral.org/rbl/removal-request",
    );
    expect(judgeList(listed("bl.spamcop.net", "127.0.0.2"), IP).removal).toContain("spamcop.net/bl.shtml");
  });

  it("a list whose test point is not listed: its NXDOMAIN is could not tell, with the reason; a listing stands", () => {
    const health = { state: "broken" as const, reason: "its test point 127.0.0.2 ... says it is not listed" };
    const nx = judgeList({ ...listed("bl.example.org"), outcome: "nxdomain", health }, IP);
    expect(nx).toMatchObject({ status: "error", meaning: health.reason });
    expect(judgeList({ ...listed("bl.example.org"), outcome: "nodata", health }, IP).status).toBe("error");
    expect(judgeList({ ...listed("bl.example.org", "127.0.0.2"), health }, IP).status).toBe("listed");
    const ok = { state: "ok" as const, reason: null };
    expect(judgeList({ ...listed("bl.example.org"), outcome: "nxdomain", health: ok }, IP).status).toBe(
      "clean",
    );
    const unknown = { state: "unknown" as const, reason: "no answer" };
    expect(judgeList({ ...listed("bl.example.org"), outcome: "nxdomain", health: unknown }, IP).status).toBe(
      "clean",
    );
  });

  it("NXDOMAIN and NODATA are clean; a failure is could not tell", () => {
    expect(judgeList({ ...listed(ZEN), outcome: "nxdomain" }, IP).status).toBe("clean");
    expect(judgeList({ ...listed(ZEN), outcome: "nodata" }, IP).status).toBe("clean");
    const failed = judgeList({ ...listed(ZEN), outcome: "failed", error: "SERVFAIL from r" }, IP);
    expect(failed).toMatchObject({ status: "error", meaning: "could not tell: SERVFAIL from r" });
  });
});

describe("problems", () => {
  const facts = { ip: IP, family: 4 as const, ptrNames: [], target: null };

  it("a listing is a LISTED error naming who refuses and the removal", () => {
    const { problems } = analyseBlocklists([listed(ZEN, "127.0.0.2")], facts);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "LISTED", severity: "error" });
    expect(problems[0]?.message).toContain(`Receivers that use ${ZEN} will refuse`);
    expect(problems[0]?.fix).toContain("check.spamhaus.org");
  });

  it("PBL is a warning, tied to the generic name when both apply", () => {
    const plain = analyseBlocklists([listed(ZEN, "127.0.0.11")], facts).problems[0];
    expect(plain).toMatchObject({ code: "LISTED", severity: "warning" });
    expect(plain?.message).not.toContain("GENERIC_PTR");
    const generic = analyseBlocklists([listed(ZEN, "127.0.0.11")], { ...facts, generic: true }).problems[0];
    expect(generic?.message).toContain("generic PTR name says the same");
  });

  it("refused and error lists are a BLOCKLIST_REFUSED warning", () => {
    const { problems } = analyseBlocklists(
      [listed(ZEN, "127.255.255.254"), { ...listed("bl.spamcop.net"), outcome: "failed", error: "x" }],
      facts,
    );
    expect(problems.map((problem) => [problem.code, problem.severity])).toEqual([
      ["BLOCKLIST_REFUSED", "warning"],
      ["BLOCKLIST_REFUSED", "warning"],
    ]);
  });
});

describe("query names", () => {
  it("IPv4 reversed octets, IPv6 nibbles, DQS zone for Spamhaus only", () => {
    expect(listQueryName("5.113.0.203.in-addr.arpa", ZEN)).toBe("5.113.0.203.zen.spamhaus.org");
    expect(listQueryName(`1.0.0.0.${"0.".repeat(24)}8.b.d.0.1.0.0.2.ip6.arpa`, ZEN)).toBe(
      `1.0.0.0.${"0.".repeat(24)}8.b.d.0.1.0.0.2.zen.spamhaus.org`,
    );
    expect(queryZone(ZEN, { zones: [ZEN], dqsKey: "abc123" })).toBe("abc123.zen.dq.spamhaus.net");
    expect(queryZone("bl.spamcop.net", { zones: [], dqsKey: "abc123" })).toBe("bl.spamcop.net");
    expect(queryZone(ZEN, { zones: [ZEN] })).toBe(ZEN);
  });
});

// --- whole checks against a fake resolver ---

const servers: FakeDnsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const MAIL = "mail.example.test";
const REVERSE = "5.113.0.203";

/** A resolver with a passing PTR for IP; `lists` answers the list questions (null: drop). */
async function resolver(lists: (name: string, type: string) => FakeReply | null): Promise<FakeDnsServer> {
  const soa: dnsPacket.Answer = {
    type: "SOA",
    name: "test",
    ttl: 5,
    data: { mname: "ns.test", rname: "h.test", serial: 1, refresh: 60, retry: 30, expire: 600, minimum: 5 },
  };
  const server = await startFakeDns(({ name, type }) => {
    if (type === "PTR" && name === `${REVERSE}.in-addr.arpa`) {
      return { aa: false, answers: [{ type: "PTR", name, ttl: 30, data: MAIL }] };
    }
    if (type === "A" && name === MAIL)
      return { aa: false, answers: [{ type: "A", name, ttl: 30, data: IP }] };
    if (type === "SOA" || type === "NS") return { aa: false, rcode: "REFUSED" };
    if (name.startsWith(`${REVERSE}.`)) return lists(name, type);
    // RFC 5782 5: every working list lists its test point 127.0.0.2 ("silent" lists drop it).
    if (name.startsWith("2.0.0.127.") && name.includes("silent")) return null;
    if (type === "A" && name.startsWith("2.0.0.127.") && !name.includes("broken"))
      return { aa: false, answers: [{ type: "A", name, ttl: 30, data: "127.0.0.2" }] };
    return { aa: false, rcode: "NXDOMAIN", authorities: [soa] };
  });
  servers.push(server);
  return server;
}

const check = (server: FakeDnsServer, zones: string[], dqsKey: string | null = null) =>
  runCheck({
    ip: IP,
    resolvers: [server.address],
    authorities: [],
    timeoutMs: 400,
    deadlineMs: 1500,
    blocklists: { zones, dqsKey },
  });

describe("a check with lists", () => {
  it("a listing fails a check that passes otherwise; the TXT is kept as the list wrote it", async () => {
    const hostile = "<!channel> @everyone \u202e see http://x";
    const server = await resolver((name, type) =>
      type === "TXT"
        ? { aa: false, answers: [{ type: "TXT", name, ttl: 5, data: hostile }] }
        : { aa: false, answers: [{ type: "A", name, ttl: 5, data: "127.0.0.2" }] },
    );
    const report = await check(server, ["bl.one.example"]);
    expect(report.verdict).toBe("fail");
    expect(report.summary).toMatch(/^FAIL: 203\.0\.113\.5 is listed on bl\.one\.example/);
    expect(report.blocklists).toEqual([
      expect.objectContaining({
        zone: "bl.one.example",
        status: "listed",
        codes: ["127.0.0.2"],
        txt: hostile,
      }),
    ]);
    expect(report.fixSteps.at(-1)).toContain("bl.one.example");
    // No receiver documents using bl.one.example: their outcomes stay the PTR's.
    expect(report.receivers.yahoo.outcome).toBe("accept");
    expect(report.receivers.gmail.outcome).toBe("accept");
  });

  it("a Spamhaus listing is Yahoo's refusal (its [BL21] code names Spamhaus); Gmail's and Microsoft's stay", async () => {
    const server = await resolver((name) => ({
      aa: false,
      answers: [{ type: "A", name, ttl: 5, data: "127.0.0.3" }],
    }));
    const report = await check(server, [ZEN]);
    expect(report.receivers.yahoo).toMatchObject({ outcome: "reject" });
    expect(report.receivers.yahoo.bounce).toMatch(/^553 5\.7\.1 \[BL21\] .*203\.0\.113\.5.*Spamhaus/);
    expect(report.receivers.gmail.outcome).toBe("accept");
    expect(report.receivers.microsoft.outcome).toBe("accept");
  });

  it("a list that drops the query is could not tell, and the check still passes", async () => {
    const server = await resolver(() => null);
    const report = await check(server, ["bl.two.example"]);
    expect(report.verdict).toBe("pass");
    expect(report.blocklists[0]?.status).toBe("error");
    expect(report.problems.map((problem) => problem.code)).toEqual(["BLOCKLIST_REFUSED"]);
    expect(report.problems.map((problem) => problem.code)).not.toContain("DNS_ERROR");
  });

  it("a refusal code leaves the verdict alone", async () => {
    const server = await resolver((name) => ({
      aa: false,
      answers: [{ type: "A", name, ttl: 5, data: "127.255.255.254" }],
    }));
    const report = await check(server, [ZEN]);
    expect(report.verdict).toBe("pass");
    expect(report.blocklists[0]).toMatchObject({ zone: ZEN, status: "refused" });
  });

  it("SPAMHAUS_DQS_KEY: asked under the key's zone, the report never shows the key", async () => {
    const server = await resolver(() => ({ aa: false, rcode: "NXDOMAIN" }));
    const key = "sekritdqskey42";
    const report = await check(server, [ZEN, "bl.three.example"], key);
    expect(server.questions.map((question) => question.name)).toContain(
      `${REVERSE}.${key}.zen.dq.spamhaus.net`,
    );
    expect(JSON.stringify(report)).not.toContain(key);
    expect(report.blocklists.map((entry) => [entry.zone, entry.status])).toEqual([
      [ZEN, "clean"],
      ["bl.three.example", "clean"],
    ]);
  });

  it("a list answering NXDOMAIN for its test point is could not tell, never clean; its test point asked once", async () => {
    const server = await resolver(() => ({ aa: false, rcode: "NXDOMAIN" }));
    const zones = ["bl.broken.example", "bl.five.example"];
    const report = await check(server, zones);
    expect(report.verdict).toBe("pass");
    expect(report.blocklists.map((entry) => [entry.zone, entry.status])).toEqual([
      ["bl.broken.example", "error"],
      ["bl.five.example", "clean"],
    ]);
    expect(report.blocklists[0]?.meaning).toMatch(/^its test point 127\.0\.0\.2.*RFC 5782/);
    const problem = report.problems.find((entry) => entry.code === "BLOCKLIST_REFUSED");
    expect(problem?.message).toContain("bl.broken.example");
    expect(problem?.fix).toContain("SPAMHAUS_DQS_KEY");
    await check(server, zones);
    const testPoint = (zone: string) =>
      server.questions.filter((question) => question.name === `2.0.0.127.${zone}`).length;
    // Once per list per interval, whatever it answered (HEALTH_TTL_MS).
    expect(testPoint("bl.broken.example")).toBe(1);
    expect(testPoint("bl.five.example")).toBe(1);
  });

  it("a test point that never answers slows nothing beyond the grace and changes nothing", async () => {
    const server = await resolver(() => ({ aa: false, rcode: "NXDOMAIN" }));
    const started = performance.now();
    const report = await check(server, ["bl.silent.example"]);
    const took = performance.now() - started;
    expect(report.blocklists[0]).toMatchObject({ zone: "bl.silent.example", status: "clean" });
    // The per-question timeout is 400 ms and the deadline 1,500: the check does not wait for either.
    expect(took).toBeLessThan(BLOCKLIST_GRACE_MS + 700);
  });

  it("a wrong SPAMHAUS_DQS_KEY (NXDOMAIN at the test point) says so, without the key", async () => {
    const key = "wrongdqskey77";
    const server = await resolver(() => ({ aa: false, rcode: "NXDOMAIN" }));
    // The DQS zone's test point is NXDOMAIN too: the fake lists it only under names without "broken".
    const report = await check(server, [ZEN], `broken${key}`);
    expect(report.blocklists[0]).toMatchObject({ zone: ZEN, status: "error" });
    expect(report.blocklists[0]?.meaning).toContain("SPAMHAUS_DQS_KEY is wrong");
    expect(JSON.stringify(report)).not.toContain(key);
  });

  it("answers are kept for their TTL: a second check within it asks the list nothing", async () => {
    const server = await resolver((name) => ({
      aa: false,
      answers: [{ type: "A", name, ttl: 30, data: "127.0.0.2" }],
    }));
    await check(server, ["bl.four.example"]);
    const asked = server.questions.filter((question) => question.name.endsWith("bl.four.example")).length;
    const second = await check(server, ["bl.four.example"]);
    expect(second.blocklists[0]?.status).toBe("listed");
    expect(server.questions.filter((question) => question.name.endsWith("bl.four.example")).length).toBe(
      asked,
    );
  });

  it("IPv6: only lists that serve IPv6 are asked, with 32 nibbles", async () => {
    const server = await startFakeDns(() => ({ aa: false, rcode: "NXDOMAIN" }));
    servers.push(server);
    const report = await runCheck({
      ip: "2001:db8::5",
      resolvers: [server.address],
      authorities: [],
      timeoutMs: 400,
      deadlineMs: 1500,
      blocklists: { zones: [ZEN, "bl.spamcop.net"] },
    });
    expect(report.blocklists.map((entry) => entry.zone)).toEqual([ZEN]);
    const asked = server.questions.find((question) => question.name.endsWith(ZEN));
    expect(asked?.name.split(".").length).toBe(32 + 3);
  });

  it("IPv6: a list listing only the IPv4 test point serves us (clean); one listing neither could not tell", async () => {
    // ZEN serves both families from one zone and may list only 127.0.0.2; a zone answering
    // NXDOMAIN for both points does not serve this resolver at all.
    const v6Check = async (listsV4Point: boolean) => {
      const server = await startFakeDns(({ name, type }) =>
        listsV4Point && type === "A" && name.startsWith("2.0.0.127.")
          ? { aa: false, answers: [{ type: "A", name, ttl: 30, data: "127.0.0.2" }] }
          : { aa: false, rcode: "NXDOMAIN" },
      );
      servers.push(server);
      const report = await runCheck({
        ip: "2001:db8::5",
        resolvers: [server.address],
        authorities: [],
        timeoutMs: 400,
        deadlineMs: 1500,
        blocklists: { zones: [ZEN] },
      });
      const asked = server.questions.map((question) => question.name);
      expect(asked.some((name) => name.startsWith("2.0.0.0.0.0.f.7.f.f.f.f."))).toBe(true);
      expect(asked.some((name) => name.startsWith("2.0.0.127."))).toBe(true);
      return report.blocklists[0];
    };
    expect((await v6Check(true))?.status).toBe("clean");
    expect((await v6Check(false))?.status).toBe("error");
  });

  it("no lists configured: none asked, an empty list", async () => {
    const server = await resolver(() => ({ aa: false, rcode: "NXDOMAIN" }));
    const report = await check(server, []);
    expect(report.blocklists).toEqual([]);
    const listQuestions = server.questions.filter(
      (question) => question.name.startsWith(`${REVERSE}.`) && !question.name.endsWith(".arpa"),
    );
    expect(listQuestions).toEqual([]);
  });
});

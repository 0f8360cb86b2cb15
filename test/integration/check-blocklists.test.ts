// Blocklists against the lab: the lists' zones under their real names on the lab's Knot, asked
// only through the lab's Unbound (stub zones), one address per return code (test/lab/zones.ts
// BLOCKLIST_CASES); a fake resolver that rewrites NXDOMAIN into an advertising address; the
// built CLI's JSON and exit status, and a DQS key that never reaches its output.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { BLOCKLIST_GRACE_MS } from "../../src/check/sections/blocklists/index.js";
import type { CheckReport } from "../../src/check/types.js";
import { a, type FakeDnsServer, startFakeDns } from "../fakes/dns/server.js";
import {
  BLOCKLIST_CASES,
  BLOCKLIST_ZONES,
  BROKEN_BLOCKLIST_ZONE,
  HOSTILE_TXT,
  LAB_DQS_KEY,
} from "../lab/zones.js";

const run = promisify(execFile);
const lab = inject("lab");

beforeAll(async () => {
  if (!existsSync("dist/src/cli/main.js")) await run("npm", ["run", "-s", "build"]);
});

const check = (ip: string, dqsKey: string | null = null, resolvers = [lab.resolver]) =>
  runCheck({
    ip,
    resolvers,
    authorities: [lab.authority],
    timeoutMs: 2000,
    blocklists: { zones: BLOCKLIST_ZONES, dqsKey },
  });

const zen = (report: CheckReport) => report.blocklists.find((entry) => entry.zone === "zen.spamhaus.org");
const codes = (report: CheckReport) =>
  report.problems.map((problem) => `${problem.code}:${problem.severity}`);

describe("each return code, through the lab's resolver", () => {
  it.each([
    ["sbl", "listed", ["127.0.0.2"], /^SBL/, "fail"],
    ["css", "listed", ["127.0.0.3"], /CSS/, "fail"],
    ["xbl", "listed", ["127.0.0.4"], /^XBL/, "fail"],
    ["pblIsp", "listed", ["127.0.0.10"], /^PBL \(set by the ISP\)/, "pass"],
    ["pbl", "listed", ["127.0.0.11"], /^PBL \(set by Spamhaus\)/, "pass"],
    ["typo", "refused", ["127.255.255.252"], /typo/, "pass"],
    ["errorCode", "refused", ["127.255.255.253"], /error/, "pass"],
    ["publicResolver", "refused", ["127.255.255.254"], /public\/open resolvers/, "pass"],
    ["excessive", "refused", ["127.255.255.255"], /excessive/, "pass"],
  ] as const)("ZEN %s: %s %j", async (name, status, listedCodes, meaning, verdict) => {
    const report = await check(BLOCKLIST_CASES[name]);
    expect(zen(report)).toMatchObject({ status, codes: listedCodes });
    expect(zen(report)?.meaning).toMatch(meaning);
    expect(report.verdict).toBe(verdict);
    const expected =
      status === "refused"
        ? "BLOCKLIST_REFUSED:warning"
        : verdict === "pass"
          ? "LISTED:warning"
          : "LISTED:error";
    expect(codes(report)).toEqual([expected]);
  });

  it("DROP comes with SBL: both codes, one error", async () => {
    const report = await check(BLOCKLIST_CASES.drop);
    expect([...(zen(report)?.codes ?? [])].sort()).toEqual(["127.0.0.2", "127.0.0.9"]);
    expect(zen(report)?.meaning).toMatch(/SBL.*DROP|DROP.*SBL/);
    expect(codes(report)).toEqual(["LISTED:error"]);
  });

  it("a clean address: every list clean, the check passes with no problem", async () => {
    const report = await check(BLOCKLIST_CASES.clean);
    expect(report.blocklists.map((entry) => [entry.zone, entry.status])).toEqual(
      BLOCKLIST_ZONES.map((zone) => [zone, "clean"]),
    );
    expect(report.verdict).toBe("pass");
    expect(report.problems).toEqual([]);
  });

  it("Barracuda and SpamCop listings, SpamCop's TXT kept", async () => {
    const barracuda = await check(BLOCKLIST_CASES.barracuda);
    expect(barracuda.blocklists[1]).toMatchObject({ zone: "b.barracudacentral.org", status: "listed" });
    expect(barracuda.verdict).toBe("fail");
    const spamcop = await check(BLOCKLIST_CASES.spamcop);
    expect(spamcop.blocklists[2]?.txt).toContain("spamcop.net/bl.shtml");
  });

  it("the hostile TXT arrives as the list wrote it (renderers make it inert)", async () => {
    expect(zen(await check(BLOCKLIST_CASES.sbl))?.txt).toBe(HOSTILE_TXT);
  });

  it("PBL and a generic PTR name: one warning each, tied together, still a pass", async () => {
    const report = await check(BLOCKLIST_CASES.genericPbl);
    expect(report.verdict).toBe("pass");
    expect(codes(report)).toEqual(["LISTED:warning", "GENERIC_PTR:warning"]);
    expect(report.problems[0]?.message).toContain("generic PTR name says the same");
  });

  it("IPv6: Spamhaus asked with nibbles; lists without IPv6 not asked", async () => {
    const report = await check(BLOCKLIST_CASES.ipv6);
    expect(report.blocklists).toEqual([
      expect.objectContaining({ zone: "zen.spamhaus.org", status: "listed" }),
    ]);
    expect(report.verdict).toBe("fail");
  });

  it("DQS: asked under the key's zone (the lab answers 127.0.0.4 there), reported as zen.spamhaus.org", async () => {
    const report = await check(BLOCKLIST_CASES.sbl, LAB_DQS_KEY);
    expect(zen(report)).toMatchObject({ zone: "zen.spamhaus.org", status: "listed", codes: ["127.0.0.4"] });
    expect(JSON.stringify(report)).not.toContain(LAB_DQS_KEY);
  });
});

describe("a list that answers NXDOMAIN for everything (RFC 5782 5: its test point is missing)", () => {
  const withBroken = (ip: string) =>
    runCheck({
      ip,
      resolvers: [lab.resolver],
      authorities: [lab.authority],
      timeoutMs: 2000,
      blocklists: { zones: [...BLOCKLIST_ZONES, BROKEN_BLOCKLIST_ZONE] },
    });

  it("is could not tell with its reason, never clean; the working lists stay clean; the verdict is the PTR's", async () => {
    const report = await withBroken(BLOCKLIST_CASES.clean);
    expect(report.blocklists.map((entry) => [entry.zone, entry.status])).toEqual([
      ...BLOCKLIST_ZONES.map((zone) => [zone, "clean"]),
      [BROKEN_BLOCKLIST_ZONE, "error"],
    ]);
    const broken = report.blocklists.at(-1);
    expect(broken?.meaning).toMatch(/^its test point 127\.0\.0\.2.*RFC 5782 5.*means nothing/);
    expect(codes(report)).toEqual(["BLOCKLIST_REFUSED:warning"]);
    expect(report.verdict).toBe("pass");
  });

  it("a listing on the working lists is still a listing beside it", async () => {
    const report = await withBroken(BLOCKLIST_CASES.xbl);
    expect(zen(report)).toMatchObject({ status: "listed", codes: ["127.0.0.4"] });
    expect(report.blocklists.at(-1)?.status).toBe("error");
    expect(report.verdict).toBe("fail");
  });

  it("IPv6: the working IPv6 list's test point (::FFFF:7F00:2) is listed, so its answer stands", async () => {
    const report = await withBroken(BLOCKLIST_CASES.ipv6);
    expect(report.blocklists.map((entry) => [entry.zone, entry.status])).toEqual([
      ["zen.spamhaus.org", "listed"],
    ]);
  });
});

describe("a resolver that rewrites NXDOMAIN into an advertising address", () => {
  let fake: FakeDnsServer | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it("every list is error (could not tell), never listed or clean; the verdict is the PTR's", async () => {
    const ip = BLOCKLIST_CASES.clean;
    fake = await startFakeDns(({ name, type }) => {
      if (type === "PTR" && name === "80.2.0.192.in-addr.arpa") {
        return { aa: false, answers: [{ type: "PTR", name, ttl: 5, data: "list80.example.test" }] };
      }
      if (type === "A" && name === "list80.example.test") return { aa: false, answers: [a(name, ip)] };
      // Everything else "exists": the ISP's search page.
      return type === "A"
        ? { aa: false, answers: [a(name, "198.51.100.80")] }
        : { aa: false, rcode: "NXDOMAIN" };
    });
    const report = await check(ip, null, [fake.address]);
    expect(report.blocklists.map((entry) => entry.status)).toEqual(["error", "error", "error"]);
    expect(report.blocklists[0]?.meaning).toMatch(/outside 127\.0\.0\.0\/8/);
    expect(report.verdict).toBe("pass");
    expect(codes(report).filter((code) => code.startsWith("BLOCKLIST_REFUSED"))).toHaveLength(3);
  });
});

describe("Spamhaus's error range (127.255.255.0/24, www.spamhaus.org/news/article/788/)", () => {
  let fake: FakeDnsServer | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it.each(["127.255.255.250", "127.255.255.1"])(
    "%s, a code the table does not name, is an error about the query: refused, never LISTED",
    async (code) => {
      const ip = BLOCKLIST_CASES.clean;
      fake = await startFakeDns(({ name, type }) => {
        if (type === "PTR" && name === "80.2.0.192.in-addr.arpa") {
          return { aa: false, answers: [{ type: "PTR", name, ttl: 5, data: "list80.example.test" }] };
        }
        if (type === "A" && name === "list80.example.test") return { aa: false, answers: [a(name, ip)] };
        if (type === "A" && name === "80.2.0.192.zen.spamhaus.org")
          return { aa: false, answers: [a(name, code)] };
        // Every working list lists its RFC 5782 test point.
        if (type === "A" && name.startsWith("2.0.0.127."))
          return { aa: false, answers: [a(name, "127.0.0.2")] };
        return { aa: false, rcode: "NXDOMAIN" };
      });
      const report = await check(ip, null, [fake.address]);
      expect(zen(report)).toMatchObject({ status: "refused", codes: [code] });
      expect(zen(report)?.meaning).toMatch(/error/);
      expect(codes(report)).toEqual(["BLOCKLIST_REFUSED:warning"]);
      expect(report.verdict).toBe("pass");
    },
  );
});

describe("a list that never answers", () => {
  let silent: FakeDnsServer | null = null;
  afterEach(async () => {
    await silent?.close();
    silent = null;
  });

  it("holds the verdict back at most the grace after the PTR work, never the question timeout", async () => {
    const ip = BLOCKLIST_CASES.clean;
    silent = await startFakeDns(({ name, type }) => {
      if (type === "PTR" && name === "80.2.0.192.in-addr.arpa") {
        return { aa: false, answers: [{ type: "PTR", name, ttl: 5, data: "list80.example.test" }] };
      }
      if (type === "A" && name === "list80.example.test") return { aa: false, answers: [a(name, ip)] };
      return null; // the lists' questions: dropped, as a list ignoring an unregistered resolver does
    });
    const started = Date.now();
    const report = await check(ip, null, [silent.address]);
    const took = Date.now() - started;
    expect(report.verdict).toBe("pass");
    expect(report.blocklists.map((entry) => entry.status)).toEqual(["error", "error", "error"]);
    expect(report.blocklists[0]?.meaning).toContain(`no answer within ${BLOCKLIST_GRACE_MS} ms of the PTR's`);
    // The question timeout is 2,000 ms: the check ends about the grace after its PTR work.
    expect(took).toBeLessThan(1500);
  });
});

async function rdns(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("node", ["bin/rdns.js", ...args], {
      env: { ...process.env, RESOLVERS: "", AUTHORITIES: "", DNSBL_ZONES: "", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("rdns check (built CLI) with lists", () => {
  const servers = ["--resolver", lab.resolver, "--authority", lab.authority];

  it("a listing exits 1 with blocklists in the JSON; a refusal exits 0", async () => {
    const listed = await rdns(["check", BLOCKLIST_CASES.xbl, ...servers, "--json"]);
    expect(listed.code).toBe(1);
    expect(JSON.parse(listed.stdout).blocklists[0]).toMatchObject({
      zone: "zen.spamhaus.org",
      status: "listed",
      codes: ["127.0.0.4"],
      txt: null,
    });
    const refused = await rdns(["check", BLOCKLIST_CASES.publicResolver, ...servers, "--json"]);
    expect(refused.code).toBe(0);
    expect(JSON.parse(refused.stdout).blocklists[0].status).toBe("refused");
  });

  it("the text report shows the hostile TXT inert", async () => {
    const { stdout } = await rdns(["check", BLOCKLIST_CASES.sbl, ...servers]);
    expect(stdout).toContain("zen.spamhaus.org: LISTED 127.0.0.2");
    expect(stdout).not.toContain("\u001b[31m");
    expect(stdout).not.toContain("\u202e");
  });

  it("a list without its test point is 'could not tell' in the text and the JSON, exit by the PTR", async () => {
    const zones = { DNSBL_ZONES: `bl.spamcop.net,${BROKEN_BLOCKLIST_ZONE}` };
    const text = await rdns(["check", BLOCKLIST_CASES.clean, ...servers], zones);
    expect(text.stdout).toContain("bl.spamcop.net: not listed");
    expect(text.stdout.replace(/\s+/g, " ")).toContain(
      `${BROKEN_BLOCKLIST_ZONE}: could not tell (its test point 127.0.0.2`,
    );
    expect(text.code).toBe(0);
    const json = await rdns(["check", BLOCKLIST_CASES.clean, ...servers, "--json"], zones);
    expect(JSON.parse(json.stdout).blocklists[1]).toMatchObject({
      zone: BROKEN_BLOCKLIST_ZONE,
      status: "error",
    });
  });

  it("SPAMHAUS_DQS_KEY never reaches stdout or stderr; DNSBL_ZONES=none asks nothing", async () => {
    const dqs = await rdns(["check", BLOCKLIST_CASES.sbl, ...servers, "--json"], {
      SPAMHAUS_DQS_KEY: LAB_DQS_KEY,
    });
    expect(JSON.parse(dqs.stdout).blocklists[0].codes).toEqual(["127.0.0.4"]);
    expect(dqs.stdout + dqs.stderr).not.toContain(LAB_DQS_KEY);
    const none = await rdns(["check", BLOCKLIST_CASES.sbl, ...servers, "--json"], { DNSBL_ZONES: "none" });
    expect(JSON.parse(none.stdout).blocklists).toEqual([]);
    expect(none.code).toBe(0);
  });
});

describe("rdns sweep and the lists", () => {
  const servers = ["--resolver", lab.resolver, "--authority", lab.authority];

  it("asks no list without --blocklists; with it, each address's lists, at the capped rate", async () => {
    const plain = await rdns(["sweep", "192.0.2.80/30", ...servers, "--format", "ndjson"]);
    const plainReports = plain.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(plainReports.map((report) => report.blocklists)).toEqual([[], [], [], []]);

    const listed = await rdns(["sweep", "192.0.2.80/30", ...servers, "--blocklists", "--format", "ndjson"]);
    expect(listed.stderr).toContain("at most 2 addresses a second");
    const reports = listed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const byIp = new Map(reports.map((report) => [report.ip, report.blocklists[0]?.status]));
    expect(byIp.get(BLOCKLIST_CASES.clean)).toBe("clean");
    expect(byIp.get(BLOCKLIST_CASES.sbl)).toBe("listed");
    expect(byIp.get(BLOCKLIST_CASES.css)).toBe("listed");
    expect(byIp.get(BLOCKLIST_CASES.xbl)).toBe("listed");
    // 4 addresses at 2 a second: the last check starts ~1.5 s after the first (the bucket holds
    // one token to begin with); without the cap they start within milliseconds of each other.
    const starts = reports.map((report) => Date.parse(report.checkedAt)).sort((a, b) => a - b);
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(1400);
    const plainStarts = plainReports.map((report) => Date.parse(report.checkedAt)).sort((a, b) => a - b);
    expect((plainStarts.at(-1) ?? 0) - (plainStarts[0] ?? 0)).toBeLessThan(1000);
    expect(listed.code).toBe(1);
  });
});

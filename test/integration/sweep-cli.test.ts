// `rdns sweep` (the built CLI) against the lab: each row's verdict and problem codes are those
// `rdns check --json` gives for the same address; exit codes; summary on stderr, nothing else
// there when stderr is not a terminal.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import type { CheckReport } from "../../src/check/types.js";
import { CASES, SWEEP_PASSES, SWEEP_V4_RANGE } from "../lab/zones.js";

const run = promisify(execFile);
const lab = inject("lab");

beforeAll(async () => {
  // `npm test` builds first; build here when the test runs alone.
  if (!existsSync("dist/src/cli/sweep.js")) await run("npm", ["run", "-s", "build"]);
});

async function rdns(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", ["bin/rdns.js", ...args], {
      env: { ...process.env, RESOLVERS: "", AUTHORITIES: "" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const servers = () => [
  "--resolver",
  lab.resolver,
  "--authority",
  lab.authority,
  "--authority",
  lab.childAuthority,
];
const codes = (report: CheckReport) => [...new Set(report.problems.map((problem) => problem.code))].sort();

describe("rdns sweep (built CLI) against the lab", () => {
  it("gives every address the verdict and problems rdns check gives it", { timeout: 180_000 }, async () => {
    // 203.0.113.0-23: pass, NXDOMAIN, NODATA, broken pairs, two PTRs, CNAMEs, generic; .70/.71:
    // RFC 2317; 198.51.100.7: SERVFAIL; 2001:db8::10-11: IPv6 pass and no PTR.
    const targets = [
      "203.0.113.0/28",
      "203.0.113.16/29",
      "203.0.113.70/31",
      CASES.servfail,
      "2001:db8::10/127",
    ];
    const swept = await rdns(["sweep", ...targets, ...servers(), "--format", "ndjson"]);
    expect(swept.code, swept.stderr).toBe(1);
    const rows = swept.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as CheckReport);
    expect(rows).toHaveLength(16 + 8 + 2 + 1 + 2);
    // The summary, and nothing else, on stderr (not a terminal: no progress bar).
    expect(swept.stderr).toMatch(
      /^swept 29 addresses in [\d.]+ s \(\d+ checks\/s, \d+ DNS questions\): \d+ pass, \d+ fail, 1 inconclusive\nproblems: .*NO_PTR \d+.*\n$/,
    );
    const byIp = new Map(rows.map((row) => [row.ip, row]));
    for (const ip of [
      CASES.pass,
      CASES.brokenPair,
      CASES.multiplePtr,
      CASES.generic,
      CASES.rfc2317,
      CASES.ipv6Pass,
    ]) {
      expect(byIp.get(ip)?.ptr.names.length, `${ip} in ${[...byIp.keys()].join(" ")}`).toBeGreaterThan(0);
    }
    // Address by address, the same as rdns check: every address through the check the CLI runs
    // (runCheck, in this process), and the interesting ones through the built `rdns check`
    // itself (a process each, so a sample).
    const same = (row: CheckReport, single: CheckReport) =>
      expect({
        ip: row.ip,
        verdict: row.verdict,
        problems: codes(row),
        ptr: row.ptr,
        fcrdns: row.fcrdns,
      }).toEqual({
        ip: single.ip,
        verdict: single.verdict,
        problems: codes(single),
        ptr: single.ptr,
        fcrdns: single.fcrdns,
      });
    await Promise.all(
      [...byIp.values()].map(async (row) => {
        const single = await runCheck({
          ip: row.ip,
          resolvers: [lab.resolver],
          authorities: [lab.authority, lab.childAuthority],
          timeoutMs: 2000,
        });
        same(row, single);
      }),
    );
    const sample = [
      CASES.pass,
      CASES.brokenPair,
      CASES.multiplePtr,
      CASES.rfc2317,
      CASES.servfail,
      CASES.ipv6NoPtr,
    ];
    await Promise.all(
      sample.map(async (ip) => {
        const checked = await rdns(["check", ip, ...servers(), "--json"]);
        const single = JSON.parse(checked.stdout) as CheckReport;
        same(byIp.get(ip) as CheckReport, single);
        expect(checked.code).toBe({ pass: 0, fail: 1, inconclusive: 2 }[single.verdict]);
      }),
    );
    expect(byIp.get(CASES.pass)?.verdict).toBe("pass");
    expect(codes(byIp.get(CASES.nxdomain) as CheckReport)).toEqual(["NO_PTR"]);
    expect(codes(byIp.get(CASES.brokenPair) as CheckReport)).toContain("BROKEN_PAIR");
    expect(codes(byIp.get(CASES.generic) as CheckReport)).toContain("GENERIC_PTR");
    expect(byIp.get(CASES.servfail)?.verdict).toBe("inconclusive");
  });

  it("exit 0 when all pass, 2 when none fail but some are inconclusive", { timeout: 120_000 }, async () => {
    const passing = await rdns(["sweep", CASES.pass, CASES.reverseCname, CASES.ipv6Pass, ...servers()]);
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(
      /^IP +VERDICT +PTR +FCRDNS +PROBLEMS\n203\.0\.113\.10 +pass +mail\.example\.test +pass\n/,
    );
    const unsure = await rdns(["sweep", CASES.pass, CASES.servfail, ...servers(), "--format", "csv"]);
    expect(unsure.code, unsure.stderr).toBe(2);
    expect(unsure.stdout).toMatch(
      /198\.51\.100\.7,inconclusive,(servfail|refused|timeout),unknown,DNS_ERROR/,
    );
  });

  it("--only-failing prints only what does not pass; the summary still counts all", async () => {
    const { code, stdout, stderr } = await rdns([
      "sweep",
      "203.0.113.8/29",
      ...servers(),
      "--format",
      "csv",
      "--only-failing",
    ]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n").slice(1);
    expect(lines).toHaveLength(7);
    expect(lines.some((line) => line.startsWith("203.0.113.10,"))).toBe(false);
    expect(stderr).toMatch(/swept 8 addresses .*: 1 pass, 7 fail, 0 inconclusive/);
  });

  it("--threads 2 splits the addresses between threads and prints what one thread prints", {
    timeout: 120_000,
  }, async () => {
    const targets = ["203.0.113.0/28", "203.0.113.16/29", "2001:db8::10/127"];
    const summary = (stderr: string) =>
      stderr.replace(/ in [\d.]+ s \(\d+ checks\/s, \d+ DNS questions\)/, "");
    // The table: every row, in address order, whichever thread checked it.
    const one = await rdns(["sweep", ...targets, ...servers(), "--threads", "1"]);
    const two = await rdns(["sweep", ...targets, ...servers(), "--threads", "2"]);
    expect(two.code, two.stderr).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout.trimEnd().split("\n")).toHaveLength(1 + 16 + 8 + 2);
    expect(summary(two.stderr)).toBe(summary(one.stderr));
    // Streamed formats: the same rows (in the order checks finish), --only-failing applied.
    const csv = await rdns([
      "sweep",
      ...targets,
      ...servers(),
      "--threads",
      "2",
      "--format",
      "csv",
      "--only-failing",
    ]);
    const sorted = (text: string) => text.trimEnd().split("\n").slice(1).sort();
    const csvOne = await rdns(["sweep", ...targets, ...servers(), "--format", "csv", "--only-failing"]);
    expect(sorted(csv.stdout)).toEqual(sorted(csvOne.stdout));
    expect(csv.stdout.startsWith("ip,verdict,ptr,fcrdns,problems,owner_zone,owner_provider\n")).toBe(true);
    const ndjson = await rdns(["sweep", ...targets, ...servers(), "--threads", "2", "--format", "ndjson"]);
    const reports = ndjson.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as CheckReport);
    expect(reports.map((report) => report.ip).sort()).toEqual(
      one.stdout
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((line) => line.split(/ +/)[0])
        .sort(),
    );
  });
  it("--qps holds per server for the whole sweep when it is split between threads", {
    timeout: 60_000,
  }, async () => {
    // 64 addresses, one PTR each to the resolver and one PTR each to the authority (the zone's
    // SOA once per thread: authority-serial-cache.ts): 64 questions to each server. At 40 a
    // second that takes at least (64 - the bursts) / 40 s, about 1.5 s; threads that each took
    // the whole cap would finish in half that.
    const swept = await rdns([
      "sweep",
      "2001:db8::1:0/122",
      "--resolver",
      lab.resolver,
      "--authority",
      lab.authority,
      "--threads",
      "2",
      "--qps",
      "40",
      "--format",
      "csv",
    ]);
    const summary =
      /swept 64 addresses in ([\d.]+) s \(\d+ checks\/s, (\d+) DNS questions\): 0 pass, (\d+) fail, (\d+) inconclusive/.exec(
        swept.stderr,
      );
    expect(summary, swept.stderr).not.toBeNull();
    // The healthy lab has no PTR for any of them: every row is NO_PTR, none "could not tell".
    // Before the pacing wait left the questions' timeouts and the checks' deadlines alone, 24 of
    // the 64 came out DNS_ERROR here (the authority's PTR "timed out" in the sweep's own queue).
    expect([summary?.[3], summary?.[4]]).toEqual(["64", "0"]);
    expect(swept.stderr).not.toContain("DNS_ERROR");
    expect(swept.stdout).not.toContain("DNS_ERROR");
    // 128 PTRs, plus in each of the 2 threads the zone's SOA at the authority (once: the serial
    // and the owner's zone and contact, kept SERIAL_CACHE_SECONDS and shared by the checks under
    // way) and the owner's NS of the zone (src/check/sections/owner/zone.ts); at most one of
    // each per group of sibling addresses under way together (the reverse name's parent: 4
    // groups of 16 here), in each thread. It was 192 and more: an SOA beside every PTR.
    const questions = Number(summary?.[2]);
    expect(questions).toBeGreaterThanOrEqual(128 + 2 * 2);
    expect(questions).toBeLessThanOrEqual(128 + 2 * 4 * 2);
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(1.3);
  });

  it("--qps in one thread: every address checked, none DNS_ERROR, at the pace asked", {
    timeout: 60_000,
  }, async () => {
    // The parent and the RFC 2317 child listed together, as the first test: 64 addresses of the
    // cases' zone, each its resolver PTR (and forward lookups), and a PTR at both authorities.
    const paced = await rdns(["sweep", "203.0.113.0/26", ...servers(), "--qps", "40", "--format", "csv"]);
    const free = await rdns(["sweep", "203.0.113.0/26", ...servers(), "--format", "csv"]);
    // The same verdicts, PTRs and problems as unpaced: the lab's own "could not tell" cases
    // (198.51.100.7 is not in the range; the CNAME loops at .30/.31 are), and no more. (The owner
    // columns are left out: for a CNAME loop they depend on whether a sibling found the zone first.)
    const verdicts = (csv: string) =>
      csv
        .trimEnd()
        .split("\n")
        .map((row) => row.split(",").slice(0, 5).join(","));
    expect(verdicts(paced.stdout)).toEqual(verdicts(free.stdout));
    expect(verdicts(paced.stdout)).toHaveLength(65);
    const seconds = Number(/swept 64 addresses in ([\d.]+) s/.exec(paced.stderr)?.[1]);
    const questions = Number(/(\d+) DNS questions/.exec(paced.stderr)?.[1]);
    // Two authorities take a PTR each per address: at least (64 - a burst) / 40 s.
    expect(questions).toBeGreaterThan(128);
    expect(seconds).toBeGreaterThanOrEqual(1.5);
  });

  it("sweeps the lab's IPv4 /20: each generated zone's .1 passes, the rest of it has no PTR", {
    timeout: 120_000,
  }, async () => {
    const swept = await rdns(["sweep", SWEEP_V4_RANGE, ...servers(), "--format", "csv"]);
    expect(swept.code, swept.stderr).toBe(1);
    const rows = new Map(
      swept.stdout
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((row) => [row.split(",")[0] ?? "", row] as const),
    );
    expect(rows.size).toBe(4096);
    expect(swept.stderr).toMatch(/^swept 4096 addresses in /);
    for (const ip of SWEEP_PASSES)
      expect(rows.get(ip)).toMatch(
        /^[\d.]+,pass,mta\.sweep\d+\.example\.test,pass,,\d+\.0\.203\.in-addr\.arpa,$/,
      );
    for (const ip of ["203.0.112.0", "203.0.112.2", "203.0.120.77", "203.0.127.255"])
      expect(rows.get(ip)).toMatch(/^[\d.]+,fail,nxdomain,.*NO_PTR/);
    // The cases' zone inside the /20 answers as it does alone.
    expect(rows.get(CASES.pass)).toMatch(/,pass,mail\.example\.test,pass,/);
    expect(rows.get(CASES.brokenPair)).toMatch(/,fail,.*BROKEN_PAIR/);
    // Same as rdns check, on a sample from the generated zones.
    for (const ip of [SWEEP_PASSES[0] ?? "", "203.0.127.1", "203.0.114.9"]) {
      const single = await runCheck({
        ip,
        resolvers: [lab.resolver],
        authorities: [lab.authority, lab.childAuthority],
        timeoutMs: 2000,
      });
      expect(rows.get(ip)?.split(",")[1]).toBe(single.verdict);
    }
  });
});

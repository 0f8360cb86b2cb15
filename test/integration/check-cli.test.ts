// The built CLI (`node bin/rdns.js check ...`) against the lab: JSON on stdout, exit codes.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { connectLab } from "../lab/lab.js";
import { CASES, HELOS } from "../lab/zones.js";

const run = promisify(execFile);
const lab = inject("lab");

beforeAll(async () => {
  // `npm test` builds first; build here when the test runs alone.
  if (!existsSync("dist/src/cli/main.js")) await run("npm", ["run", "-s", "build"]);
});

async function rdns(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", ["bin/rdns.js", ...args], {
      env: { ...process.env, RESOLVERS: "", AUTHORITIES: "" },
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

describe("rdns check (built CLI) against the lab", () => {
  it("exit 0 and one JSON object for a pass", async () => {
    const { code, stdout } = await rdns(["check", CASES.pass, "--helo", HELOS.equal, ...servers(), "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      ip: CASES.pass,
      reverseName: "10.113.0.203.in-addr.arpa",
      verdict: "pass",
      ptr: { status: "found", names: ["mail.example.test"] },
      fcrdns: "pass",
      helo: { name: "mail.example.test", fqdn: true, resolvesToIp: true, matchesPtr: true },
      resolvers: [{ server: lab.resolver, status: "found" }],
      authority: { status: "found", names: ["mail.example.test"] },
      negativeCache: null,
      problems: [],
    });
    expect(Object.keys(report.receivers).sort()).toEqual(["gmail", "microsoft", "yahoo"]);
  });

  it("exit 1 for NXDOMAIN, with NO_PTR and the negative cache", async () => {
    const { code, stdout } = await rdns(["check", CASES.nxdomain, ...servers(), "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      verdict: "fail",
      ptr: { status: "nxdomain" },
      fcrdns: "unknown",
      negativeCache: { ttl: 3 },
    });
    expect(report.problems.map((p: { code: string }) => p.code)).toEqual(["NO_PTR"]);
    expect(report.receivers.gmail).toMatchObject({ outcome: "reject" });
    expect(report.receivers.gmail.bounce).toMatch(/^550-5\.7\.25/);
  });

  it("exit 2 when the resolver never answers: inconclusive, DNS_ERROR, never NO_PTR", async () => {
    const { code, stdout } = await rdns([
      "check",
      CASES.nxdomain,
      "--resolver",
      lab.dead,
      "--authority",
      lab.dead,
      "--timeout",
      "300",
      "--json",
    ]);
    expect(code).toBe(2);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ verdict: "inconclusive", ptr: { status: "timeout" } });
    const problemCodes = report.problems.map((p: { code: string }) => p.code);
    expect(problemCodes).toContain("DNS_ERROR");
    expect(problemCodes).not.toContain("NO_PTR");
  });

  it("exit 2, DNS_ERROR and never NO_PTR when a server address cannot be reached (not exit 70)", async () => {
    // [fe80::1] without an interface: connect() fails with EINVAL. The IPv6 documentation
    // address as authority: no route, or a timeout where a default route exists.
    for (const extra of [[], ["--authority", "[2001:db8::53]:53"]]) {
      const { code, stdout, stderr } = await rdns([
        "check",
        CASES.nxdomain,
        "--resolver",
        "[fe80::1]:53",
        ...extra,
        "--helo",
        HELOS.equal,
        "--timeout",
        "300",
        "--json",
      ]);
      expect(stderr).not.toMatch(/internal error/);
      expect(code).toBe(2);
      const report = JSON.parse(stdout);
      expect(report.verdict).toBe("inconclusive");
      expect(report.resolvers[0]).toMatchObject({ server: "[fe80::1]:53", status: "refused" });
      expect(report.resolvers[0].error).toMatch(/cannot be reached from this host/);
      const problemCodes = report.problems.map((p: { code: string }) => p.code);
      expect(problemCodes).toContain("DNS_ERROR");
      expect(problemCodes).not.toContain("NO_PTR");
    }
  });

  it("exit 2 for SERVFAIL from the resolver and a dead authority", async () => {
    const { code, stdout } = await rdns([
      "check",
      CASES.servfail,
      "--resolver",
      lab.resolver,
      "--authority",
      lab.dead,
      "--timeout",
      "1500",
      "--json",
    ]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).resolvers[0].status).toBe("servfail");
  });

  it("prints the human report: verdict first", async () => {
    const { code, stdout } = await rdns(["check", CASES.brokenPair, ...servers()]);
    expect(code).toBe(1);
    expect(stdout.split("\n")[0]).toMatch(/^FAIL/);
    expect(stdout).toContain("broken.example.test");
    expect(stdout).toContain("BROKEN_PAIR");
  });

  it("uses RESOLVERS and AUTHORITIES from the environment when no flag is given", async () => {
    const { stdout } = await run("node", ["bin/rdns.js", "check", CASES.ipv6Pass, "--json"], {
      env: { ...process.env, RESOLVERS: lab.resolver, AUTHORITIES: lab.authority },
    });
    expect(JSON.parse(stdout)).toMatchObject({
      verdict: "pass",
      family: 6,
      resolvers: [{ server: lab.resolver }],
    });
  });
});

/** The report without what differs between two runs (timings, the clock, cache TTLs counting down). */
function stable(report: Record<string, unknown>): string {
  return JSON.stringify(report, (key, value) =>
    ["checkedAt", "durationMs", "rttMs", "ttl", "negativeTtlRemaining"].includes(key) ? undefined : value,
  );
}

describe("rdns check <host-name> (built CLI) against the lab", () => {
  // Names only this file uses: one with a broken-pair A and a passing AAAA.
  const TWO = "cli-two.example.test";
  beforeAll(async () => {
    const control = connectLab(lab);
    await control.setRecord(TWO, "A", CASES.brokenPair, { replace: true });
    await control.setRecord(TWO, "AAAA", CASES.ipv6Pass, { replace: true });
  });

  it("one address: the same single JSON object as `rdns check <ip> --helo <name>`", async () => {
    const byName = await rdns(["check", "mail.example.test", ...servers(), "--json"]);
    const byIp = await rdns(["check", CASES.pass, "--helo", "mail.example.test", ...servers(), "--json"]);
    expect(byName.code).toBe(0);
    expect(byName.stdout.startsWith('{\n  "ip": "203.0.113.10",\n')).toBe(true);
    expect(stable(JSON.parse(byName.stdout))).toBe(stable(JSON.parse(byIp.stdout)));
    expect(JSON.parse(byName.stdout).helo).toMatchObject({ name: "mail.example.test", matchesPtr: true });
  });

  it("text: says the name is used as HELO, a line per address, then each report", async () => {
    const { code, stdout } = await rdns(["check", "mail.example.test", ...servers()]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe(
      "mail.example.test has 1 address (203.0.113.10); checking it with the name as HELO (no --helo given)",
    );
    expect(stdout).toContain(
      "== 203.0.113.10 (mail.example.test, HELO mail.example.test) ==\nPASS: 203.0.113.10",
    );
  });

  it("several addresses: NDJSON, one report per address, exit the worst (fail)", async () => {
    const { code, stdout } = await rdns(["check", TWO, ...servers(), "--json"]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const reports = lines.map((line) => JSON.parse(line));
    expect(reports.map((r) => [r.ip, r.verdict, r.helo.name])).toEqual([
      [CASES.brokenPair, "fail", TWO],
      [CASES.ipv6Pass, "pass", TWO],
    ]);
    const text = await rdns(["check", TWO, "--helo", HELOS.equal, ...servers()]);
    expect(text.code).toBe(1);
    expect(text.stdout.split("\n")[0]).toBe(
      `${TWO} has 2 addresses (${CASES.brokenPair}, ${CASES.ipv6Pass}); checking each with HELO ${HELOS.equal}`,
    );
    expect(text.stdout).toContain(`== ${CASES.brokenPair} (${TWO}, HELO ${HELOS.equal}) ==\nFAIL`);
    expect(text.stdout).toContain(`== ${CASES.ipv6Pass} (${TWO}, HELO ${HELOS.equal}) ==\n`);
  });

  it.each([
    ["NXDOMAIN", "nothere.example.test", /nothere\.example\.test does not exist \(NXDOMAIN\)/],
    ["NODATA", "txtonly.example.test", /txtonly\.example\.test has no A or AAAA record \(NODATA\)/],
  ])("a name with no address (%s): one line, exit 1", async (_case, name, expected) => {
    const { code, stdout, stderr } = await rdns(["check", name, ...servers(), "--json"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(expected);
  });

  it("a DNS failure resolving the name: one line, exit 2, never 'no address'", async () => {
    const { code, stdout, stderr } = await rdns([
      "check",
      "mail.example.test",
      "--resolver",
      lab.dead,
      "--timeout",
      "300",
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /could not resolve mail\.example\.test: A timeout .*a DNS failure, not "no address"/,
    );
  });

  it("a single label is bad usage (exit 64, one line)", async () => {
    const { code, stderr } = await rdns(["check", "mailserver", ...servers()]);
    expect(code).toBe(64);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/single label/);
  });
});

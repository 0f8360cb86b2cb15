// Issue 26 item 4: the built CLI (`node bin/rdns.js dmarc ...`) on reports as providers send them,
// and `--check` against the lab: each source IP's verdict, the volume from failing addresses, exit
// codes (0 all pass, 1 any fail, 2 only inconclusive, 1 no report, 64 refused input).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BLOCKLIST_CASES, CASES } from "../lab/zones.js";

const run = promisify(execFile);
const lab = inject("lab");
const fixtures = join(import.meta.dirname, "..", "fixtures", "dmarc");
const work = mkdtempSync(join(tmpdir(), "rdns-dmarc-"));

beforeAll(async () => {
  if (!existsSync("dist/src/cli/main.js")) await run("npm", ["run", "-s", "build"]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function rdns(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", ["bin/rdns.js", "dmarc", ...args], {
      env: { ...process.env, RESOLVERS: "", AUTHORITIES: "", ...env },
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
const rows = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));

function file(name: string, bytes: Uint8Array): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

function report(records: [string, number][]): string {
  const body = records
    .map(
      ([ip, count]) =>
        `<record><row><source_ip>${ip}</source_ip><count>${count}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record>`,
    )
    .join("");
  return `<?xml version="1.0"?><feedback><report_metadata><org_name>lab</org_name></report_metadata>${body}</feedback>`;
}

describe("rdns dmarc (built CLI)", () => {
  it("reads a zip and a gzip together into one table by volume; exit 0", async () => {
    const zip = file(
      "google.zip",
      zipSync({ "google.xml": new Uint8Array(readFileSync(join(fixtures, "google.xml"))) }),
    );
    const gz = file("yahoo.xml.gz", gzipSync(readFileSync(join(fixtures, "yahoo.xml"))));
    const { code, stdout } = await rdns(["--json", zip, gz]);
    expect(code).toBe(0);
    expect(rows(stdout).map((row) => [row.ip, row.count])).toEqual([
      ["203.0.113.10", 1507],
      ["203.0.113.11", 43],
      ["2001:db8::10", 25],
    ]);
    const table = await rdns([zip, gz]);
    expect(table.stdout).toMatch(/^IP\s+COUNT\s+SPF\s+DKIM\s+DISPOSITION\s+HEADER FROM/);
    expect(table.stdout).toContain("1575 messages from 3 source IPs in 2 reports (google.com, Yahoo)");
  });

  it("--check: verdict and problems per IP, the failing volume named, exit 1", async () => {
    const path = join(fixtures, "google.xml");
    const { code, stdout } = await rdns(["--check", "--json", ...servers(), path]);
    expect(code).toBe(1);
    expect(rows(stdout).map((row) => [row.ip, row.verdict, row.problems])).toEqual([
      [CASES.pass, "pass", []],
      [CASES.nxdomain, "fail", ["NO_PTR"]],
      [CASES.ipv6Pass, "pass", []],
    ]);
    const text = await rdns(["--check", "--qps", "50", ...servers(), path]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      "40 messages (2.6%) were sent from 1 address that fail reverse DNS: 203.0.113.11 (40)",
    );
  });

  it("--check: exit 0 when every source passes, 2 when one could not be checked", async () => {
    const pass = file(
      "pass.xml",
      Buffer.from(
        report([
          [CASES.pass, 5],
          [CASES.ipv6Pass, 2],
        ]),
      ),
    );
    expect((await rdns(["--check", ...servers(), pass])).code).toBe(0);
    const unsure = file(
      "unsure.xml",
      Buffer.from(
        report([
          [CASES.pass, 5],
          [CASES.servfail, 9],
        ]),
      ),
    );
    const { code, stdout } = await rdns(["--check", "--json", ...servers(), unsure]);
    expect(code).toBe(2);
    expect(rows(stdout)[0]).toMatchObject({ ip: CASES.servfail, count: 9, verdict: "inconclusive" });
  });

  it("--check --qps: a report's 64 addresses paced as rdns sweep paces them, every one NO_PTR, none DNS_ERROR", {
    timeout: 60_000,
  }, async () => {
    // The sweep --qps case (sweep-cli.test.ts) as a report's sources: 64 addresses of
    // 2001:db8::1:0/122, which the healthy lab gives no PTR, each asking the resolver and the
    // authority a PTR. Paced as a sweep is (src/check/sweep.ts: whole addresses let in at the
    // pace, each authority's zone SOA kept SERIAL_CACHE_SECONDS), no question waits out its
    // timeout in the check's own queue: every row is a real answer, NO_PTR.
    const addresses = Array.from({ length: 64 }, (_, i) => `2001:db8::1:${i.toString(16)}`);
    const paced = file("paced.xml", Buffer.from(report(addresses.map((ip, i) => [ip, 200 - i]))));
    const started = performance.now();
    const { code, stdout, stderr } = await rdns(
      [
        "--check",
        "--json",
        "--qps",
        "40",
        "--resolver",
        lab.resolver,
        "--authority",
        lab.authority,
        "--timeout",
        "1000",
        paced,
      ],
      // The questions `rdns sweep` asks (no blocklists without --blocklists, no RDAP), so the two
      // differ only in how they pace them.
      { DNSBL_ZONES: "none", RDAP: "off" },
    );
    const seconds = (performance.now() - started) / 1000;
    expect(code, stderr).toBe(1);
    const checked = rows(stdout);
    expect(checked.map((row) => row.ip)).toEqual(addresses);
    expect(checked.filter((row) => row.problems.includes("DNS_ERROR")).map((row) => row.ip)).toEqual([]);
    expect(new Set(checked.map((row) => `${row.verdict} ${row.problems.join(",")}`))).toEqual(
      new Set(["fail NO_PTR"]),
    );
    // At the pace asked: 64 PTRs to each server at 40 a second, less the first burst.
    expect(seconds).toBeGreaterThanOrEqual(1.3);
    // And no slower than `rdns sweep` of the same addresses at the same pace, measured in this
    // run: with an SOA beside every PTR the authority had twice the questions to pace.
    const sweepStarted = performance.now();
    const swept = await run(
      "node",
      [
        "bin/rdns.js",
        "sweep",
        "2001:db8::1:0/122",
        "--qps",
        "40",
        "--resolver",
        lab.resolver,
        "--authority",
        lab.authority,
        "--timeout",
        "1000",
        "--format",
        "csv",
      ],
      { env: { ...process.env, RESOLVERS: "", AUTHORITIES: "" } },
    ).catch((err: { stderr: string }) => err);
    const sweepSeconds = (performance.now() - sweepStarted) / 1000;
    expect(swept.stderr).toMatch(/swept 64 addresses/);
    console.log(
      `[measure] dmarc --check --qps 40: ${seconds.toFixed(2)} s; sweep: ${sweepSeconds.toFixed(2)} s`,
    );
    expect(seconds / sweepSeconds).toBeLessThan(1.5);
  });

  it("--check asks the blocklists only with --blocklists, then at 2 addresses a second", async () => {
    // A report's thousands of sources at DNS pace would spend a list's daily allowance (the
    // sweep's rule, src/cli/sweep-checks.ts BLOCKLIST_SWEEP_RATE).
    const sources = file(
      "listed.xml",
      Buffer.from(
        report([
          [BLOCKLIST_CASES.xbl, 30],
          [BLOCKLIST_CASES.clean, 20],
          [BLOCKLIST_CASES.css, 10],
        ]),
      ),
    );
    const args = ["--check", "--json", "--resolver", lab.resolver, "--authority", lab.authority, sources];
    const env = { DNSBL_ZONES: "", RDAP: "off" };
    const without = await rdns(args, env);
    expect(rows(without.stdout).flatMap((row) => row.problems)).not.toContain("LISTED");
    const started = performance.now();
    const withLists = await rdns(["--blocklists", ...args], env);
    const seconds = (performance.now() - started) / 1000;
    expect(withLists.code, withLists.stderr).toBe(1);
    const byIp = new Map(rows(withLists.stdout).map((row) => [row.ip, row.problems]));
    expect(byIp.get(BLOCKLIST_CASES.xbl)).toContain("LISTED");
    expect(byIp.get(BLOCKLIST_CASES.css)).toContain("LISTED");
    expect(byIp.get(BLOCKLIST_CASES.clean)).not.toContain("LISTED");
    // Three addresses at 2 a second: the third starts a second after the first.
    expect(seconds).toBeGreaterThanOrEqual(1);
  });

  it("exit 1 when no input holds a report; 64 with one line for refused input and bad usage", async () => {
    const text = file("notes.txt", Buffer.from("just some notes\n"));
    const none = await rdns([text]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no DMARC aggregate report/);
    const bomb = file("bomb.xml.gz", gzipSync(new Uint8Array(51 * 1024 * 1024), { level: 1 }));
    const doctype = file(
      "doctype.xml",
      Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><feedback>&a;</feedback>'),
    );
    for (const [path, reason] of [
      [bomb, /more than 50 MiB/],
      [doctype, /DOCTYPE/],
    ] as const) {
      const { code, stdout, stderr } = await rdns([path]);
      expect(code).toBe(64);
      expect(stdout).toBe("");
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(reason);
    }
    for (const args of [[], ["--qps", "x", text], ["--nope", text]]) {
      const { code, stderr } = await rdns(args);
      expect(code).toBe(64);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

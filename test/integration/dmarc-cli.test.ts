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
import { CASES } from "../lab/zones.js";

const run = promisify(execFile);
const lab = inject("lab");
const fixtures = join(import.meta.dirname, "..", "fixtures", "dmarc");
const work = mkdtempSync(join(tmpdir(), "rdns-dmarc-"));

beforeAll(async () => {
  if (!existsSync("dist/src/cli/main.js")) await run("npm", ["run", "-s", "build"]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function rdns(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", ["bin/rdns.js", "dmarc", ...args], {
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

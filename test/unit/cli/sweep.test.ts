// `rdns sweep`: bad usage gets exit 64 and one line without asking DNS; the rows and summary
// formats; non-public addresses (no DNS) run end to end through the command.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../../src/check/types.js";
import { runSweepCommand } from "../../../src/cli/sweep.js";
import { csvLine, renderTable, SweepTally, toRow } from "../../../src/cli/sweep-output.js";
import { partOf, shareOf, threadsFor } from "../../../src/cli/sweep-threads.js";

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function run(argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  // A resolver that could never answer: bad usage must be refused before any DNS is asked.
  const code = await runSweepCommand([...argv, "--resolver", "192.0.2.1:1", "--timeout", "100"], {
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("rdns sweep: bad usage", () => {
  it.each([
    ["no target", [], /no address or range given/],
    ["a range too large", ["10.0.0.0/8"], /too large: at most a \/16/],
    ["an IPv6 range too large", ["2001:db8::/64"], /at most a \/112/],
    ["a host name", ["mail.example.com"], /not an IP address or range/],
    ["a good and a bad target", ["203.0.113.0/24", "203.0.113.0/40"], /bad prefix length/],
    ["a bad format", ["203.0.113.5", "--format", "xml"], /--format is one of table, csv, ndjson/],
    ["a bad concurrency", ["203.0.113.5", "--concurrency", "0"], /--concurrency takes a whole number/],
    ["a bad qps", ["203.0.113.5", "--qps", "fast"], /--qps takes a whole number/],
    ["no threads", ["203.0.113.5", "--threads", "0"], /--threads takes a whole number from 1 to 16/],
    ["too many threads", ["203.0.113.5", "--threads", "17"], /--threads takes a whole number from 1 to 16/],
    ["an unknown flag", ["203.0.113.5", "--frobnicate"], /Unknown option/],
    ["a bad authority", ["203.0.113.5", "--authority", "ns.example"], /not a DNS server address/],
  ])("%s: exit 64 and one line", async (_label, argv, reason) => {
    const { code, stderr, stdout } = await run(argv as string[]);
    expect(code).toBe(64);
    expect(stdout).toBe("");
    expect(stderr).toMatch(reason);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("--help prints the usage and exits 0", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/usage: rdns sweep/);
  });
});

describe("rdns sweep over addresses that need no DNS", () => {
  it("a private /28: every row fails NOT_PUBLIC, a two-line summary, exit 1", async () => {
    const { code, stdout, stderr } = await run(["10.9.8.0/28", "--format", "csv"]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("ip,verdict,ptr,fcrdns,problems,owner_zone,owner_provider");
    expect(lines.slice(1).sort()).toEqual(
      Array.from({ length: 16 }, (_, i) => `10.9.8.${i},fail,skipped,unknown,NOT_PUBLIC,,`).sort(),
    );
    // Not a terminal: no progress bar, only the summary.
    expect(stderr).toMatch(
      /^swept 16 addresses in [\d.]+ s \(\d+ checks\/s, 0 DNS questions\): 0 pass, 16 fail, 0 inconclusive\nproblems: NOT_PUBLIC 16\n$/,
    );
  });

  it("ndjson is one CheckReport per line; --only-failing keeps failing rows", async () => {
    const { stdout } = await run(["192.168.1.1", "192.168.1.2", "--format", "ndjson", "--only-failing"]);
    const reports = stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as CheckReport);
    expect(reports.map((report) => report.ip).sort()).toEqual(["192.168.1.1", "192.168.1.2"]);
    expect(reports[0]).toMatchObject({
      verdict: "fail",
      ptr: { status: "skipped" },
      problems: [{ code: "NOT_PUBLIC" }],
    });
  });
});

const report = (ip: string, verdict: CheckReport["verdict"], names: string[], codes: string[]) =>
  ({
    ip,
    verdict,
    ptr: { status: names.length > 0 ? "found" : "nxdomain", names },
    fcrdns: names.length > 0 ? "pass" : "unknown",
    problems: codes.map((code) => ({ code, severity: "error", message: "", fix: "" })),
  }) as unknown as CheckReport;

describe("sweep output", () => {
  it("csv quotes what needs quoting (RFC 4180)", () => {
    const row = toRow(report("203.0.113.5", "pass", ['odd,"name".test'], []), 0);
    expect(csvLine(row)).toBe('203.0.113.5,pass,"odd,""name"".test",pass,,,\n');
  });

  it("the table is aligned and in address order whatever order checks finished in", () => {
    const rows = [
      toRow(report("203.0.113.11", "fail", [], ["NO_PTR"]), 1),
      toRow(report("203.0.113.10", "pass", ["mail.example.test"], []), 0),
    ];
    expect(renderTable(rows)).toBe(
      "IP            VERDICT  PTR                FCRDNS   PROBLEMS\n" +
        "203.0.113.10  pass     mail.example.test  pass\n" +
        "203.0.113.11  fail     nxdomain           unknown  NO_PTR\n",
    );
  });

  it("the tally counts verdicts, and each problem code once per address", () => {
    const tally = new SweepTally();
    tally.add(report("203.0.113.10", "pass", ["a.test", "b.test"], ["MULTIPLE_PTR"]));
    tally.add(report("203.0.113.11", "fail", [], ["NO_PTR", "NO_PTR"]));
    tally.add(report("203.0.113.12", "inconclusive", [], ["DNS_ERROR"]));
    expect(tally.render(2, 9)).toBe(
      "swept 3 addresses in 2.00 s (2 checks/s, 9 DNS questions): 1 pass, 1 fail, 1 inconclusive\n" +
        "problems: DNS_ERROR 1, MULTIPLE_PTR 1, NO_PTR 1\n",
    );
  });
});

describe("rdns sweep: splitting between threads", () => {
  it("threadsFor: --threads as given (at most one per address), else 1", () => {
    expect(threadsFor(65_536, null)).toBe(1);
    expect(threadsFor(65_536, 4)).toBe(4);
    expect(threadsFor(3, 8)).toBe(3);
  });

  it("shareOf: the threads' shares of a limit add up to it exactly", () => {
    for (const [total, parts] of [
      [500, 2],
      [7, 3],
      [3, 3],
      [1_000_001, 16],
    ] as const) {
      const shares = Array.from({ length: parts }, (_, part) => shareOf(total, part, parts));
      expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      expect(Math.min(...shares)).toBeGreaterThanOrEqual(1);
    }
  });

  it("partOf: the parts together are every item once", () => {
    const items = Array.from({ length: 11 }, (_, index) => index);
    const parts = [0, 1, 2].map((part) => [...partOf(items, part, 3)]);
    expect(parts).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 10],
      [2, 5, 8],
    ]);
  });
});

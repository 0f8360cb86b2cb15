// Bad input to `rdns check` gets exit 64 and exactly one line on stderr, without asking DNS.
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCheckCommand } from "../../../src/cli/check.js";

afterEach(() => {
  vi.restoreAllMocks();
});

async function run(argv: string[]) {
  const stderr: string[] = [];
  const stdout: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  // A resolver that could never answer: bad input must be refused before any DNS is asked.
  const extra = argv.includes("--timeout") ? [] : ["--timeout", "100"];
  const code = await runCheckCommand([...argv, "--resolver", "192.0.2.1:1", ...extra]);
  return { code, stderr: stderr.join(""), stdout: stdout.join("") };
}

describe("rdns check: bad input", () => {
  it.each([
    ["an invalid address", ["203.0.113.300"], /not an IP address/],
    ["a single-label name", ["mailserver"], /is a single label, not a full host name/],
    ["an empty argument", [""], /no IP address given/],
    ["a very long argument", ["1".repeat(10_000)], /too long/],
    ["no argument", [], /no IP address given/],
    ["two addresses", ["203.0.113.5", "203.0.113.6"], /one IP address per check/],
    ["an unknown flag", ["203.0.113.5", "--frobnicate"], /Unknown option/],
    ["a bad timeout", ["203.0.113.5", "--timeout", "soon"], /--timeout takes milliseconds/],
    ["a bad deadline", ["203.0.113.5", "--deadline", "50"], /--deadline takes milliseconds between 100/],
    ["a bad resolver", ["203.0.113.5", "--resolver", "dns.google"], /not a DNS server address/],
    ["a bad port", ["203.0.113.5", "--authority", "127.0.0.1:99999"], /bad port/],
    ["an IPv6 zone id", ["fe80::1%eth0"], /zone ids \(%eth0\) are local to a host; give the address alone/],
  ])("%s: exit 64 and one line", async (_label, argv, reason) => {
    const { code, stderr, stdout } = await run(argv);
    expect(code).toBe(64);
    expect(stderr).toMatch(reason);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr.length).toBeLessThan(300);
    expect(stdout).toBe("");
  });

  it("--help prints the usage and exits 0", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: rdns check <ip|host-name>/);
  });

  it("takes an SMTP address literal as the address it holds", async () => {
    // A non-public one: answered without DNS, so the literal's parsing is all that is tested.
    const { code, stdout } = await run(["[IPv6:fd00::25]", "--json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ip: "fd00::25", problems: [{ code: "NOT_PUBLIC" }] });
  });

  it("a non-public address fails (exit 1) without DNS, with JSON on stdout", async () => {
    const { code, stdout } = await run(["192.168.1.10", "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      verdict: "fail",
      ptr: { status: "skipped" },
      problems: [{ code: "NOT_PUBLIC" }],
    });
  });
});

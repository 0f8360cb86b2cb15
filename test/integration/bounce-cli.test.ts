// `rdns bounce` as built (bin/rdns.js -> dist/): exit codes, NDJSON and human output. `npm test`
// builds first (scripts/test.sh); when dist/ is missing the build runs here.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildUnlessBuilt, ROOT, runBuiltCli } from "../support/built-cli.js";

const fixtures = join(ROOT, "test", "fixtures", "bounces");

function rdns(args: string[], input?: string) {
  return runBuiltCli(["bounce", ...args], input, 30_000);
}

describe("rdns bounce (built CLI)", () => {
  beforeAll(buildUnlessBuilt, 120_000);

  it("prints one JSON object for a one-bounce file and exits 0", () => {
    const { code, stdout } = rdns(["--json", join(fixtures, "gmail-5.7.25-wrapped.eml")]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      file: join(fixtures, "gmail-5.7.25-wrapped.eml"),
      ip: "203.0.113.5",
      helo: null,
      receiver: "gmail",
      smtpCode: 550,
      enhancedCode: "5.7.25",
      category: "rdns",
      rdnsRelated: true,
      truncated: false,
    });
  });

  it("gives NDJSON, one object per input with every failure in findings, for several files", () => {
    const files = ["two-recipients.eml", "yahoo-tss04.txt", "microsoft-5.7.606-banned.txt"].map((name) =>
      join(fixtures, name),
    );
    const { code, stdout } = rdns(["--json", ...files]);
    expect(code).toBe(0);
    const objects = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown> & { findings: Record<string, unknown>[] });
    expect(objects.map((object) => [object.file, object.ip, object.category, object.recognised])).toEqual([
      [files[0], "198.51.100.40", "rdns", true],
      [files[1], "203.0.113.77", "ratelimit", true],
      [files[2], "192.0.2.44", "blocklist", true],
    ]);
    expect(objects[0]?.findings.map((finding) => [finding.ip, finding.category])).toEqual([
      ["198.51.100.40", "rdns"],
      [null, "mailbox"],
    ]);
  });

  it("still prints one object for an input that holds no bounce, saying so", () => {
    const { code, stdout } = rdns(["--json", "-"], "hello, the newsletter went out at 10:00\n");
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      file: "-",
      ip: null,
      receiver: "unknown",
      category: null,
      rdnsRelated: false,
      recognised: false,
      findings: [],
    });
  });

  it("reads stdin (no file, or -) and exits 1 when the text holds no bounce", () => {
    const none = rdns([], "hello, the newsletter went out at 10:00\n");
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("No bounce found");
    const dash = rdns(
      ["--json", "-"],
      "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.77]\n",
    );
    expect(dash.code).toBe(0);
    expect(JSON.parse(dash.stdout)).toMatchObject({ file: "-", ip: "192.0.2.77", rdnsRelated: true });
  });

  it("renders plain text that says whether reverse DNS is the cause", () => {
    const { code, stdout } = rdns([join(fixtures, "slack-mangled.txt")]);
    expect(code).toBe(0);
    expect(stdout).toContain("reverse DNS is the cause");
    expect(stdout).toContain("refused address: 203.0.113.5");
    expect(stdout).toContain("next: rdns check 203.0.113.5");
  });

  it("says the input was cut when it is over 256 KB", () => {
    const { code, stdout } = rdns(
      ["--json"],
      `550 5.7.1 Fix reverse DNS for 192.0.2.9\n${"x".repeat(300_000)}`,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ip: "192.0.2.9", truncated: true });
    expect(rdns([], `550 5.7.1 Fix reverse DNS for 192.0.2.9\n${"x".repeat(300_000)}`).stdout).toContain(
      "only its first 256 KB",
    );
  });

  it("answers bad usage with one line and exit 64", () => {
    const unknown = rdns(["--frobnicate"]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const missing = rdns([join(fixtures, "no-such-file.eml")]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/^rdns bounce: cannot read .*no-such-file\.eml: ENOENT/);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });
});

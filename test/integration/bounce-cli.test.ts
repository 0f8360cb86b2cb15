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
      [files[1], "203.0.113.77", "reputation", true],
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

  it("says the input was cut when it is over BOUNCE_MAX_BYTES (256 KB here)", () => {
    const input = `550 5.7.1 Fix reverse DNS for 192.0.2.9\n${"x".repeat(300_000)}`;
    const saved = process.env.BOUNCE_MAX_BYTES;
    process.env.BOUNCE_MAX_BYTES = String(256 * 1024);
    try {
      const { code, stdout } = rdns(["--json"], input);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ ip: "192.0.2.9", truncated: true });
      expect(rdns([], input).stdout).toContain("only its first 256 KB");
    } finally {
      if (saved === undefined) delete process.env.BOUNCE_MAX_BYTES;
      else process.env.BOUNCE_MAX_BYTES = saved;
    }
  });

  it("reads a 5 MB log with one bounce at its end under the default limit", () => {
    const filler =
      "Nov 30 10:00:01 mta1 postfix/smtp[1]: 1A: to=<a@example.org>, relay=mx.example.org[198.51.100.9]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n";
    const log = `${filler.repeat(Math.ceil((5 * 1024 * 1024) / filler.length))}Nov 30 10:00:02 mta1 postfix/smtp[1]: 2B: to=<b@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.102.27]:25, dsn=5.7.25, status=bounced (host gmail-smtp-in.l.google.com[142.250.102.27] said: 550-5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup (in reply to end of DATA command))\n`;
    const { code, stdout } = rdns(["--json"], log);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ip: "203.0.113.5", category: "rdns", truncated: false });
  });

  it("exits 1 for a text that holds no bounce (a question with dig output)", () => {
    const { code } = rdns([join(fixtures, "shapes", "not-dig-question.txt")]);
    expect(code).toBe(1);
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

// `rdns bounce --check` against the DNS lab (Knot + Unbound on loopback): the address read from
// the bounce is checked with the resolver and authority given, and the CheckReport lands in the
// NDJSON object's `check` field (or after the human rendering).
import { beforeAll, describe, expect, inject, it } from "vitest";
import { CASES } from "../lab/zones.js";
import { buildUnlessBuilt, runBuiltCli } from "../support/built-cli.js";

const lab = inject("lab");

function gmailBounce(ip: string): string {
  return [
    `550-5.7.25 [${ip}] The IP address sending this message does not have a`,
    "550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not",
    "550 5.7.25 point to the sending IP. - gsmtp",
    "",
  ].join("\n");
}

function rdnsBounce(args: string[], input: string) {
  const check = ["--check", "--resolver", lab.resolver, "--authority", lab.authority, "--timeout", "1500"];
  return runBuiltCli(["bounce", ...check, ...args], input, 45_000);
}

describe("rdns bounce --check", () => {
  beforeAll(buildUnlessBuilt, 120_000);

  it("checks the refused address and reports no PTR where the lab has none", () => {
    const { code, stdout, stderr } = rdnsBounce(["--json"], gmailBounce(CASES.nxdomain));
    // With --check the exit is the check's status: 1, the check failed (docs/cli.md).
    expect(code, stderr).toBe(1);
    const finding = JSON.parse(stdout) as {
      ip: string;
      check: { verdict: string; ptr: { status: string }; problems: { code: string }[] };
    };
    expect(finding.ip).toBe(CASES.nxdomain);
    expect(finding.check.verdict).toBe("fail");
    expect(finding.check.ptr.status).toBe("nxdomain");
    expect(finding.check.problems.map((problem) => problem.code)).toContain("NO_PTR");
  });

  it("reports a pass where the lab's PTR and A agree", () => {
    const { code, stdout } = rdnsBounce(["--json"], gmailBounce(CASES.pass));
    expect(code).toBe(0);
    const finding = JSON.parse(stdout) as { check: { verdict: string; ptr: { names: string[] } } };
    expect(finding.check.verdict).toBe("pass");
    expect(finding.check.ptr.names).toEqual(["mail.example.test"]);
  });

  it("appends the check's text report in human mode", () => {
    const { code, stdout } = rdnsBounce([], gmailBounce(CASES.nxdomain));
    expect(code).toBe(1);
    expect(stdout).toContain("reverse DNS is the cause");
    expect(stdout).toContain(`Check of ${CASES.nxdomain}:`);
  });

  it("gives check null when the bounce names no address", () => {
    const { code, stdout } = rdnsBounce(["--json"], "550 5.1.1 <a@example.test>: User unknown\n");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ip: null, check: null });
  });
});

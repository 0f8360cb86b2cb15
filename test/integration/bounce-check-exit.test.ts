// `rdns bounce --check` (the built CLI, against the DNS lab) exits with the checks' status when a
// check ran, as `rdns check` does: 0 pass, 1 fail, 2 could not tell; several checks: any fail is
// 1. When no check ran (no bounce, or no address in it) the exit is bounce's own: 1 and 0.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CASES } from "../lab/zones.js";
import { buildUnlessBuilt, runBuiltCli } from "../support/built-cli.js";

const lab = inject("lab");
const dir = mkdtempSync(join(tmpdir(), "rdns-bounce-exit-"));

const gmailBounce = (ip: string) =>
  `550-5.7.25 [${ip}] The IP address sending this message does not have a\n550 5.7.25 PTR record setup. - gsmtp\n`;

function bounceCheck(args: string[], input?: string) {
  const check = ["--check", "--resolver", lab.resolver, "--authority", lab.authority, "--timeout", "1500"];
  return runBuiltCli(["bounce", ...check, ...args], input, 45_000);
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("rdns bounce --check: exit status", () => {
  beforeAll(buildUnlessBuilt, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["a pass", CASES.pass, 0, "pass"],
    ["a failure (no PTR)", CASES.nxdomain, 1, "fail"],
    ["a check that could not tell (REFUSED, SERVFAIL)", CASES.servfail, 2, "inconclusive"],
  ])("%s: the check's exit status", (_label, ip, status, verdict) => {
    const { code, stdout, stderr } = bounceCheck(["--json"], gmailBounce(ip));
    expect(JSON.parse(stdout).check.verdict).toBe(verdict);
    expect(code, stderr).toBe(status);
  });

  it("several inputs: any failing check is 1; passes and could-not-tell is 2", () => {
    const pass = file("pass.txt", gmailBounce(CASES.pass));
    const fail = file("fail.txt", gmailBounce(CASES.nxdomain));
    const unsure = file("unsure.txt", gmailBounce(CASES.servfail));
    expect(bounceCheck([pass, fail, unsure]).code).toBe(1);
    expect(bounceCheck([pass, unsure]).code).toBe(2);
    expect(bounceCheck([pass, pass]).code).toBe(0);
  });

  it("no check ran: bounce's own status (0 a bounce without an address, 1 no bounce)", () => {
    expect(bounceCheck([], "550 5.1.1 <a@example.test>: User unknown\n").code).toBe(0);
    expect(bounceCheck([], "Hello, lunch at noon?\n").code).toBe(1);
    expect(bounceCheck(["--frobnicate"], "").code).toBe(64);
  });

  it("without --check a failing address still exits 0: the bounce was recognised", () => {
    expect(runBuiltCli(["bounce"], gmailBounce(CASES.nxdomain), 20_000).code).toBe(0);
  });
});

// The SMTP probe (`--smtp`, issue 21 point 5) against real servers on loopback: smtp-server with
// a greeting that matches or differs from the lab's PTR, one refusing with 554, a closed port, a
// port that accepts and never speaks, and one that speaks something else. DNS is the lab's.
import { execFile } from "node:child_process";
import { hostname } from "node:os";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import { NEUTRAL_EHLO_NAME } from "../../src/check/sections/smtp/probe.js";
import type { CheckOptions, CheckReport } from "../../src/check/types.js";
import { CASES, HELOS } from "../lab/zones.js";
import { buildUnlessBuilt, ROOT } from "../support/built-cli.js";
import { closedPort, type Listening, rawServer, smtpServer } from "../support/smtp-servers.js";

const lab = inject("lab");

function check(ip: string, port: number, options: Partial<CheckOptions> = {}): Promise<CheckReport> {
  return runCheck({
    ip,
    resolvers: [lab.resolver],
    authorities: [lab.authority, lab.childAuthority],
    timeoutMs: 1000,
    smtp: { host: "127.0.0.1", port },
    ...options,
  });
}

const codes = (report: CheckReport) => report.problems.map((problem) => problem.code).sort();
const servers: Listening[] = [];
let matching: Awaited<ReturnType<typeof smtpServer>>;
let elsewhere: Listening;
let refusing: Listening;
let silent: Listening;
let garbage: Listening;
let closed: number;

beforeAll(async () => {
  buildUnlessBuilt();
  matching = await smtpServer({ name: HELOS.equal, banner: "ready" });
  elsewhere = await smtpServer({ name: HELOS.resolvesToIp, starttls: false });
  refusing = await smtpServer({ name: HELOS.equal, refuse: "5.7.1 no service for you" });
  silent = await rawServer(null);
  garbage = await rawServer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  closed = await closedPort();
  servers.push(matching, elsewhere, refusing, silent, garbage);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("the SMTP probe against real servers", () => {
  it("reads the greeting, EHLO and STARTTLS; with no HELO given the greeting's name is the HELO", async () => {
    const report = await check(CASES.pass, matching.port);
    expect(report.smtp).toEqual({
      outcome: "ok",
      server: `127.0.0.1:${matching.port}`,
      banner: `220 ${HELOS.equal} ESMTP ready`,
      bannerName: HELOS.equal,
      ehloName: HELOS.equal,
      starttls: true,
      note: null,
      matchesPtr: true,
    });
    expect(report.helo).toMatchObject({
      name: HELOS.equal,
      source: "greeting",
      resolvesToIp: true,
      matchesPtr: true,
    });
    expect(report.verdict).toBe("pass");
    expect(codes(report)).toEqual([]);
  });

  it("a given HELO stays the HELO, and the probe is still reported", async () => {
    const report = await check(CASES.pass, elsewhere.port, { helo: HELOS.equal });
    expect(report.helo).toMatchObject({ name: HELOS.equal, source: "given" });
    expect(report.smtp).toMatchObject({ outcome: "ok", bannerName: HELOS.resolvesToIp, matchesPtr: false });
    expect(codes(report)).toEqual(["BANNER_MISMATCH"]);
    expect(report.fixSteps.join("\n")).toContain(`Make the SMTP greeting announce ${HELOS.equal}`);
  });

  it("a greeting naming another host than the PTR is BANNER_MISMATCH (a warning), judged as the HELO too", async () => {
    const report = await check(CASES.pass, elsewhere.port);
    expect(report.smtp).toMatchObject({ outcome: "ok", bannerName: HELOS.resolvesToIp, starttls: false });
    expect(report.helo).toMatchObject({ name: HELOS.resolvesToIp, source: "greeting", matchesPtr: false });
    expect(codes(report)).toEqual(["BANNER_MISMATCH", "HELO_MISMATCH"]);
    const mismatch = report.problems.find((problem) => problem.code === "BANNER_MISMATCH");
    expect(mismatch).toMatchObject({ severity: "warning" });
    expect(mismatch?.message).toContain(HELOS.resolvesToIp);
    expect(report.verdict).toBe("pass");
    // The greeting's name resolves to the IP: the advice is the PTR (the HELO's step), not to
    // announce the name it already announces.
    expect(report.fixSteps.join("\n")).not.toContain("Make the SMTP greeting announce");
  });

  it("a 554 greeting is an outcome with its text, never a failed check", async () => {
    const report = await check(CASES.pass, refusing.port);
    expect(report.smtp).toMatchObject({
      outcome: "error",
      banner: "554 5.7.1 no service for you",
      bannerName: null,
      starttls: false,
    });
    expect(report.smtp?.note).toContain("answered 554 instead of the 220 greeting");
    expect(report.helo).toBeNull();
    expect(report.verdict).toBe("pass");
  });

  it("a closed port is refused, in plain words", async () => {
    const report = await check(CASES.pass, closed);
    expect(report.smtp).toMatchObject({ outcome: "refused", banner: null });
    expect(report.smtp?.note).toContain("refused the connection");
    expect(report.verdict).toBe("pass");
  });

  it("a port that accepts and never speaks times out within the check's deadline", async () => {
    const started = performance.now();
    const report = await check(CASES.pass, silent.port, { deadlineMs: 1500 });
    const took = performance.now() - started;
    expect(report.smtp).toMatchObject({ outcome: "timeout", banner: null });
    expect(report.smtp?.note).toContain("no complete greeting");
    // Bounded by the deadline, not by the probe's own patience; and the PTR work is not cut.
    expect(took).toBeLessThan(1500 + 400);
    expect(codes(report)).toEqual([]);
    expect(report.verdict).toBe("pass");
  });

  it("garbage instead of a greeting is an error outcome, the garbage kept as the banner", async () => {
    const report = await check(CASES.pass, garbage.port);
    expect(report.smtp).toMatchObject({
      outcome: "error",
      banner: "HTTP/1.1 400 Bad Request",
      bannerName: null,
    });
    expect(report.smtp?.note).toContain("not an SMTP greeting");
    expect(report.verdict).toBe("pass");
  });

  it("announces the configured EHLO name, never this machine's name or its own address", async () => {
    // A chat user names the server: whatever the bot sends reaches a stranger (issue 28 point 1).
    const before = matching.ehloHeard.length;
    await check(CASES.pass, matching.port, { smtpHelo: "probe.bot.example.net" });
    await expect.poll(() => matching.ehloHeard.slice(before)).toEqual(["probe.bot.example.net"]);
    await check(CASES.pass, matching.port);
    await expect.poll(() => matching.ehloHeard.slice(before + 1)).toEqual([NEUTRAL_EHLO_NAME]);
    for (const heard of matching.ehloHeard) {
      expect(heard).not.toContain(hostname().toLowerCase());
      expect(heard).not.toContain("127.0.0.1");
    }
  });

  it("no probe unless asked: smtp is null", async () => {
    const report = await runCheck({
      ip: CASES.pass,
      resolvers: [lab.resolver],
      authorities: [lab.authority],
      timeoutMs: 1000,
    });
    expect(report.smtp).toBeNull();
  });
});

/** The built CLI, run without blocking this process (the SMTP servers answer from it). */
async function rdns(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["bin/rdns.js", ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        RESOLVERS: "",
        AUTHORITIES: "",
        LOG_LEVEL: "silent",
        SMTP_PROBE_HELO: "",
        SMTP_DOMAIN: "",
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("rdns check --smtp (built CLI)", () => {
  const dns = () => ["--resolver", lab.resolver, "--authority", lab.authority, "--timeout", "1000"];

  it("prints the probe as JSON `smtp`, the greeting's name as the HELO, exit by the DNS verdict", async () => {
    const { code, stdout } = await rdns([
      "check",
      CASES.pass,
      "--smtp",
      `127.0.0.1:${elsewhere.port}`,
      ...dns(),
      "--json",
    ]);
    const report = JSON.parse(stdout);
    expect(report.smtp).toEqual({
      outcome: "ok",
      server: `127.0.0.1:${elsewhere.port}`,
      banner: `220 ${HELOS.resolvesToIp} ESMTP`,
      bannerName: HELOS.resolvesToIp,
      ehloName: HELOS.resolvesToIp,
      starttls: false,
      note: null,
      matchesPtr: false,
    });
    expect(report.helo).toMatchObject({ name: HELOS.resolvesToIp, source: "greeting" });
    expect(report.problems.map((problem: { code: string }) => problem.code)).toContain("BANNER_MISMATCH");
    expect(code).toBe(0);
  });

  it("a refused probe is an outcome in the text report, not a failure", async () => {
    const { code, stdout } = await rdns(["check", CASES.pass, `--smtp=127.0.0.1:${closed}`, ...dns()]);
    expect(stdout.replace(/\s+/g, " ")).toContain(`SMTP 127.0.0.1:${closed}: connection refused`);
    expect(code).toBe(0);
  });

  it("an address written as an SMTP literal or IPv4-mapped is probed at the address, not looked up as a host name", async () => {
    for (const written of [`[${CASES.pass}]`, `::ffff:${CASES.pass}`]) {
      const { stdout } = await rdns(["check", written, "--smtp", ...dns(), "--deadline", "1500", "--json"]);
      const report = JSON.parse(stdout);
      expect(report.smtp.server, written).toBe(`${CASES.pass}:25`);
      expect(report.smtp.note ?? "", written).not.toContain("ENOTFOUND");
    }
  });

  it("EHLO names SMTP_PROBE_HELO, else SMTP_DOMAIN, else the neutral name", async () => {
    const heard = async (env: Record<string, string>): Promise<string> => {
      const before = matching.ehloHeard.length;
      await rdns(["check", CASES.pass, "--smtp", `127.0.0.1:${matching.port}`, ...dns(), "--json"], env);
      await expect.poll(() => matching.ehloHeard.length).toBe(before + 1);
      return matching.ehloHeard[before] as string;
    };
    expect(
      await heard({ SMTP_PROBE_HELO: "probe.bot.example.net", SMTP_DOMAIN: "mailtest.example.com" }),
    ).toBe("probe.bot.example.net");
    expect(await heard({ SMTP_DOMAIN: "mailtest.example.com" })).toBe("mailtest.example.com");
    expect(await heard({})).toBe(NEUTRAL_EHLO_NAME);
  });

  it("without --smtp the JSON has smtp: null; a bad HOST:PORT is bad usage (64)", async () => {
    const plain = await rdns(["check", CASES.pass, ...dns(), "--json"]);
    expect(JSON.parse(plain.stdout).smtp).toBeNull();
    const bad = await rdns(["check", CASES.pass, "--smtp=127.0.0.1:99999", ...dns()]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain("--smtp takes HOST:PORT");
  });
});

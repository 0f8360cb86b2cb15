// The whole-check deadline against a slow CNAME staircase: an authority that answers every hop
// with a fresh CNAME just before the per-question timeout. Without a deadline a check ran
// hop after hop (14.8 s at a 2 s timeout); with one it stops at the deadline (+100 ms at most)
// and reports what it has as could-not-tell, naming the deadline.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import type { CheckReport } from "../../src/check/types.js";
import { needsRecheck } from "../../workers/recheck.js";
import { cname, type FakeDnsServer, startFakeDns } from "../fakes/dns/server.js";
import { buildUnlessBuilt, ROOT } from "../support/built-cli.js";

const IP = "203.0.113.41";
const TIMEOUT = 500;
const servers: FakeDnsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** RD=0: each name answers, after `delayMs`, with a CNAME to a new name one label longer. RD=1: silence. */
async function staircase(delayMs: number): Promise<FakeDnsServer> {
  const server = await startFakeDns((question) =>
    question.recursion ? null : { delayMs, answers: [cname(question.name, `s.${question.name}`)] },
  );
  servers.push(server);
  return server;
}

async function timed(
  deadlineMs?: number,
): Promise<{ report: CheckReport; elapsed: number; server: FakeDnsServer }> {
  // Half the timeout per hop: each hop answers in time even on a loaded machine, so only the
  // deadline can stop the climb.
  const server = await staircase(TIMEOUT / 2);
  const started = performance.now();
  const report = await runCheck({
    ip: IP,
    resolvers: [server.address],
    authorities: [server.address],
    timeoutMs: TIMEOUT,
    retries: 0,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  });
  return { report, elapsed: performance.now() - started, server };
}

function expectCutAtDeadline(report: CheckReport, deadlineMs: number) {
  expect(report.verdict).toBe("inconclusive");
  const codes = report.problems.map((problem) => problem.code);
  expect(codes).not.toContain("NO_PTR");
  expect(codes).not.toContain("CACHED_NEGATIVE");
  const cut = report.problems.find((problem) => problem.message.includes("stopped at its deadline"));
  expect(cut).toMatchObject({ code: "DNS_ERROR", severity: "error" });
  expect(cut?.message).toContain(`stopped at its deadline of ${deadlineMs} ms`);
  expect(report.authority?.status).toBe("timeout");
  expect(needsRecheck(report)).toBe(false);
}

describe("the whole-check deadline", () => {
  it("defaults to 3 per-question timeouts and is never overrun by more than 100 ms", async () => {
    const { report, elapsed, server } = await timed();
    const deadline = 3 * TIMEOUT;
    expectCutAtDeadline(report, deadline);
    // It did run until the deadline (the staircase kept it busy), and not past it.
    expect(elapsed).toBeGreaterThanOrEqual(deadline - 5);
    expect(elapsed).toBeLessThanOrEqual(deadline + 100);
    expect(report.durationMs).toBeLessThanOrEqual(deadline + 100);
    // Several hops of 250 ms fit before the deadline cut the next: the staircase was climbed.
    expect(server.questions.filter((question) => !question.recursion).length).toBeGreaterThanOrEqual(3);
    expect(report.authority?.cnames.length).toBeGreaterThanOrEqual(2);
  });

  it("takes an explicit deadline", async () => {
    const { report, elapsed } = await timed(800);
    expectCutAtDeadline(report, 800);
    expect(elapsed).toBeGreaterThanOrEqual(795);
    expect(elapsed).toBeLessThanOrEqual(900);
  });
});

describe("rdns check --deadline (built CLI)", () => {
  beforeAll(buildUnlessBuilt, 120_000);

  it("stops at the deadline given, exit 2 (inconclusive), JSON naming the deadline", async () => {
    const server = await staircase(TIMEOUT / 2);
    const args = ["--resolver", server.address, "--authority", server.address, "--timeout", String(TIMEOUT)];
    // execFile, not spawnSync: the fake server answers from this process's event loop.
    const result = await promisify(execFile)(
      process.execPath,
      ["bin/rdns.js", "check", IP, ...args, "--deadline", "900", "--json"],
      { cwd: ROOT, env: { ...process.env, RESOLVERS: "", AUTHORITIES: "", LOG_LEVEL: "silent" } },
    ).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as CheckReport;
    expectCutAtDeadline(report, 900);
    expect(report.durationMs).toBeGreaterThanOrEqual(895);
    expect(report.durationMs).toBeLessThanOrEqual(1000);
  });
});

// Issue 29 on real servers: a Knot secondary that copies the reverse zone from its primary by
// zone transfer (NOTIFY, IXFR) and is held back (its transfers refused by the primary's ACL, or
// the secondary stopped and started later), and a third Knot serving a stale copy. The check
// gives the newest serial's verdict in both server orders, with AUTHORITY_LAG naming the server
// behind, and the lag ends when the secondary catches up (test/lab/secondary.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/index.js";
import type { CheckReport } from "../../src/check/types.js";
import { PAIR_IPS, pairHost, startZonePair, type ZonePair } from "../lab/secondary.js";

let pair: ZonePair;
beforeAll(async () => {
  pair = await startZonePair();
});
afterAll(async () => {
  await pair?.stop();
});

const codes = (report: CheckReport) => report.problems.map((problem) => problem.code);

function check(ip: string, authorities: string[]): Promise<CheckReport> {
  return runCheck({ ip, resolvers: [pair.primary], authorities, timeoutMs: 1000 });
}

/** The verdict-bearing parts of a report, to compare server orders. */
const verdictOf = (report: CheckReport) => ({
  verdict: report.verdict,
  ptr: report.ptr,
  codes: codes(report),
  status: report.authority?.status,
  serial: report.authority?.serial,
});

describe("a real secondary behind its primary (Knot zone transfers)", () => {
  it("transfers refused: the newest serial decides in both orders, AUTHORITY_LAG until it catches up", async () => {
    const ip = PAIR_IPS[0] as string;
    const start = (await pair.serial(pair.primary)) as number;
    expect(await pair.waitForSerial(pair.secondary, start)).toBe(true);
    await pair.holdTransfers();
    await pair.setPtr(ip, pairHost(ip));
    const fixed = (await pair.serial(pair.primary)) as number;
    expect(fixed).toBeGreaterThan(start);
    // Refused, so still behind a moment later (a NOTIFY went out; its IXFR was refused).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pair.serial(pair.secondary)).toBe(start);

    const lagFirst = await check(ip, [pair.secondary, pair.primary]);
    const lagLast = await check(ip, [pair.primary, pair.secondary]);
    for (const report of [lagFirst, lagLast]) {
      expect(report.verdict).toBe("pass");
      expect(codes(report)).toEqual(["AUTHORITY_LAG"]);
      expect(report.authority).toMatchObject({ status: "found", names: [pairHost(ip)], serial: fixed });
      expect(report.problems[0]?.message).toContain(
        `${pair.secondary} (serial ${start}: NXDOMAIN) lags behind serial ${fixed}`,
      );
      const serials = Object.fromEntries(report.authority?.answers.map((a) => [a.server, a.serial]) ?? []);
      expect(serials).toEqual({ [pair.primary]: fixed, [pair.secondary]: start });
    }
    expect(verdictOf(lagFirst)).toEqual(verdictOf(lagLast));

    await pair.releaseTransfers();
    expect(await pair.waitForSerial(pair.secondary, fixed)).toBe(true);
    const caughtUp = await check(ip, [pair.secondary, pair.primary]);
    expect(caughtUp.verdict).toBe("pass");
    expect(codes(caughtUp)).toEqual([]);
    expect(caughtUp.authority?.disagreement).toBeNull();
  });

  it("a stale copy on another instance: the same verdict in both orders, the stale server named", async () => {
    const ip = PAIR_IPS[1] as string;
    await pair.setPtr(ip, pairHost(ip));
    const newest = (await pair.serial(pair.primary)) as number;
    const reports = [
      await check(ip, [pair.stale, pair.primary]),
      await check(ip, [pair.primary, pair.stale]),
    ];
    for (const report of reports) {
      expect(report.verdict).toBe("pass");
      expect(codes(report)).toEqual(["AUTHORITY_LAG"]);
      expect(report.authority?.disagreement).toMatchObject({
        kind: "lag",
        serial: newest,
        others: [{ server: pair.stale, serial: 1, status: "nxdomain" }],
      });
    }
    expect(verdictOf(reports[0] as CheckReport)).toEqual(verdictOf(reports[1] as CheckReport));
  });

  it("a secondary stopped while the PTR changes catches up when started again", async () => {
    const ip = PAIR_IPS[2] as string;
    await pair.stopSecondary();
    await pair.setPtr(ip, pairHost(ip));
    const newest = (await pair.serial(pair.primary)) as number;
    const down = await check(ip, [pair.secondary, pair.primary]);
    // A server that does not answer is "could not tell" for it, never a lag nor "no PTR".
    expect(down.verdict).toBe("pass");
    expect(codes(down)).toEqual(["DNS_ERROR"]);
    await pair.startSecondary();
    expect(await pair.waitForSerial(pair.secondary, newest)).toBe(true);
    const back = await check(ip, [pair.secondary, pair.primary]);
    expect(codes(back)).toEqual([]);
    expect(back.authority?.answers.map((answer) => answer.serial)).toEqual([newest, newest]);
  });
});

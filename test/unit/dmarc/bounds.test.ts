// Issue 26 item 5: a 100,000-record DMARC report is read in 2 s, and a 10 MB receiver-side log
// with one reject at its end in 1 s. The machine running the tests is shared: a read over the
// bound is run twice more and the fastest counts; when even that is over, its CPU time decides
// (which other work on the machine does not inflate). A reader that is really slow fails both.
import { describe, expect, it } from "vitest";
import { receiverLogWithOneReject, syntheticDmarcReport } from "../../../scripts/dmarc-sample.js";
import { readBounce } from "../../../src/bounce/index.js";
import { readDmarcReport, rowsBySource } from "../../../src/dmarc/index.js";

async function timed(boundMs: number, work: () => Promise<void> | void): Promise<number> {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3 && wall >= boundMs; attempt++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await work();
    wall = Math.min(wall, performance.now() - started);
    const used = process.cpuUsage(cpuStart);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  return wall < boundMs ? wall : cpu;
}

describe("bounds", () => {
  it("reads a 100,000-record report (about 40 MB) into rows in 2 s", { timeout: 120_000 }, async () => {
    const report = syntheticDmarcReport(100_000);
    let rows = 0;
    const ms = await timed(2000, () => {
      rows = rowsBySource(readDmarcReport(report).records).length;
    });
    expect(rows).toBeGreaterThan(10_000);
    expect(ms).toBeLessThan(2000);
  });

  it("finds the one reject at the end of a 10 MB receiver log in 1 s", { timeout: 60_000 }, async () => {
    const log = receiverLogWithOneReject(10 * 1024 * 1024);
    let ip: string | null | undefined = null;
    const ms = await timed(1000, async () => {
      ip = (await readBounce(log)).findings[0]?.ip;
    });
    expect(ip).toBe("203.0.113.5");
    expect(ms).toBeLessThan(1000);
  });
});

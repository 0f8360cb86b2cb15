// `rdns sweep` over a range that is public but for a reserved block inside: the block is named on
// stderr once, its addresses are rows failing NOT_PUBLIC without DNS, the rest is swept.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runSweepCommand } from "../../../src/cli/sweep.js";

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

describe("rdns sweep, non-public blocks inside a range", () => {
  it("192.88.98.0/23: names 192.88.99.0/24 on stderr; its 256 rows fail NOT_PUBLIC", async () => {
    const stdout = sink();
    const stderr = sink();
    // Port 9 on loopback (discard, closed here): the public half is inconclusive, quickly.
    const code = await runSweepCommand(
      ["192.88.98.0/23", "--resolver", "127.0.0.1:9", "--timeout", "100", "--format", "csv"],
      { stdout: stdout.stream, stderr: stderr.stream },
    );
    expect(code).toBe(1);
    const notes = stderr
      .text()
      .split("\n")
      .filter((line) => line.startsWith("rdns sweep:"));
    expect(notes).toEqual([
      expect.stringMatching(
        /^rdns sweep: 192\.88\.99\.0\/24 in 192\.88\.98\.0\/23 is in the retired 6to4 relay anycast block .*: its 256 addresses are not asked about \(rows fail NOT_PUBLIC\)$/,
      ),
    ]);
    const rows = stdout.text().trim().split("\n").slice(1);
    expect(rows).toHaveLength(512);
    const notPublic = rows
      .filter((row) => row.split(",")[4] === "NOT_PUBLIC")
      .map((row) => row.split(",")[0]);
    expect(notPublic).toHaveLength(256);
    expect(notPublic.every((ip) => ip?.startsWith("192.88.99."))).toBe(true);
  });

  it("::/120: names the unspecified and the loopback address, the rest is swept", async () => {
    const stderr = sink();
    const stdout = sink();
    await runSweepCommand(["::/120", "--resolver", "127.0.0.1:9", "--timeout", "100", "--format", "csv"], {
      stdout: stdout.stream,
      stderr: stderr.stream,
    });
    const notes = stderr
      .text()
      .split("\n")
      .filter((line) => line.startsWith("rdns sweep:"));
    expect(notes).toEqual([
      expect.stringMatching(/^rdns sweep: ::\/128 in ::\/120 is unspecified .*: it is not asked about/),
      expect.stringMatching(/^rdns sweep: ::1\/128 in ::\/120 is loopback /),
    ]);
    expect(stdout.text().trim().split("\n").slice(1)).toHaveLength(256);
  });

  it("a wholly public range gets no note", async () => {
    const stderr = sink();
    await runSweepCommand(["203.0.113.0/30", "--resolver", "127.0.0.1:9", "--timeout", "100"], {
      stdout: sink().stream,
      stderr: stderr.stream,
    });
    expect(stderr.text()).not.toContain("rdns sweep:");
  });
});

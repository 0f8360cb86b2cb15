// The servers page's rows, from what the store holds (pure: no Redis).
import { describe, expect, it } from "vitest";
import { buildRow, buildServerRows, ipSortKey } from "../../../src/app/server-rows.js";
import type { WatchRecord, WatchState } from "../../../src/store/watches.js";
import { makeReport } from "../../fixtures/check-report.js";

const origin = { platform: "console" as const, channel: "C1", thread: "console:C1:t", parent: null };
const watch = (target: string, ips: string[], createdAt: string): WatchRecord => ({
  target,
  ips,
  origin,
  user: "u",
  createdAt,
});

describe("buildRow", () => {
  const state: WatchState = {
    verdict: "fail",
    names: [],
    problems: ["NO_PTR"],
    since: "2026-12-01T09:00:00.000Z",
    checkedAt: "2026-12-01T10:00:00.000Z",
  };

  it("takes PTR, FCrDNS, HELO, verdict and problems from the report, since from the state", () => {
    const report = makeReport({ checkedAt: "2026-12-01T10:00:00.000Z" });
    expect(buildRow("console:C1", "203.0.113.5", "203.0.113.5", state, report)).toEqual({
      ip: "203.0.113.5",
      watch: "203.0.113.5",
      channel: "console:C1",
      ptr: [],
      fcrdns: "fail",
      helo: { name: "mail.example.test", matchesPtr: false, resolvesToIp: true },
      verdict: "fail",
      problems: [...new Set(report.problems.map((problem) => problem.code))].sort(),
      since: "2026-12-01T09:00:00.000Z",
      checkedAt: "2026-12-01T10:00:00.000Z",
      paused: false,
      owner: { zone: "113.0.203.in-addr.arpa", provider: null, contact: "hostmaster@example.net" },
      everySeconds: null,
      mutedUntil: null,
      blocklists: [],
    });
  });

  it("lets a report made with another HELO (or none) not speak for a watch with a HELO", () => {
    const report = makeReport({ checkedAt: "2026-12-01T10:00:00.000Z" });
    const watch = { target: "203.0.113.5", helo: "other.example.test" };
    const row = buildRow("console:C1", watch, "203.0.113.5", state, report);
    expect(row).toMatchObject({
      verdict: "fail",
      fcrdns: "unknown",
      checkedAt: state.checkedAt,
      helo: { name: "other.example.test", matchesPtr: null, resolvesToIp: null },
    });
    // The same name, in another case and with the root dot, is the same HELO.
    const same = buildRow(
      "console:C1",
      { target: "w", helo: "MAIL.example.test." },
      "203.0.113.5",
      state,
      report,
    );
    expect(same.helo).toEqual({ name: "mail.example.test", matchesPtr: false, resolvesToIp: true });
  });

  it("marks every row of a paused channel", () => {
    const rows = buildServerRows({
      channels: [
        {
          channel: "slack:GONE",
          watches: [watch("203.0.113.5", ["203.0.113.5"], "2026-12-01T00:00:00.000Z")],
          states: new Map(),
          paused: true,
        },
        {
          channel: "slack:OK",
          watches: [watch("203.0.113.6", ["203.0.113.6"], "2026-12-01T00:00:00.000Z")],
          states: new Map(),
        },
      ],
      reports: new Map(),
    });
    expect(rows.map((row) => [row.channel, row.paused])).toEqual([
      ["slack:GONE", true],
      ["slack:OK", false],
    ]);
  });

  it("shows an inconclusive last check as such (the state keeps the last conclusive one)", () => {
    const report = makeReport({ verdict: "inconclusive", checkedAt: "2026-12-01T11:00:00.000Z" });
    expect(buildRow("console:C1", "w", "203.0.113.5", state, report).verdict).toBe("inconclusive");
  });

  it("falls back to the state when the report expired, FCrDNS and HELO unknown", () => {
    const row = buildRow("console:C1", "w", "203.0.113.5", state, undefined);
    expect(row).toMatchObject({ verdict: "fail", fcrdns: "unknown", helo: null, problems: ["NO_PTR"] });
    expect(row.checkedAt).toBe(state.checkedAt);
  });

  it("says pending, with no times, before the first check", () => {
    expect(buildRow("console:C1", "w", "203.0.113.5", undefined, undefined)).toMatchObject({
      verdict: "pending",
      since: null,
      checkedAt: null,
      ptr: [],
    });
  });
});

describe("buildServerRows", () => {
  it("groups by channel (by name), then watch (in order added), IPs in numeric order", () => {
    const rows = buildServerRows({
      channels: [
        {
          channel: "slack:C2",
          watches: [
            watch("203.0.113.0/30", ["203.0.113.10", "203.0.113.9", "203.0.113.100"], "2026-12-01T00:00:00Z"),
            watch("2001:db8::1", ["2001:db8::1"], "2026-12-01T01:00:00Z"),
          ],
          states: new Map(),
        },
        {
          channel: "console:C1",
          watches: [watch("192.0.2.1", ["192.0.2.1"], "2026-12-02T00:00:00Z")],
          states: new Map(),
        },
      ],
      reports: new Map(),
    });
    expect(rows.map((row) => `${row.channel} ${row.watch} ${row.ip}`)).toEqual([
      "console:C1 192.0.2.1 192.0.2.1",
      "slack:C2 203.0.113.0/30 203.0.113.9",
      "slack:C2 203.0.113.0/30 203.0.113.10",
      "slack:C2 203.0.113.0/30 203.0.113.100",
      "slack:C2 2001:db8::1 2001:db8::1",
    ]);
  });

  it("sorts IPv4 before IPv6, numerically", () => {
    expect(ipSortKey("10.0.0.2") < ipSortKey("10.0.0.10")).toBe(true);
    expect(ipSortKey("255.255.255.255") < ipSortKey("::1")).toBe(true);
  });
});

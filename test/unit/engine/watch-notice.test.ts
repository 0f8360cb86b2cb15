// What a check says about a watch (workers/watch-notice.ts watchView): only what the watch's own
// parameters would have found. Pure: no Redis.
import { describe, expect, it } from "vitest";
import type { Origin } from "../../../src/chat/types.js";
import type { Problem } from "../../../src/check/types.js";
import type { WatchRecord } from "../../../src/store/watches.js";
import { planWatchNotice, watchView } from "../../../workers/watch-notice.js";
import { makeReport } from "../../fixtures/check-report.js";

const origin: Origin = { platform: "slack", channel: "C1", thread: "slack:C1:1.1", parent: null };
const record = (helo: string | null): WatchRecord => ({
  target: "203.0.113.5",
  ips: ["203.0.113.5"],
  origin,
  user: "U1",
  createdAt: "",
  helo,
});
const problem = (code: string, severity: Problem["severity"]): Problem =>
  ({ code, severity, message: code }) as Problem;
const helo = (name: string) => ({
  name,
  fqdn: true,
  addressLiteral: false,
  resolves: true,
  resolvesToIp: true,
  matchesPtr: true,
  lookup: null,
});
const passing = (heloName: string | null, problems: Problem[] = []) =>
  makeReport({
    verdict: "pass",
    ptr: { status: "found", names: ["mail.example.test"] },
    fcrdns: "pass",
    helo: heloName === null ? null : helo(heloName),
    problems,
    fixSteps: ["Make HELO match", "Wait for caches"],
  });

describe("watchView", () => {
  it("takes a check made with the watch's own HELO (or none) as it is", () => {
    const own = passing("Mail.Example.Test.");
    expect(watchView(record("mail.example.test"), own)).toBe(own);
    const none = passing(null);
    expect(watchView(record(null), none)).toBe(none);
  });

  it("never lets a check with another HELO, or none, speak for a watch with a HELO", () => {
    expect(watchView(record("mail.example.test"), passing("other.example.test"))).toBeNull();
    expect(watchView(record("mail.example.test"), passing(null))).toBeNull();
  });

  it("gives a watch without a HELO the shared facts of a check with one, the HELO part left out", () => {
    const report = passing("mail.example.test", [problem("HELO_MISMATCH", "warning")]);
    const view = watchView(record(null), report);
    expect(view).toMatchObject({ verdict: "pass", helo: null, problems: [], fixSteps: ["Wait for caches"] });
    expect(view?.ptr.names).toEqual(["mail.example.test"]);
  });

  it("says nothing to a watch without a HELO when a HELO error decided the verdict", () => {
    const badHelo = makeReport({
      verdict: "fail",
      ptr: { status: "found", names: ["mail.example.test"] },
      fcrdns: "pass",
      helo: helo("nothere.example.test"),
      problems: [problem("HELO_UNRESOLVED", "error")],
    });
    expect(watchView(record(null), badHelo)).toBeNull();
    // "Could not tell" with a HELO may be the HELO name's lookups: not the watch's either.
    expect(watchView(record(null), { ...badHelo, verdict: "inconclusive", problems: [] })).toBeNull();
    const stored = { text: null, state: { verdict: "pass" as const, names: ["mail.example.test"] } };
    expect(planWatchNotice("j1", badHelo, { channel: "slack:C1", record: record(null), stored })).toEqual({
      action: "none",
    });
  });
});

describe("probing watches (`/rdns watch <ip> probe`)", () => {
  const probing: WatchRecord = { ...record(null), probe: true };
  let minute = 0;
  const greeting = (name: string | null, outcome: "ok" | "timeout" = "ok") =>
    makeReport({
      ...passing(null),
      // Each check later than the one before, as a watch's runs are.
      checkedAt: new Date(Date.parse("2026-11-27T12:00:00Z") + ++minute * 60_000).toISOString(),
      helo: name === null ? null : { ...helo(name), source: "greeting" as const },
      smtp: {
        outcome,
        server: "203.0.113.5:25",
        banner: name === null ? null : `220 ${name} ESMTP`,
        bannerName: outcome === "ok" ? name : null,
        ehloName: null,
        starttls: false,
        note: null,
        matchesPtr: name === null ? null : name === "mail.example.test",
      },
    });
  const stored = (report: ReturnType<typeof greeting>, before: ReturnType<typeof planWatchNotice> | null) => {
    const state = before?.action === "write" ? before.state : null;
    return planWatchNotice(`job-${report.checkedAt}`, report, {
      channel: "slack:C1",
      record: probing,
      stored: { text: state === null ? null : JSON.stringify(state), state },
    });
  };

  it("a changed greeting name is a greeting-drifted notice naming the old name", () => {
    const first = stored(greeting("mail.example.test"), null);
    expect(first).toMatchObject({ action: "write", notice: null, state: { greeting: "mail.example.test" } });
    const second = stored(greeting("other.example.test"), first);
    expect(second).toMatchObject({
      action: "write",
      state: { greeting: "other.example.test", notice: { change: "greeting-drifted" } },
      notice: {
        message: { kind: "watch-change", change: "greeting-drifted", previousNames: ["mail.example.test"] },
      },
    });
  });

  it("a probe that reads no name keeps the last one: no notice, and none when it comes back", () => {
    const first = stored(greeting("mail.example.test"), null);
    const blocked = stored(greeting(null, "timeout"), first);
    expect(blocked).toMatchObject({
      action: "write",
      notice: null,
      state: { greeting: "mail.example.test" },
    });
    expect(stored(greeting("mail.example.test"), blocked)).toMatchObject({ notice: null });
  });

  it("hears only from probing checks; a watch without probe gets a probe's shared facts only", () => {
    expect(watchView(probing, passing(null))).toBeNull();
    const probe = greeting("other.example.test");
    expect(watchView(probing, probe)).toBe(probe);
    const withMismatch = makeReport({
      ...probe,
      problems: [problem("BANNER_MISMATCH", "warning"), problem("HELO_MISMATCH", "warning")],
    });
    expect(watchView(record(null), withMismatch)).toMatchObject({ smtp: null, helo: null, problems: [] });
  });
});

// Issue 29 item 4, pure: a watch whose zone's name servers disagree hears it once after
// AUTHORITY_LAG_ALERT_MINUTES (with who lags, at which serial, for how long), and once when it
// ends; a short lag (a normal transfer after a change) says nothing; a re-run repeats, not doubles.
import { describe, expect, it } from "vitest";
import type { AuthorityDisagreement, CheckReport } from "../../../src/check/types.js";
import type { WatchState } from "../../../src/store/watches.js";
import { planWatchLag } from "../../../workers/watch-lag.js";
import { planWatchNotice, type WatchObservation } from "../../../workers/watch-notice.js";
import { AUTH, answer, authority, forward, IP, observations, RES1 } from "../support/observations.js";
import { reportFrom } from "../support/report.js";

const NS2 = "127.0.0.1:5399";
const NAME = "mail.example.test";
const HOUR = 3_600_000;
const LAG: AuthorityDisagreement = {
  kind: "lag",
  serial: 2,
  newest: [AUTH],
  others: [{ server: NS2, serial: 1, status: "nxdomain", names: [] }],
};

function reportAt(iso: string, disagreement: AuthorityDisagreement | null): CheckReport {
  return reportFrom(
    observations({
      now: new Date(iso),
      authority: authority("found", [NAME], { servers: [AUTH, NS2], serial: 2, disagreement }),
      resolvers: [answer(RES1, "found", [NAME])],
      forward: [forward(NAME, "found", [IP])],
    }),
  );
}

describe("planWatchLag", () => {
  it("says a lag once after the threshold, with the server, its serial and how long; then its end", () => {
    const first = planWatchLag(null, reportAt("2026-11-27T12:00:00Z", LAG), HOUR);
    expect(first).toEqual({ lag: { since: "2026-11-27T12:00:00.000Z", alerted: false }, text: null });
    const early = planWatchLag(first.lag, reportAt("2026-11-27T12:30:00Z", LAG), HOUR);
    expect(early.text).toBeNull();
    const late = planWatchLag(early.lag, reportAt("2026-11-27T13:02:00Z", LAG), HOUR);
    expect(late.text).toBe(
      `${IP}: ${NS2} has served serial 1 for 62 min while ${AUTH} serves 2: its zone transfers may be broken. Receivers whose resolvers ask it are told "no PTR", fresh from it and not from a cache.`,
    );
    expect(late.lag).toEqual({ since: "2026-11-27T12:00:00.000Z", alerted: true });
    const again = planWatchLag(late.lag, reportAt("2026-11-27T14:00:00Z", LAG), HOUR);
    expect(again).toEqual({ lag: late.lag, text: null });
    const ended = planWatchLag(again.lag, reportAt("2026-11-27T15:00:00Z", null), HOUR);
    expect(ended).toEqual({
      lag: null,
      text: `${IP}: the reverse zone's name servers agree again (serial 2), after 180 min of disagreement.`,
    });
  });

  it("a lag that ends before the threshold is never said, nor its end", () => {
    const first = planWatchLag(null, reportAt("2026-11-27T12:00:00Z", LAG), HOUR);
    expect(planWatchLag(first.lag, reportAt("2026-11-27T12:05:00Z", null), HOUR)).toEqual({
      lag: null,
      text: null,
    });
  });

  it("a split-brain zone is said as such", () => {
    const split = { ...LAG, kind: "split" as const };
    const first = planWatchLag(null, reportAt("2026-11-27T12:00:00Z", split), HOUR);
    const late = planWatchLag(first.lag, reportAt("2026-11-27T13:30:00Z", split), HOUR);
    expect(late.text).toContain("split-brain");
    expect(late.text).toContain("for 90 min");
  });
});

describe("planWatchNotice with a lasting lag", () => {
  const watcher = (state: WatchState | null): WatchObservation => ({
    channel: "console:C1",
    record: {
      target: IP,
      ips: [IP],
      origin: { platform: "console", channel: "C1", thread: "console:C1:t", parent: null },
      user: "tester",
      createdAt: "2026-11-27T11:00:00.000Z",
    } as WatchObservation["record"],
    stored: { text: state === null ? null : JSON.stringify(state), state },
  });

  it("records since when in the state, sends one notice past the threshold, repeats it on a re-run", () => {
    const one = planWatchNotice("job-1", reportAt("2026-11-27T12:00:00Z", LAG), watcher(null), {
      lagAlertMs: HOUR,
    });
    if (one.action !== "write") throw new Error("expected a write");
    expect(one.state.lag).toEqual({ since: "2026-11-27T12:00:00.000Z", alerted: false });
    expect(one.lagNotice).toBeUndefined();
    const two = planWatchNotice("job-2", reportAt("2026-11-27T13:01:00Z", LAG), watcher(one.state), {
      lagAlertMs: HOUR,
    });
    if (two.action !== "write") throw new Error("expected a write");
    expect(two.notice).toBeNull();
    expect(two.lagNotice?.message).toMatchObject({ kind: "notice", text: expect.stringContaining("61 min") });
    const rerun = planWatchNotice("job-2", reportAt("2026-11-27T13:01:00Z", LAG), watcher(two.state));
    expect(rerun).toMatchObject({ action: "repeat", lagNotice: { deliveryId: two.lagNotice?.deliveryId } });
  });
});

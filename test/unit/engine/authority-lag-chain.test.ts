// Issue 29 in a re-check chain's decisions (pure): a report whose zone's servers disagree keeps
// the chain polling the authority and is never "cleared"; a poll that sees the fix at some
// servers only says "at N of M name servers" and why the rest cannot be timed; once the chain
// saw it at some, a poll counts it fixed only when every server serves it.
import { describe, expect, it } from "vitest";
import type { PollResult, PollTarget } from "../../../src/check/poll.js";
import { pollTargetOf } from "../../../src/check/poll.js";
import type { CheckReport } from "../../../src/check/types.js";
import { fixSeenNoticeText, planFixSeen } from "../../../workers/poll-fix-plan.js";
import { authorityLacksFix, pollSawFix } from "../../../workers/poll-plan.js";
import { isCleared, needsRecheck } from "../../../workers/recheck.js";
import { AUTH, answer, authority, forward, IP, observations, RES1 } from "../support/observations.js";
import { reportFrom } from "../support/report.js";

const LAGGING = "127.0.0.1:5399";
const NAME = "mail.example.test";

function lagging(): CheckReport {
  return reportFrom(
    observations({
      authority: authority("found", [NAME], {
        servers: [AUTH, LAGGING],
        answers: [
          { ...answer(AUTH, "found", [NAME]), serial: 2 },
          { ...answer(LAGGING, "nxdomain"), serial: 1 },
        ],
        serial: 2,
        disagreement: {
          kind: "lag",
          serial: 2,
          newest: [AUTH],
          others: [{ server: LAGGING, serial: 1, status: "nxdomain", names: [] }],
        },
      }),
      resolvers: [answer(RES1, "found", [NAME])],
      forward: [forward(NAME, "found", [IP])],
    }),
  );
}

const target: PollTarget = {
  ip: IP,
  family: 4,
  name: "5.113.0.203.in-addr.arpa",
  servers: [AUTH, LAGGING],
  forward: false,
};
const atOne: PollResult = {
  status: "found",
  names: [NAME],
  server: AUTH,
  forward: null,
  moved: false,
  questions: 2,
  of: 2,
  behind: [{ server: LAGGING, status: "nxdomain", names: [] }],
};

describe("a chain across a lagging secondary", () => {
  it("is followed, polls the authority, and is not cleared while a server lags", () => {
    const report = lagging();
    expect(report.verdict).toBe("pass");
    expect(needsRecheck(report)).toBe(true);
    expect(isCleared(report)).toBe(false);
    expect(authorityLacksFix(report)).toBe(true);
    expect(pollTargetOf(report)).toMatchObject({ servers: [AUTH, LAGGING], untilAll: true });
  });

  it("the same report without the lag is cleared", () => {
    const report = lagging();
    const agreed = reportFrom(
      observations({
        authority: authority("found", [NAME], { servers: [AUTH, LAGGING], serial: 2, disagreement: null }),
        resolvers: [answer(RES1, "found", [NAME])],
        forward: [forward(NAME, "found", [IP])],
      }),
    );
    expect(isCleared(agreed)).toBe(true);
    expect(isCleared(report)).toBe(false);
  });

  it("a NO_PTR chain's poll sees the fix at 1 of 2; the notice says so and why it cannot be timed", () => {
    expect(pollSawFix(target, atOne)).toBe(true);
    const plan = planFixSeen(target, atOne, [], [RES1], Date.parse("2026-11-27T12:00:00Z"), 1000);
    const text = fixSeenNoticeText(target.name, target, atOne, plan, new Date("2026-11-27T12:00:00Z"));
    expect(text).toContain(`now has PTR ${NAME} at 1 of 2 name servers`);
    expect(text).toContain(`${LAGGING} still answers "no PTR" (NXDOMAIN)`);
    expect(text).toContain('may still be told "no PTR", fresh from it and not from a cache');
    expect(text).toContain("cannot be predicted from TTLs");
    expect(text).toContain("cleared once every name server serves it");
  });

  it("every server serving the fix: no N of M, no lag lines", () => {
    const all: PollResult = { ...atOne, behind: [] };
    const plan = planFixSeen(target, all, [], [RES1], Date.parse("2026-11-27T12:00:00Z"), 1000);
    const text = fixSeenNoticeText(target.name, target, all, plan, new Date("2026-11-27T12:00:00Z"));
    expect(text).not.toContain("name servers");
    expect(text).not.toContain("fresh from it");
  });

  it("once seen at some servers (untilAll), a poll is 'fixed' only when none lags", () => {
    const waiting = { ...target, untilAll: true };
    expect(pollSawFix(waiting, atOne)).toBe(false);
    expect(pollSawFix(waiting, { ...atOne, behind: [] })).toBe(true);
  });
});

// What counts as a change in a watched address's history.
import { describe, expect, it } from "vitest";
import { historyEntryFor } from "../../../src/store/history.js";

const AT = "2026-12-01T10:00:00.000Z";
const pass = { verdict: "pass" as const, names: ["mail.example.test"], problems: [] as string[] };

describe("historyEntryFor", () => {
  it("records no entry for the first state: its time is the state's `since`", () => {
    expect(historyEntryFor(null, pass, AT)).toBeNull();
  });

  it("records nothing when verdict, names and problem codes are the same", () => {
    expect(historyEntryFor({ ...pass, names: [...pass.names] }, pass, AT)).toBeNull();
  });

  it.each([
    ["verdict", { ...pass, verdict: "fail" as const }],
    ["names", { ...pass, names: ["other.example.test"] }],
    ["problem codes", { ...pass, problems: ["HELO_MISMATCH"] }],
  ])("records a change of %s", (_what, after) => {
    expect(historyEntryFor(pass, after, AT)).toEqual({ at: AT, ...after });
  });

  it("starts the history of a state written before history existed (no problem codes)", () => {
    expect(historyEntryFor({ verdict: "pass", names: pass.names }, pass, AT)).toEqual({ at: AT, ...pass });
  });
});

// The limit notice names the limit that was hit (the asker's own or the channel's), when it
// resets, and what counts; commands declare whether they make DNS work.
import { describe, expect, it } from "vitest";
import { limitNotice } from "../../../src/app/command-limits.js";
import { loadCommands } from "../../../src/app/load-commands.js";

describe("limitNotice", () => {
  it("names the asker's own limit", () => {
    expect(
      limitNotice({ allowed: false, scope: "user", limit: 10, windowSeconds: 60, retryAfterSeconds: 20 }),
    ).toBe(
      "You've run 10 checks in the last minute; try again in 20 s. That is your own limit (10 per minute); only checks, re-checks and watches count.",
    );
  });
  it("names the channel's limit, shared by everyone in it", () => {
    expect(
      limitNotice({ allowed: false, scope: "channel", limit: 30, windowSeconds: 300, retryAfterSeconds: 41 }),
    ).toBe(
      "This channel has run 30 checks in the last 300 s; try again in 41 s. That is this channel's limit (30 per 300 s, everyone in it together); only checks, re-checks and watches count.",
    );
  });
});

describe("which commands make DNS work", () => {
  it("check, probe, recheck and watch do; help, lists, status, unwatch and stop do not", async () => {
    const commands = await loadCommands();
    const counted = commands.filter((command) => command.dnsWork).map((command) => command.name);
    expect(counted.sort()).toEqual(["check", "probe", "recheck", "watch"]);
  }, 30_000); // loading commands/ imports the app: slow on a loaded machine
});

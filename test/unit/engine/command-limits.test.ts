// The limit notice names the limit that was hit (the asker's own or the channel's), when it
// resets, and what counts; commands declare whether they make DNS work; the limits come from
// LIMIT_* (or their old SLACK_* names), and the console is limited only when one is set.
import { describe, expect, it } from "vitest";
import { commandLimitsFromConfig, limitNotice } from "../../../src/app/command-limits.js";
import { loadCommands } from "../../../src/app/load-commands.js";
import { loadConfig } from "../../../src/config.js";

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
  it("check, mailtest, probe, recheck and watch do; help, lists, status, unwatch and stop do not", async () => {
    const commands = await loadCommands();
    const counted = commands.filter((command) => command.dnsWork).map((command) => command.name);
    expect(counted.sort()).toEqual(["check", "mailtest", "probe", "recheck", "watch"]);
  }, 30_000); // loading commands/ imports the app: slow on a loaded machine
});

describe("limits from configuration", () => {
  it("reads LIMIT_*, defaults when unset, and leaves the console unlimited", () => {
    const config = loadConfig({});
    expect(commandLimitsFromConfig(config)).toEqual({
      perUser: 10,
      perChannel: 30,
      windowSeconds: 60,
      exempt: ["console"],
    });
    expect(config.deprecations).toEqual([]);
  });

  it("limits the console too once any limit variable is set", () => {
    expect(commandLimitsFromConfig(loadConfig({ LIMIT_WINDOW_SECONDS: "120" }))).toEqual({
      perUser: 10,
      perChannel: 30,
      windowSeconds: 120,
      exempt: [],
    });
  });

  it("still reads the old SLACK_* names, with one deprecation line each, the new name winning", () => {
    const config = loadConfig({
      SLACK_USER_COMMANDS_PER_WINDOW: "5",
      SLACK_CHANNEL_COMMANDS_PER_WINDOW: "7",
      LIMIT_CHANNEL_COMMANDS: "9",
    });
    expect(commandLimitsFromConfig(config)).toEqual({
      perUser: 5,
      perChannel: 9,
      windowSeconds: 60,
      exempt: [],
    });
    expect(config.deprecations).toEqual([
      "SLACK_USER_COMMANDS_PER_WINDOW is the old name of LIMIT_USER_COMMANDS; it still works, but rename it to LIMIT_USER_COMMANDS",
      "SLACK_CHANNEL_COMMANDS_PER_WINDOW is ignored: LIMIT_CHANNEL_COMMANDS is set (SLACK_CHANNEL_COMMANDS_PER_WINDOW is LIMIT_CHANNEL_COMMANDS's old name; remove SLACK_CHANNEL_COMMANDS_PER_WINDOW)",
    ]);
  });

  it("names a bad limit variable", () => {
    expect(() => loadConfig({ LIMIT_USER_COMMANDS: "0" })).toThrow(/LIMIT_USER_COMMANDS/);
    expect(() => loadConfig({ SLACK_COMMAND_WINDOW_SECONDS: "x" })).toThrow(/SLACK_COMMAND_WINDOW_SECONDS/);
  });
});

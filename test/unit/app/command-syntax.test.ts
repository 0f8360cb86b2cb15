// Every platform's parser and help come from the commands' declarations: what help shows in a
// platform's syntax parses back in that syntax, and Discord's registered definition has it.
import { beforeAll, describe, expect, it } from "vitest";
import type { Command } from "../../../src/app/command.js";
import { OPTIONS, parseNamed, parseWords, translateExample, WORDS } from "../../../src/app/command-syntax.js";
import { loadCommands } from "../../../src/app/load-commands.js";
import { buildRdnsCommand } from "../../../src/platforms/discord/commands.js";

let commands: Command[];
beforeAll(async () => {
  commands = await loadCommands();
});

describe("typed words (Slack, console)", () => {
  it("resolves the implicit check, named commands, and option values in declared order", () => {
    const implicit = parseWords(commands, ["203.0.113.5", "mail.example.com"]);
    expect(implicit).toMatchObject({
      ok: true,
      options: { ip: "203.0.113.5", helo: "mail.example.com" },
      args: ["203.0.113.5", "mail.example.com"],
    });
    expect(implicit.ok && implicit.command.name).toBe("check");
    const watch = parseWords(commands, ["WATCH", "203.0.113.0/28"]);
    expect(watch.ok && watch.command.name).toBe("watch");
    const none = parseWords(commands, []);
    expect(none.ok && none.command.name).toBe("help");
  });

  it("says what is wrong: unknown command, missing option, too many words, too long", () => {
    expect(parseWords(commands, ["frobnicate"])).toMatchObject({
      ok: false,
      problem:
        'unknown command "frobnicate"; the commands are check, mailtest, mute, probe, recheck, status, stop, unwatch, watch, watches, help',
    });
    expect(parseWords(commands, ["watch"])).toMatchObject({
      ok: false,
      problem: /^missing <range> \(an IP or CIDR/,
    });
    expect(parseWords(commands, ["watch", "a", "b", "c", "d"])).toMatchObject({
      ok: false,
      problem: "too many words: /rdns watch <range> [helo] [every <every>] [probe]",
    });
    expect(parseWords(commands, ["watch", "203.0.113.5", "every"])).toMatchObject({
      ok: false,
      problem: /^"every" needs how often to check it/,
    });
    expect(parseWords(commands, ["check", "a".repeat(254)])).toMatchObject({
      ok: false,
      problem: /is too long for <ip> \(at most 253 characters\)/,
    });
    expect(parseWords(commands, ["watch", "1".repeat(53)])).toMatchObject({
      ok: false,
      problem: /is too long for <range> \(at most 52 characters\)/,
    });
  });

  it("reads a keyword option wherever it stands after the command, and shows it in usage", () => {
    const watch = commands.find((command) => command.name === "watch");
    if (watch === undefined) throw new Error("no watch command");
    for (const words of [
      ["watch", "203.0.113.0/28", "every", "30m"],
      ["watch", "every", "30m", "203.0.113.0/28"],
      ["watch", "203.0.113.0/28", "EVERY", "30m"],
    ]) {
      expect(parseWords(commands, words)).toMatchObject({
        ok: true,
        options: { range: "203.0.113.0/28", every: "30m" },
      });
    }
    expect(parseWords(commands, ["watch", "203.0.113.5", "mail.example.com", "every", "2h"])).toMatchObject({
      ok: true,
      options: { range: "203.0.113.5", helo: "mail.example.com", every: "2h" },
      args: ["203.0.113.5", "mail.example.com", "2h"],
    });
    expect(WORDS.usage(watch)).toBe("/rdns watch <range> [helo] [every <every>] [probe]");
    expect(WORDS.example(watch, { range: "203.0.113.5", every: "30m" })).toBe(
      "/rdns watch 203.0.113.5 every 30m",
    );
    expect(OPTIONS.example(watch, { range: "203.0.113.5", every: "30m" })).toBe(
      "/rdns watch range:203.0.113.5 every:30m",
    );
  });

  it("sends address literals, zone ids and host names to the check, not to 'unknown command'", () => {
    for (const word of [
      "[IPv6:2001:db8::1]",
      "[203.0.113.5]",
      "fe80::1%eth0",
      "300.1.1.1",
      "mail.example.com",
      "Mail.Example.COM.",
    ]) {
      const parsed = parseWords(commands, [word]);
      expect(parsed.ok && parsed.command.name, word).toBe("check");
      expect(parsed.ok && parsed.options.ip, word).toBe(word);
    }
    // A single word with no dot is still a command name, right or wrong.
    expect(parseWords(commands, ["localhost"])).toMatchObject({ ok: false, problem: /^unknown command/ });
  });
});

describe("named options (Discord)", () => {
  it("reads a subcommand's options and refuses ones not declared", () => {
    expect(parseNamed(commands, "check", { ip: "203.0.113.5" })).toMatchObject({
      ok: true,
      args: ["203.0.113.5"],
    });
    expect(parseNamed(commands, "check", { ip: "203.0.113.5", port: "25" })).toMatchObject({
      ok: false,
      problem: '/rdns check has no option "port"',
    });
    expect(parseNamed(commands, "check", {})).toMatchObject({ ok: false, problem: /^missing ip: / });
  });

  it("writes typed examples in Discord's syntax and leaves the others alone", () => {
    expect(translateExample(commands, "/rdns 203.0.113.5 mail.example.com", OPTIONS)).toBe(
      "/rdns check ip:203.0.113.5 helo:mail.example.com",
    );
    expect(translateExample(commands, "/rdns check 2001:db8::1", OPTIONS)).toBe("/rdns check ip:2001:db8::1");
    expect(translateExample(commands, "/rdns watch 203.0.113.0/28", OPTIONS)).toBe(
      "/rdns watch range:203.0.113.0/28",
    );
    expect(translateExample(commands, "/rdns watches", OPTIONS)).toBe("/rdns watches");
    expect(translateExample(commands, "/rdns check ip:1.2.3.4", OPTIONS)).toBe("/rdns check ip:1.2.3.4");
    expect(translateExample(commands, "/rdns 203.0.113.5", WORDS)).toBe("/rdns 203.0.113.5");
  });
});

describe("usage and examples per syntax", () => {
  it("shows Discord's form for Discord and the typed form elsewhere", () => {
    const check = commands.find((c) => c.name === "check") as Command;
    expect(WORDS.usage(check)).toBe("/rdns <ip> [helo]");
    expect(OPTIONS.usage(check)).toBe("/rdns check ip:<ip> [helo:<helo>]");
    expect(OPTIONS.example(check, { ip: "203.0.113.5", helo: "mail.example.com" })).toBe(
      "/rdns check ip:203.0.113.5 helo:mail.example.com",
    );
  });

  it("every example of every command parses back in each syntax to the same values", () => {
    for (const syntax of [WORDS, OPTIONS]) {
      for (const command of commands) {
        for (const example of command.examples) {
          const parsed = syntax.parse(commands, syntax.example(command, example));
          expect(parsed, `${syntax.kind}: ${syntax.example(command, example)}`).toMatchObject({
            ok: true,
            options: example,
          });
          expect(parsed.ok && parsed.command.name).toBe(command.name);
        }
      }
    }
  });

  it("Discord's registered definition has every declared subcommand and option", () => {
    const json = buildRdnsCommand(commands).toJSON();
    const subs = json.options as { name: string; options?: { name: string; required?: boolean }[] }[];
    for (const command of commands) {
      const sub = subs.find((s) => s.name === command.name);
      expect(sub?.options?.map((o) => [o.name, o.required]) ?? []).toEqual(
        command.options.map((o) => [o.name, o.required]),
      );
    }
  });
});

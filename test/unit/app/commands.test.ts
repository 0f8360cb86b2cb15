import { describe, expect, it } from "vitest";
import { CommandLoadError, loadCommands, validateCommands } from "../../../src/app/load-commands.js";

const ok = (name: string, extra: Record<string, unknown> = {}) => ({
  default: { name, summary: "s", options: [], examples: [{}], run: async () => {}, ...extra },
});

const ipOption = { name: "ip", kind: "ip", required: true, description: "The IP" };

describe("command loader", () => {
  it("loads one command per file in commands/, help last", async () => {
    const names = (await loadCommands()).map((command) => command.name);
    expect(names).toEqual([
      "check",
      "mailtest",
      "mute",
      "probe",
      "recheck",
      "status",
      "stop",
      "unwatch",
      "watch",
      "watches",
      "help",
    ]);
  });

  it("throws on a bad export, naming the file", () => {
    expect(() => validateCommands([{ file: "commands/x.ts", module: { default: { name: "x" } } }])).toThrow(
      /commands\/x\.ts: the default export must be a command/,
    );
    expect(() => validateCommands([{ file: "commands/y.ts", module: {} }])).toThrow(CommandLoadError);
  });

  it("throws on a duplicate name, naming both files", () => {
    expect(() =>
      validateCommands([
        { file: "commands/a.ts", module: ok("watch") },
        { file: "commands/b.ts", module: ok("watch") },
      ]),
    ).toThrow(/commands\/b\.ts: the command name "watch" is already used by commands\/a\.ts/);
  });

  it("refuses declarations Discord or the parser would refuse", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ summary: "x".repeat(101) }, /summary is longer than 100/],
      [{ options: [{ ...ipOption, description: "d".repeat(101) }] }, /description is longer than 100/],
      [{ options: [{ ...ipOption, kind: "number" }] }, /kind must be one of/],
      [
        {
          options: [
            { ...ipOption, required: false },
            { ...ipOption, name: "helo" },
          ],
        },
        /required options come first/,
      ],
      [
        { options: [ipOption], examples: [{}] },
        /the example \{\} is refused by its own options \(missing <ip>/,
      ],
      [{ options: [ipOption], examples: [{ ip: "1", helo: "x" }] }, /refused by its own options/],
      [{ examples: [] }, /examples: at least one/],
      [{ implicit: true }, /an implicit command needs an option/],
    ];
    for (const [extra, message] of cases) {
      expect(() => validateCommands([{ file: "commands/z.ts", module: ok("z", extra) }])).toThrow(message);
    }
  });

  it("allows one implicit command only", () => {
    const implicit = { implicit: true, options: [ipOption], examples: [{ ip: "192.0.2.1" }] };
    expect(() =>
      validateCommands([
        { file: "commands/a.ts", module: ok("a", implicit) },
        { file: "commands/b.ts", module: ok("b", implicit) },
      ]),
    ).toThrow(/commands\/b\.ts: commands\/a\.ts is already the implicit command/);
  });
});

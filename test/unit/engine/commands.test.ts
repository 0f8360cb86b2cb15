import { describe, expect, it } from "vitest";
import { CommandLoadError, loadCommands, validateCommands } from "../../../src/app/load-commands.js";

const ok = (name: string) => ({
  default: { name, summary: "s", usage: `/rdns ${name}`, example: `/rdns ${name}`, run: async () => {} },
});

describe("command loader", () => {
  it("loads one command per file in commands/, help last", async () => {
    const names = (await loadCommands()).map((command) => command.name);
    expect(names).toEqual(["check", "unwatch", "watch", "watches", "help"]);
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
});

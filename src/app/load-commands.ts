// Loads every file in commands/ and checks each default export, so a new command is one file and
// a mistake (no default export, a missing field, two commands with one name) stops start-up with
// a message naming the file, instead of a command that silently never answers.
import { readdir } from "node:fs/promises";
import type { Command } from "./command.js";

export class CommandLoadError extends Error {
  override name = "CommandLoadError";
}

const NAME = /^[a-z][a-z0-9-]*$/;

function isCommand(value: unknown): value is Command {
  if (typeof value !== "object" || value === null) return false;
  const command = value as Record<string, unknown>;
  return (
    typeof command.name === "string" &&
    NAME.test(command.name) &&
    typeof command.summary === "string" &&
    typeof command.usage === "string" &&
    typeof command.example === "string" &&
    typeof command.run === "function"
  );
}

/** Checks loaded modules; throws on a bad export or a duplicate name. Sorted by name, help last. */
export function validateCommands(modules: readonly { file: string; module: unknown }[]): Command[] {
  const byName = new Map<string, { file: string; command: Command }>();
  for (const { file, module } of modules) {
    const command = (module as { default?: unknown } | null)?.default;
    if (!isCommand(command)) {
      throw new CommandLoadError(
        `${file}: the default export must be a command ({ name, summary, usage, example, run }) declared with \`satisfies Command\``,
      );
    }
    const taken = byName.get(command.name);
    if (taken !== undefined) {
      throw new CommandLoadError(
        `${file}: the command name "${command.name}" is already used by ${taken.file}`,
      );
    }
    byName.set(command.name, { file, command });
  }
  return [...byName.values()]
    .map((entry) => entry.command)
    .sort((a, b) => (a.name === "help" ? 1 : b.name === "help" ? -1 : a.name.localeCompare(b.name)));
}

/** The commands/ folder next to src/ (source under vitest/tsx, dist/ when built). */
const COMMANDS_DIR = new URL("../../commands/", import.meta.url);

export async function loadCommands(dir: URL = COMMANDS_DIR): Promise<Command[]> {
  const files = (await readdir(dir))
    .filter((file) => /\.(ts|js)$/.test(file) && !/\.d\.ts$/.test(file) && !/\.test\./.test(file))
    .sort();
  const modules = await Promise.all(
    files.map(async (file) => ({
      file: `commands/${file}`,
      module: (await import(new URL(file, dir).href)) as unknown,
    })),
  );
  return validateCommands(modules);
}
